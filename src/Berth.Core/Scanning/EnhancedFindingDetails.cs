using System.Text.Json;
using System.Text.Json.Serialization;

namespace Berth.Core.Scanning;

/// <summary>
/// What an ENHANCED finding carries beyond a BASIC one, as Amazon Inspector fills an EnhancedImageScanFinding: the
/// vulnerability's source record (id, other ids, references, vendor rating and dates), every installation of the
/// package it affects (<see cref="VulnerablePackages"/>), whether fixes exist, and the image's architecture and
/// platform at scan time. Stored as JSON with the finding.
/// </summary>
public sealed record EnhancedFindingDetails(
    string VulnerabilityId,
    string Title,
    string Source,
    string SourceUrl,
    IReadOnlyList<string> ReferenceUrls,
    IReadOnlyList<string> RelatedVulnerabilities,
    string? VendorSeverity,
    DateTimeOffset? VendorCreatedAt,
    DateTimeOffset? VendorUpdatedAt,
    IReadOnlyList<VulnerablePackage> VulnerablePackages,
    string FixAvailable,
    string? Architecture,
    string? Platform)
{
    public const string FixYes = "YES";
    public const string FixNo = "NO";
    public const string FixPartial = "PARTIAL";

    private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static EnhancedFindingDetails? FromJson(string? json) => json is null ? null : JsonSerializer.Deserialize<EnhancedFindingDetails>(json, Options);
}

/// <summary>One installation of a vulnerable package: ECR's VulnerablePackage (epoch and release for OS packages).</summary>
public sealed record VulnerablePackage(
    string Name,
    string Version,
    string PackageManager,
    string? FilePath,
    string? FixedInVersion,
    int? Epoch,
    string? Release,
    string? SourceLayerHash);
