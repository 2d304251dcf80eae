using System.Globalization;
using System.Text.Json;
using Berth.Core.Images;
using Berth.Core.Paging;
using Berth.Core.Scanning;

namespace Berth.Server.EcrApi;

/// <summary>
/// Image scanning: PutRegistryScanningConfiguration, GetRegistryScanningConfiguration,
/// BatchGetRepositoryScanningConfiguration, StartImageScan and DescribeImageScanFindings (BASIC findings, or
/// ENHANCED ones through <see cref="EnhancedFindingWriter"/> for a scan that ran as ENHANCED). The scans
/// themselves run in BackgroundJobs/ScanJob. See
/// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_StartImageScan.html and
/// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImageScanFindings.html
/// </summary>
internal static class ScanningOperations
{
    public static void Register(Dictionary<string, Func<EcrCall, Task>> operations)
    {
        operations.Add("PutRegistryScanningConfiguration", PutConfigurationAsync);
        operations.Add("GetRegistryScanningConfiguration", GetConfigurationAsync);
        operations.Add("BatchGetRepositoryScanningConfiguration", BatchGetRepositoryConfigurationAsync);
        operations.Add("StartImageScan", StartAsync);
        operations.Add("DescribeImageScanFindings", DescribeFindingsAsync);
    }

    private static async Task PutConfigurationAsync(EcrCall call)
    {
        var rules = call.Element("rules") is { ValueKind: JsonValueKind.Array } list
            ? list.EnumerateArray().Select(r => new ScanningRule(
                r.GetProperty("scanFrequency").GetString()!,
                r.GetProperty("repositoryFilters").EnumerateArray().Select(f => f.GetProperty("filter").GetString()!).ToList())).ToList()
            : [];
        var configuration = new RegistryScanningConfiguration(call.String("scanType") ?? RegistryScanningConfiguration.Basic, rules);
        await call.Service<ScanningService>().PutConfigurationAsync(configuration, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WritePropertyName("registryScanningConfiguration");
            Write(json, configuration);
        }).ConfigureAwait(false);
    }

    private static async Task GetConfigurationAsync(EcrCall call)
    {
        var configuration = await call.Service<ScanningService>().GetConfigurationAsync(call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WriteString("registryId", call.Registry.AccountId);
            json.WritePropertyName("scanningConfiguration");
            Write(json, configuration);
        }).ConfigureAwait(false);
    }

    private static async Task BatchGetRepositoryConfigurationAsync(EcrCall call)
    {
        var service = call.Service<ScanningService>();
        var configuration = await service.GetConfigurationAsync(call.Aborted).ConfigureAwait(false);
        var found = new List<(string Name, string Frequency, ScanningRule? Rule)>();
        var missing = new List<string>();
        foreach (var element in call.Element("repositoryNames")!.Value.EnumerateArray())
        {
            var name = Core.Naming.RepositoryName.Parse(element.GetString()!);
            if (await service.FindRepositoryConfigurationAsync(configuration, name, call.Aborted).ConfigureAwait(false) is { } hit)
            {
                found.Add((name.Value, hit.Frequency, hit.Rule));
            }
            else
            {
                missing.Add(name.Value);
            }
        }

        await call.RespondAsync(json =>
        {
            json.WriteStartArray("scanningConfigurations");
            foreach (var (name, frequency, rule) in found)
            {
                json.WriteStartObject();
                json.WriteString("repositoryArn", call.Registry.RepositoryArn(name));
                json.WriteString("repositoryName", name);
                json.WriteBoolean("scanOnPush", frequency != ScanningRule.Manual);
                json.WriteString("scanFrequency", frequency);
                json.WriteStartArray("appliedScanFilters");
                foreach (var filter in rule?.Filters ?? [])
                {
                    WriteFilter(json, filter);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("failures");
            foreach (var name in missing)
            {
                json.WriteStartObject();
                json.WriteString("repositoryName", name);
                json.WriteString("failureCode", "REPOSITORY_NOT_FOUND");
                json.WriteString("failureReason", "REPOSITORY_NOT_FOUND");
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }).ConfigureAwait(false);
    }

    private static async Task StartAsync(EcrCall call)
    {
        var repository = call.RepositoryName();
        var catalog = call.Service<ImageCatalogService>();
        await catalog.RequireRepositoryAsync(repository, call.Aborted).ConfigureAwait(false);
        var requested = call.Element("imageId")!.Value;
        var image = await ImageDescriptions.FindAsync(call, catalog, repository, requested).ConfigureAwait(false);
        await call.Service<ScanningService>().StartAsync(repository, image, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            WriteImage(json, call, repository.Value, image, requested);
            json.WriteStartObject("imageScanStatus");
            json.WriteString("status", ScanStatus.InProgress);
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static async Task DescribeFindingsAsync(EcrCall call)
    {
        var repository = call.RepositoryName();
        var catalog = call.Service<ImageCatalogService>();
        await catalog.RequireRepositoryAsync(repository, call.Aborted).ConfigureAwait(false);
        var requested = call.Element("imageId")!.Value;
        var image = await ImageDescriptions.FindAsync(call, catalog, repository, requested).ConfigureAwait(false);
        var service = call.Service<ScanningService>();
        var scan = await service.GetAsync(repository, image.Digest, ImageIdText(requested), call.Registry.AccountId, call.Aborted).ConfigureAwait(false);
        Page<ScanFinding>? page = null;
        if (scan.Status is ScanStatus.Complete or ScanStatus.Active)
        {
            page = await service.ListFindingsAsync(repository, image.Digest, new PageRequest(call.Int("maxResults") ?? 100, NextToken.Read(call)), call.Aborted).ConfigureAwait(false);
        }

        await call.RespondAsync(json =>
        {
            WriteImage(json, call, repository.Value, image, requested);
            WriteStatus(json, scan);
            if (page is not null)
            {
                json.WriteStartObject("imageScanFindings");
                WriteSummaryMembers(json, scan);
                if (scan.ScanType == RegistryScanningConfiguration.Enhanced)
                {
                    json.WriteStartArray("enhancedFindings");
                    foreach (var finding in page.Items.Where(f => f.Enhanced is not null))
                    {
                        EnhancedFindingWriter.Write(json, call, repository.Value, image, scan, finding);
                    }
                }
                else
                {
                    json.WriteStartArray("findings");
                    foreach (var finding in page.Items)
                    {
                        WriteFinding(json, finding);
                    }
                }

                json.WriteEndArray();
                json.WriteEndObject();
                var last = page.Items.Count;
                ImageDescriptions.WriteNextToken(json, page.HasMore ? NextToken.Write(call, OrdinalAfter(call, last)) : null);
            }
        }).ConfigureAwait(false);
    }

    /// <summary>The ordinal of the last finding of this page: the request's own position plus the page's size.</summary>
    private static string OrdinalAfter(EcrCall call, int count)
    {
        var after = NextToken.Read(call) is { } text && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o : -1;
        return (after + count).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>imageScanStatus and, once a scan completed, imageScanFindingsSummary: DescribeImages' members for one image.</summary>
    public static void WriteImageMembers(Utf8JsonWriter json, ImageScan scan)
    {
        WriteStatus(json, scan);
        if (scan.Status is ScanStatus.Complete or ScanStatus.Active)
        {
            json.WriteStartObject("imageScanFindingsSummary");
            WriteSummaryMembers(json, scan);
            json.WriteEndObject();
        }
    }

    private static void WriteStatus(Utf8JsonWriter json, ImageScan scan)
    {
        json.WriteStartObject("imageScanStatus");
        json.WriteString("status", scan.Status);
        if (scan.Description is not null)
        {
            json.WriteString("description", scan.Description);
        }

        json.WriteEndObject();
    }

    private static void WriteSummaryMembers(Utf8JsonWriter json, ImageScan scan)
    {
        if (scan.CompletedAt is { } completed)
        {
            EcrCall.WriteTimestamp(json, "imageScanCompletedAt", completed);
        }

        if (scan.VulnerabilitySourceUpdatedAt is { } source)
        {
            EcrCall.WriteTimestamp(json, "vulnerabilitySourceUpdatedAt", source);
        }

        json.WriteStartObject("findingSeverityCounts");
        foreach (var severity in Core.Scanning.Feed.FindingSeverity.All)
        {
            if (scan.SeverityCounts.TryGetValue(severity, out var count) && count > 0)
            {
                json.WriteNumber(severity, count);
            }
        }

        json.WriteEndObject();
    }

    private static void WriteFinding(Utf8JsonWriter json, ScanFinding finding)
    {
        json.WriteStartObject();
        json.WriteString("name", finding.Name);
        if (finding.Description is not null)
        {
            json.WriteString("description", finding.Description);
        }

        json.WriteString("uri", finding.Uri);
        json.WriteString("severity", finding.Severity);
        json.WriteStartArray("attributes");
        WriteAttribute(json, "package_version", finding.PackageVersion);
        WriteAttribute(json, "package_name", finding.PackageName);
        if (finding.CvssVector is not null && finding.CvssScore is { } score)
        {
            WriteAttribute(json, "CVSS3_VECTOR", finding.CvssVector);
            WriteAttribute(json, "CVSS3_SCORE", Core.Scanning.Feed.Cvss3.Format(score));
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteAttribute(Utf8JsonWriter json, string key, string value)
    {
        json.WriteStartObject();
        json.WriteString("key", key);
        json.WriteString("value", value);
        json.WriteEndObject();
    }

    private static void WriteImage(Utf8JsonWriter json, EcrCall call, string repository, ImageDetail image, JsonElement requested)
    {
        json.WriteString("registryId", call.Registry.AccountId);
        json.WriteString("repositoryName", repository);
        json.WritePropertyName("imageId");
        ImageIds.WriteId(json, image.Digest.ToString(), requested.TryGetProperty("imageTag", out var tag) && tag.ValueKind == JsonValueKind.String ? tag.GetString() : null);
    }

    private static string ImageIdText(JsonElement requested)
    {
        var digest = requested.TryGetProperty("imageDigest", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        var tag = requested.TryGetProperty("imageTag", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        return $"{{imageDigest:'{digest ?? "null"}', imageTag:'{tag ?? "null"}'}}";
    }

    private static void Write(Utf8JsonWriter json, RegistryScanningConfiguration configuration)
    {
        json.WriteStartObject();
        json.WriteString("scanType", configuration.ScanType);
        json.WriteStartArray("rules");
        foreach (var rule in configuration.Rules)
        {
            json.WriteStartObject();
            json.WriteString("scanFrequency", rule.ScanFrequency);
            json.WriteStartArray("repositoryFilters");
            foreach (var filter in rule.Filters)
            {
                WriteFilter(json, filter);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteFilter(Utf8JsonWriter json, string filter)
    {
        json.WriteStartObject();
        json.WriteString("filter", filter);
        json.WriteString("filterType", "WILDCARD");
        json.WriteEndObject();
    }
}
