using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Berth.Core.Images;
using Berth.Core.Scanning;
using Berth.Core.Scanning.Feed;

namespace Berth.Server.EcrApi;

/// <summary>
/// Writes ENHANCED findings in the shape of ECR's EnhancedImageScanFinding, filled as Amazon Inspector fills it
/// (the user guide's Inspector2 Finding example): findingArn <c>arn:aws:inspector2:REGION:ACCOUNT:finding/HEX32</c>
/// (here a hash of registry, repository, image, vulnerability and package, so it is stable across rescans), type
/// PACKAGE_VULNERABILITY, status ACTIVE, title "ID - package", the resource AWS_ECR_CONTAINER_IMAGE with the image's
/// ARN, the CVSS v3 score as score and scoreDetails, and remediation text. firstObservedAt, lastObservedAt and
/// updatedAt are the scan's completion time. exploitAvailable is not written: OSV records do not say.
/// </summary>
internal static class EnhancedFindingWriter
{
    /// <summary>Inspector's recommendation when a fixed version exists (the user guide's example) and when none does.</summary>
    public const string UpdateText = "Update all packages in the vulnerable packages section to their latest versions.";
    public const string NoFixText = "None Provided";

    public static void Write(Utf8JsonWriter json, EcrCall call, string repository, ImageDetail image, ImageScan scan, ScanFinding finding)
    {
        var details = finding.Enhanced!;
        var observed = scan.CompletedAt ?? DateTimeOffset.UnixEpoch;
        var resourceId = $"{call.Registry.RepositoryArn(repository)}/{image.Digest}";
        json.WriteStartObject();
        json.WriteString("awsAccountId", call.Registry.AccountId);
        if (finding.Description is not null)
        {
            json.WriteString("description", finding.Description);
        }

        json.WriteString("findingArn", FindingArn(call, resourceId, details));
        EcrCall.WriteTimestamp(json, "firstObservedAt", observed);
        EcrCall.WriteTimestamp(json, "lastObservedAt", observed);
        WritePackageDetails(json, finding, details);
        json.WriteStartObject("remediation");
        json.WriteStartObject("recommendation");
        json.WriteString("text", details.FixAvailable == EnhancedFindingDetails.FixNo ? NoFixText : UpdateText);
        json.WriteEndObject();
        json.WriteEndObject();
        WriteResource(json, call, repository, image, resourceId, details);
        if (finding.CvssScore is { } score && finding.CvssVector is { } vector)
        {
            json.WriteNumber("score", score);
            json.WriteStartObject("scoreDetails");
            json.WriteStartObject("cvss");
            json.WriteStartArray("adjustments");
            json.WriteEndArray();
            json.WriteNumber("score", score);
            json.WriteString("scoreSource", details.Source);
            json.WriteString("scoringVector", vector);
            json.WriteString("version", CvssVersion(vector));
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteString("severity", finding.Severity == FindingSeverity.Undefined ? "UNTRIAGED" : finding.Severity);
        json.WriteString("status", "ACTIVE");
        json.WriteString("title", details.Title);
        json.WriteString("type", "PACKAGE_VULNERABILITY");
        EcrCall.WriteTimestamp(json, "updatedAt", observed);
        json.WriteString("fixAvailable", details.FixAvailable);
        json.WriteEndObject();
    }

    private static void WritePackageDetails(Utf8JsonWriter json, ScanFinding finding, EnhancedFindingDetails details)
    {
        json.WriteStartObject("packageVulnerabilityDetails");
        json.WriteStartArray("cvss");
        if (finding.CvssScore is { } score && finding.CvssVector is { } vector)
        {
            json.WriteStartObject();
            json.WriteNumber("baseScore", score);
            json.WriteString("scoringVector", vector);
            json.WriteString("source", details.Source);
            json.WriteString("version", CvssVersion(vector));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("referenceUrls");
        foreach (var url in details.ReferenceUrls)
        {
            json.WriteStringValue(url);
        }

        json.WriteEndArray();
        json.WriteStartArray("relatedVulnerabilities");
        foreach (var related in details.RelatedVulnerabilities)
        {
            json.WriteStringValue(related);
        }

        json.WriteEndArray();
        json.WriteString("source", details.Source);
        json.WriteString("sourceUrl", details.SourceUrl);
        if (details.VendorCreatedAt is { } created)
        {
            EcrCall.WriteTimestamp(json, "vendorCreatedAt", created);
        }

        if (details.VendorSeverity is { } vendorSeverity)
        {
            json.WriteString("vendorSeverity", vendorSeverity);
        }

        if (details.VendorUpdatedAt is { } updated)
        {
            EcrCall.WriteTimestamp(json, "vendorUpdatedAt", updated);
        }

        json.WriteString("vulnerabilityId", details.VulnerabilityId);
        json.WriteStartArray("vulnerablePackages");
        foreach (var package in details.VulnerablePackages)
        {
            json.WriteStartObject();
            if (details.Architecture is { } architecture && package.PackageManager == "OS")
            {
                json.WriteString("arch", architecture);
            }

            if (package.Epoch is { } epoch)
            {
                json.WriteNumber("epoch", epoch);
            }

            if (package.FilePath is { } path)
            {
                json.WriteString("filePath", path);
            }

            json.WriteString("name", package.Name);
            json.WriteString("packageManager", package.PackageManager);
            if (package.Release is { } release)
            {
                json.WriteString("release", release);
            }

            if (package.SourceLayerHash is { } layer)
            {
                json.WriteString("sourceLayerHash", layer);
            }

            json.WriteString("version", package.Version);
            json.WriteString("fixedInVersion", package.FixedInVersion ?? "NotAvailable");
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteResource(Utf8JsonWriter json, EcrCall call, string repository, ImageDetail image, string resourceId, EnhancedFindingDetails details)
    {
        json.WriteStartArray("resources");
        json.WriteStartObject();
        json.WriteStartObject("details");
        json.WriteStartObject("awsEcrContainerImage");
        if (details.Architecture is { } architecture)
        {
            json.WriteString("architecture", architecture);
        }

        json.WriteString("imageHash", image.Digest.ToString());
        json.WriteStartArray("imageTags");
        foreach (var tag in image.Tags)
        {
            json.WriteStringValue(tag);
        }

        json.WriteEndArray();
        if (details.Platform is { } platform)
        {
            json.WriteString("platform", platform);
        }

        EcrCall.WriteTimestamp(json, "pushedAt", image.PushedAt);
        json.WriteString("registry", call.Registry.AccountId);
        json.WriteString("repositoryName", repository);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteString("id", resourceId);
        json.WriteString("type", "AWS_ECR_CONTAINER_IMAGE");
        json.WriteEndObject();
        json.WriteEndArray();
    }

    /// <summary>"3.1" of <c>CVSS:3.1/…</c>.</summary>
    private static string CvssVersion(string vector) =>
        vector.StartsWith("CVSS:", StringComparison.Ordinal) && vector.IndexOf('/', StringComparison.Ordinal) is > 5 and var slash ? vector[5..slash] : "3.1";

    private static string FindingArn(EcrCall call, string resourceId, EnhancedFindingDetails details)
    {
        var key = string.Join('\n', resourceId, details.VulnerabilityId, details.VulnerablePackages[0].Name);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];
        return string.Create(CultureInfo.InvariantCulture, $"arn:{call.Registry.Partition}:inspector2:{call.Registry.Region}:{call.Registry.AccountId}:finding/{hash}");
    }
}
