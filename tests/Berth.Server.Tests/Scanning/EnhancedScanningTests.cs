using System.Text.Json;
using Berth.Server.Hosting;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Scanning;

/// <summary>
/// ENHANCED scanning end to end: an OSV feed for npm, PyPI, Go, NuGet and Debian written here and imported with
/// <c>berth vulnerabilities import</c>, an image with a package-lock.json, a dist-info, a deps.json, a dpkg status and a
/// Go binary built with this machine's Go pushed with skopeo, and the aws CLI for the API and the waiter.
/// </summary>
public sealed class EnhancedScanningTests : IAsyncLifetime
{
    private static readonly string[] PypiAliases = ["CVE-2099-1001"];
    private static readonly string[] NpmAliases = ["CVE-2099-1002"];
    private readonly string _work = Path.Combine(Path.GetTempPath(), "berth-enhanced-scanning", Guid.NewGuid().ToString("N"));
    private BerthTestServer _server = null!;
    private AwsCli _aws = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        _server = await BerthTestServer.StartEcrAsync();
        _aws = new AwsCli(_server);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [SkippableFact]
    public async Task EnhancedScanOnPushReportsLanguageAndOsPackagesAsInspectorDoes()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool);
        var layout = new OciLayoutWriter(Path.Combine(_work, "layout"));
        var image = await LanguageTestImage.WriteAsync(layout, "v1", _work);
        WriteFeed(Path.Combine(_work, "feed"));
        Assert.Equal(0, await BerthCommandLine.RunAsync(["vulnerabilities", "import", Path.Combine(_work, "feed"), "--data", _server.DataDirectory]));

        var manualRule = await _aws.FailAsync("ecr", "put-registry-scanning-configuration", "--scan-type", "ENHANCED",
            "--rules", """[{"scanFrequency":"MANUAL","repositoryFilters":[{"filter":"*","filterType":"WILDCARD"}]}]""");
        Assert.Contains("(InvalidParameterException)", manualRule, StringComparison.Ordinal);
        await _aws.RunAsync("ecr", "put-registry-scanning-configuration", "--scan-type", "ENHANCED",
            "--rules", """[{"scanFrequency":"SCAN_ON_PUSH","repositoryFilters":[{"filter":"enhanced-*","filterType":"WILDCARD"}]}]""");
        var repository = "enhanced-" + Guid.NewGuid().ToString("N")[..12];
        await _aws.RunAsync("ecr", "create-repository", "--repository-name", repository);
        var password = (await _aws.RunRawAsync(["ecr", "get-login-password"])).StandardOutput.Trim();
        await ProcessRunner.RunAsync(Skopeo.Tool, ["copy", "--dest-tls-verify=false", "--dest-creds", "AWS:" + password, $"oci:{layout.Directory}:v1", $"docker://{_server.Host}/{repository}:v1"]);

        await _aws.RunAsync("ecr", "wait", "image-scan-complete", "--repository-name", repository, "--image-id", "imageTag=v1");
        var response = await _aws.RunAsync("ecr", "describe-image-scan-findings", "--repository-name", repository, "--image-id", "imageTag=v1");
        Assert.Equal("COMPLETE", response.GetProperty("imageScanStatus").GetProperty("status").GetString());
        var result = response.GetProperty("imageScanFindings");
        Assert.False(result.TryGetProperty("findings", out _));
        var counts = result.GetProperty("findingSeverityCounts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["CRITICAL"] = 1, ["HIGH"] = 2, ["MEDIUM"] = 2, ["LOW"] = 1 }, counts);

        var findings = result.GetProperty("enhancedFindings").EnumerateArray().ToDictionary(f => f.GetProperty("title").GetString()!);
        Assert.Equal(
            ["CVE-2099-1001 - requests", "CVE-2099-1002 - lodash", "CVE-2099-2001 - zlib", "GHSA-test-nuget - Newtonsoft.Json", "GO-2099-0001 - example.com/dep", "GO-2099-0002 - stdlib"],
            findings.Keys.Order(StringComparer.Ordinal));
        string Package(string title, string member) => findings[title].GetProperty("packageVulnerabilityDetails").GetProperty("vulnerablePackages")[0].GetProperty(member).ToString();
        Assert.Equal(("lodash", "4.17.20", "NPM", "/app/package-lock.json", "4.17.21", image.LayerDigests[0]),
            (Package("CVE-2099-1002 - lodash", "name"), Package("CVE-2099-1002 - lodash", "version"), Package("CVE-2099-1002 - lodash", "packageManager"),
             Package("CVE-2099-1002 - lodash", "filePath"), Package("CVE-2099-1002 - lodash", "fixedInVersion"), Package("CVE-2099-1002 - lodash", "sourceLayerHash")));
        Assert.Equal(("PYTHONPKG", "2.20.0"), (Package("CVE-2099-1001 - requests", "packageManager"), Package("CVE-2099-1001 - requests", "fixedInVersion")));
        Assert.Equal(("DOTNET_CORE", "/app/app.deps.json"), (Package("GHSA-test-nuget - Newtonsoft.Json", "packageManager"), Package("GHSA-test-nuget - Newtonsoft.Json", "filePath")));
        Assert.Equal(("GOBINARY", "v1.2.3", "/usr/local/bin/app", image.LayerDigests[1]),
            (Package("GO-2099-0001 - example.com/dep", "packageManager"), Package("GO-2099-0001 - example.com/dep", "version"),
             Package("GO-2099-0001 - example.com/dep", "filePath"), Package("GO-2099-0001 - example.com/dep", "sourceLayerHash")));
        Assert.Equal(image.GoVersion, Package("GO-2099-0002 - stdlib", "version"));
        Assert.Equal(("OS", "1.2.13.dfsg", "1", "1", "NotAvailable"),
            (Package("CVE-2099-2001 - zlib", "packageManager"), Package("CVE-2099-2001 - zlib", "version"), Package("CVE-2099-2001 - zlib", "release"),
             Package("CVE-2099-2001 - zlib", "epoch"), Package("CVE-2099-2001 - zlib", "fixedInVersion")));

        var requests = findings["CVE-2099-1001 - requests"];
        Assert.Equal(("CRITICAL", "ACTIVE", "PACKAGE_VULNERABILITY", "YES"),
            (requests.GetProperty("severity").GetString(), requests.GetProperty("status").GetString(), requests.GetProperty("type").GetString(), requests.GetProperty("fixAvailable").GetString()));
        Assert.Equal(9.8, requests.GetProperty("score").GetDouble());
        Assert.Equal("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", requests.GetProperty("scoreDetails").GetProperty("cvss").GetProperty("scoringVector").GetString());
        Assert.Matches(@"^arn:aws:inspector2:us-east-1:\d{12}:finding/[0-9a-f]{32}\z", requests.GetProperty("findingArn").GetString());
        Assert.Equal("Update all packages in the vulnerable packages section to their latest versions.",
            requests.GetProperty("remediation").GetProperty("recommendation").GetProperty("text").GetString());
        var details = requests.GetProperty("packageVulnerabilityDetails");
        Assert.Equal(("CVE-2099-1001", "GITHUB"), (details.GetProperty("vulnerabilityId").GetString(), details.GetProperty("source").GetString()));
        Assert.Equal(["GHSA-test-pypi"], details.GetProperty("relatedVulnerabilities").EnumerateArray().Select(r => r.GetString()));
        var container = requests.GetProperty("resources")[0];
        Assert.Equal("AWS_ECR_CONTAINER_IMAGE", container.GetProperty("type").GetString());
        Assert.EndsWith($"repository/{repository}/{image.Manifest.Digest}", container.GetProperty("id").GetString(), StringComparison.Ordinal);
        var ecrImage = container.GetProperty("details").GetProperty("awsEcrContainerImage");
        Assert.Equal(("amd64", image.Manifest.Digest, repository, "DEBIAN_12", "v1"),
            (ecrImage.GetProperty("architecture").GetString(), ecrImage.GetProperty("imageHash").GetString(), ecrImage.GetProperty("repositoryName").GetString(),
             ecrImage.GetProperty("platform").GetString(), ecrImage.GetProperty("imageTags")[0].GetString()));
        Assert.Equal(("NO", "None Provided"), (findings["CVE-2099-2001 - zlib"].GetProperty("fixAvailable").GetString(),
            findings["CVE-2099-2001 - zlib"].GetProperty("remediation").GetProperty("recommendation").GetProperty("text").GetString()));

        // Paging over enhancedFindings: pages of four, then two.
        var first = await _aws.RunAsync("ecr", "describe-image-scan-findings", "--repository-name", repository, "--image-id", "imageTag=v1", "--max-results", "4", "--no-paginate");
        Assert.Equal(4, first.GetProperty("imageScanFindings").GetProperty("enhancedFindings").GetArrayLength());
        var second = await _aws.RunAsync("ecr", "describe-image-scan-findings", "--repository-name", repository, "--image-id", "imageTag=v1", "--max-results", "4", "--no-paginate",
            "--next-token", first.GetProperty("nextToken").GetString()!);
        Assert.Equal(2, second.GetProperty("imageScanFindings").GetProperty("enhancedFindings").GetArrayLength());
        Assert.False(second.TryGetProperty("nextToken", out _));

        // Under CONTINUOUS_SCAN an enhanced image shows ACTIVE, as ECR shows Inspector's monitored images.
        await _aws.RunAsync("ecr", "put-registry-scanning-configuration", "--scan-type", "ENHANCED",
            "--rules", """[{"scanFrequency":"CONTINUOUS_SCAN","repositoryFilters":[{"filter":"enhanced-*","filterType":"WILDCARD"}]}]""");
        // By tag: the scan's SBOM referrer is an image of the repository too (an artifact, never scanned).
        var described = await _aws.RunAsync("ecr", "describe-images", "--repository-name", repository, "--image-ids", "imageTag=v1");
        var status = described.GetProperty("imageDetails")[0].GetProperty("imageScanStatus");
        Assert.Equal(("ACTIVE", "Continuous scan is selected for image."), (status.GetProperty("status").GetString(), status.GetProperty("description").GetString()));
        Assert.Equal(6, described.GetProperty("imageDetails")[0].GetProperty("imageScanFindingsSummary").GetProperty("findingSeverityCounts").EnumerateObject().Sum(p => p.Value.GetInt32()));
    }

    /// <summary>Six records that match (one per ecosystem, two for Go) and three that must not by their ecosystem's ordering.</summary>
    private static void WriteFeed(string directory)
    {
        Directory.CreateDirectory(directory);
        void Write(string id, string ecosystem, string package, string type, object[] events, object? extra = null)
        {
            var record = new Dictionary<string, object?>
            {
                ["schema_version"] = "1.6.0",
                ["id"] = id,
                ["modified"] = "2026-01-01T00:00:00Z",
                ["published"] = "2025-06-01T00:00:00Z",
                ["summary"] = $"Test vulnerability {id}",
                ["details"] = $"Written by the test for {package}.",
                ["affected"] = new[] { new { package = new { ecosystem, name = package }, ranges = new[] { new { type, events } } } },
                ["references"] = new[] { new { type = "ADVISORY", url = $"https://example.com/advisories/{id}" } },
            };
            foreach (var (key, value) in JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(extra ?? new { }))!)
            {
                record[key] = value;
            }

            File.WriteAllText(Path.Combine(directory, id + ".json"), JsonSerializer.Serialize(record));
        }

        object[] Fixed(string version) => [new { introduced = "0" }, new { @fixed = version }];
        Write("GHSA-test-pypi", "PyPI", "Requests", "ECOSYSTEM", Fixed("2.20.0"),
            new { aliases = PypiAliases, severity = new[] { new { type = "CVSS_V3", score = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" } } });
        Write("GHSA-test-npm", "npm", "lodash", "SEMVER", Fixed("4.17.21"), new { aliases = NpmAliases, database_specific = new { severity = "HIGH" } });
        Write("GHSA-test-nuget", "NuGet", "Newtonsoft.Json", "ECOSYSTEM", Fixed("13.0.1"), new { database_specific = new { severity = "HIGH" } });
        Write("GO-2099-0001", "Go", "example.com/dep", "SEMVER", Fixed("1.2.4"), new { database_specific = new { severity = "MODERATE" } });
        Write("GO-2099-0002", "Go", "stdlib", "SEMVER", Fixed("99.0.0"), new { database_specific = new { severity = "LOW" } });
        Write("DEBIAN-CVE-2099-2001", "Debian:12", "zlib", "ECOSYSTEM", [new { introduced = "0" }], new { database_specific = new { severity = "medium" } });
        Write("GHSA-not-pypi", "PyPI", "requests", "ECOSYSTEM", Fixed("2.3"));
        Write("GHSA-not-npm", "npm", "lodash", "SEMVER", Fixed("4.17.20"));
        Write("GHSA-not-nuget", "NuGet", "Newtonsoft.Json", "ECOSYSTEM", Fixed("12.0.1-beta1"));
    }
}
