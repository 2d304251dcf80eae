using System.Text.Json;
using Berth.Server.Hosting;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Scanning;

/// <summary>
/// Image scanning end to end with real clients: the feed imported by <c>berth vulnerabilities import</c>, an image made
/// from this machine's dpkg database pushed with skopeo, and the aws CLI and boto3 for the ECR scanning API.
/// </summary>
public sealed class ScanningCliTests : IAsyncLifetime
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "berth-scanning", Guid.NewGuid().ToString("N"));
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
    public async Task ScanOnPushFindsTheFeedsVulnerabilitiesInARealDpkgDatabaseAndStartImageScanIsLimitedToOncePerDay()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool);
        Skip.IfNot(File.Exists("/var/lib/dpkg/status") && File.Exists("/etc/os-release"), "not a Debian machine");
        var feed = TestFeed.Write(Path.Combine(_work, "feed"));
        Assert.Equal(0, await BerthCommandLine.RunAsync(["vulnerabilities", "import", feed.Directory, "--data", _server.DataDirectory]));

        var rules = """[{"scanFrequency":"SCAN_ON_PUSH","repositoryFilters":[{"filter":"scanned-*","filterType":"WILDCARD"}]}]""";
        var put = await _aws.RunAsync("ecr", "put-registry-scanning-configuration", "--scan-type", "BASIC", "--rules", rules);
        var got = await _aws.RunAsync("ecr", "get-registry-scanning-configuration");
        Assert.Equal(put.GetProperty("registryScanningConfiguration").GetRawText(), got.GetProperty("scanningConfiguration").GetRawText());

        var scanned = "scanned-" + Guid.NewGuid().ToString("N")[..12];
        var manual = "manual-" + Guid.NewGuid().ToString("N")[..12];
        await _aws.RunAsync("ecr", "create-repository", "--repository-name", scanned);
        await _aws.RunAsync("ecr", "create-repository", "--repository-name", manual);
        var layout = new OciLayoutWriter(Path.Combine(_work, "layout"));
        var image = DpkgTestImage.Write(layout, "v1");
        await PushAsync(layout, scanned);
        await PushAsync(layout, manual);

        var repositories = await _aws.RunAsync("ecr", "batch-get-repository-scanning-configuration", "--repository-names", scanned, manual, "absent-repository");
        var frequencies = repositories.GetProperty("scanningConfigurations").EnumerateArray()
            .ToDictionary(c => c.GetProperty("repositoryName").GetString()!, c => c.GetProperty("scanFrequency").GetString());
        Assert.Equal("SCAN_ON_PUSH", frequencies[scanned]);
        Assert.Equal("MANUAL", frequencies[manual]);
        Assert.Equal("REPOSITORY_NOT_FOUND", repositories.GetProperty("failures")[0].GetProperty("failureCode").GetString());

        // The push queued the scan; the waiter polls DescribeImageScanFindings until COMPLETE.
        await _aws.RunAsync("ecr", "wait", "image-scan-complete", "--repository-name", scanned, "--image-id", "imageTag=v1");
        var findings = await _aws.RunAsync("ecr", "describe-image-scan-findings", "--repository-name", scanned, "--image-id", "imageTag=v1");
        Assert.Equal("COMPLETE", findings.GetProperty("imageScanStatus").GetProperty("status").GetString());
        var result = findings.GetProperty("imageScanFindings");
        var counts = result.GetProperty("findingSeverityCounts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["CRITICAL"] = 1, ["HIGH"] = 1, ["MEDIUM"] = 5 }, counts);
        Assert.True(result.TryGetProperty("vulnerabilitySourceUpdatedAt", out _));
        Assert.True(result.TryGetProperty("imageScanCompletedAt", out _));
        var names = result.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("name").GetString()!).ToList();
        Assert.Equal(feed.Matching.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
        var critical = result.GetProperty("findings")[0];
        Assert.Equal(("CVE-2099-0001", "CRITICAL"), (critical.GetProperty("name").GetString(), critical.GetProperty("severity").GetString()));
        var attributes = critical.GetProperty("attributes").EnumerateArray().ToDictionary(a => a.GetProperty("key").GetString()!, a => a.GetProperty("value").GetString());
        Assert.Equal("9.8", attributes["CVSS3_SCORE"]);
        Assert.Contains("package_name", attributes.Keys);
        Assert.Contains("package_version", attributes.Keys);

        // Paging: pages of three by hand, and boto3's paginator with pages of two.
        var paged = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            string[] arguments = ["ecr", "describe-image-scan-findings", "--repository-name", scanned, "--image-id", "imageTag=v1", "--max-results", "3", "--no-paginate"];
            var page = await _aws.RunAsync(token is null ? arguments : [.. arguments, "--next-token", token]);
            paged.AddRange(page.GetProperty("imageScanFindings").GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("name").GetString()!));
            token = page.TryGetProperty("nextToken", out var next) ? next.GetString() : null;
            pages++;
        }
        while (token is not null);
        Assert.Equal(3, pages);
        Assert.Equal(names, paged);
        Assert.Equal(names, await Boto3FindingsAsync(scanned));

        var described = await _aws.RunAsync("ecr", "describe-images", "--repository-name", scanned);
        // The image and the SBOM referrer its scan attached.
        var detail = described.GetProperty("imageDetails").EnumerateArray().Single(d => d.GetProperty("imageDigest").GetString() == image.Digest);
        Assert.Equal("COMPLETE", detail.GetProperty("imageScanStatus").GetProperty("status").GetString());
        Assert.Equal(1, detail.GetProperty("imageScanFindingsSummary").GetProperty("findingSeverityCounts").GetProperty("CRITICAL").GetInt32());

        // The manual repository: no scan until asked, then one per image per day; the push counted for the other.
        var none = await _aws.FailAsync("ecr", "describe-image-scan-findings", "--repository-name", manual, "--image-id", "imageTag=v1");
        Assert.Contains("(ScanNotFoundException)", none, StringComparison.Ordinal);
        var started = await _aws.RunAsync("ecr", "start-image-scan", "--repository-name", manual, "--image-id", "imageTag=v1");
        Assert.Equal("IN_PROGRESS", started.GetProperty("imageScanStatus").GetProperty("status").GetString());
        Assert.Equal(image.Digest, started.GetProperty("imageId").GetProperty("imageDigest").GetString());
        var again = await _aws.FailAsync("ecr", "start-image-scan", "--repository-name", manual, "--image-id", "imageTag=v1");
        Assert.EndsWith("An error occurred (LimitExceededException) when calling the StartImageScan operation: The scan quota per image has been exceeded. Wait and try again.", again, StringComparison.Ordinal);
        var pushedOnce = await _aws.FailAsync("ecr", "start-image-scan", "--repository-name", scanned, "--image-id", $"imageDigest={image.Digest}");
        Assert.Contains("(LimitExceededException)", pushedOnce, StringComparison.Ordinal);
        await _aws.RunAsync("ecr", "wait", "image-scan-complete", "--repository-name", manual, "--image-id", "imageTag=v1");
        var manualFindings = await _aws.RunAsync("ecr", "describe-image-scan-findings", "--repository-name", manual, "--image-id", "imageTag=v1");
        Assert.Equal(7, manualFindings.GetProperty("imageScanFindings").GetProperty("findings").GetArrayLength());
    }

    private async Task PushAsync(OciLayoutWriter layout, string repository)
    {
        var password = (await _aws.RunRawAsync(["ecr", "get-login-password"])).StandardOutput.Trim();
        await ProcessRunner.RunAsync(Skopeo.Tool, ["copy", "--dest-tls-verify=false", "--dest-creds", "AWS:" + password, $"oci:{layout.Directory}:v1", $"docker://{_server.Host}/{repository}:v1"]);
    }

    private async Task<List<string>> Boto3FindingsAsync(string repository)
    {
        const string Script = """
            import boto3, os, sys
            ecr = boto3.client("ecr", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1")
            pages = ecr.get_paginator("describe_image_scan_findings").paginate(
                repositoryName=os.environ["REPOSITORY"], imageId={"imageTag": "v1"}, PaginationConfig={"PageSize": 2})
            for page in pages:
                for finding in page["imageScanFindings"]["findings"]:
                    print(finding["name"])
            """;
        var result = await ProcessRunner.RunAsync("python3", ["-c", Script], new ProcessRunOptions
        {
            Environment = new Dictionary<string, string?>
            {
                ["AWS_ACCESS_KEY_ID"] = _server.AccessKeyId,
                ["AWS_SECRET_ACCESS_KEY"] = _server.SecretAccessKey,
                ["AWS_CONFIG_FILE"] = "/dev/null",
                ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
                ["ENDPOINT"] = _server.BaseAddress.ToString().TrimEnd('/'),
                ["REPOSITORY"] = repository,
            },
        });
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }
}
