using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Berth.Server.Hosting;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Durability;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Scanning;

/// <summary>
/// Scans of an rpm-based and an Alpine image (<see cref="PackageDatabaseImages"/>) pushed with skopeo, against a
/// small OSV feed with records that must match and records that must not (an rpm epoch, rpm's <c>~</c>, apk's
/// <c>_git</c> post-release suffix, another release's ecosystem); the SBOM referrer each scan attaches, found through
/// ListImageReferrers (aws CLI) and the OCI referrers API; an older Berth SBOM replaced by a rescan while a user's
/// SBOM stays; and StartImageScan on an archived image.
/// </summary>
public sealed class PackageDatabaseScanTests : IAsyncLifetime, IDisposable
{
    private const string CycloneDx = "application/vnd.cyclonedx+json";
    private const string ManifestType = "application/vnd.oci.image.manifest.v1+json";
    private readonly string _work = Path.Combine(Path.GetTempPath(), "berth-pkgdb", Guid.NewGuid().ToString("N"));
    private BerthTestServer _server = null!;
    private AwsCli _aws = null!;
    private HttpClient? _registry;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        _server = await BerthTestServer.StartEcrAsync();
        _aws = new AwsCli(_server);
    }

    public void Dispose() => _registry?.Dispose();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [SkippableFact]
    public async Task RpmAndApkImagesAreScannedInTheirOwnOrderingAndCarryOneSbomReferrer()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool);
        Skip.IfNot(File.Exists("/usr/bin/rpmbuild") && File.Exists("/usr/bin/rpm"), "Debian's rpm and rpmbuild are not installed");
        var feed = Path.Combine(_work, "feed");
        WriteFeed(feed);
        Assert.Equal(0, await BerthCommandLine.RunAsync(["vulnerabilities", "import", feed, "--data", _server.DataDirectory]));
        var rules = """[{"scanFrequency":"SCAN_ON_PUSH","repositoryFilters":[{"filter":"pkgdb-*","filterType":"WILDCARD"}]}]""";
        await _aws.RunAsync("ecr", "put-registry-scanning-configuration", "--scan-type", "BASIC", "--rules", rules);
        var password = (await _aws.RunRawAsync(["ecr", "get-login-password"])).StandardOutput.Trim();
        _registry = new HttpClient { BaseAddress = _server.BaseAddress };
        _registry!.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:" + password)));

        var suffix = Guid.NewGuid().ToString("N")[..10];
        var (rpmRepository, apkRepository, manualRepository) = ($"pkgdb-rpm-{suffix}", $"pkgdb-apk-{suffix}", $"manual-apk-{suffix}");
        var rpmLayout = new OciLayoutWriter(Path.Combine(_work, "rpm"));
        var rpm = await PackageDatabaseImages.WriteRpmAsync(rpmLayout, _work, "v1");
        var apkLayout = new OciLayoutWriter(Path.Combine(_work, "apk"));
        var apk = PackageDatabaseImages.WriteApk(apkLayout, "v1");
        await PushAsync(password, rpmLayout, rpmRepository);
        await PushAsync(password, apkLayout, apkRepository);

        // rpm: rpmvercmp with the epoch; Rocky Linux names binary packages.
        Assert.Equal(["ROCKY-2099-0001:berthdemo:1:2.4.1-3.el9", "ROCKY-2099-0002:berthlib:0.9-1.el9"], await FindingsAsync(rpmRepository));
        // apk: origin (source) names, so libcrypto3 and libssl3 make one openssl finding.
        Assert.Equal(["ALPINE-2099-0001:openssl:3.1.4-r5", "ALPINE-2099-0002:busybox:1.36.1-r15"], await FindingsAsync(apkRepository));

        // The SBOM referrer: ListImageReferrers, the OCI referrers API, the document itself.
        var sbom = await SingleBerthSbomAsync(rpmRepository, rpm.Digest);
        var components = (await SbomDocumentAsync(rpmRepository, sbom)).GetProperty("components").EnumerateArray().Select(c => c.GetProperty("purl").GetString()).ToList();
        Assert.Equal(["pkg:rpm/rocky/berthdemo@2.4.1-3.el9?distro=rocky-9.3&epoch=1", "pkg:rpm/rocky/berthlib@0.9-1.el9?distro=rocky-9.3"], components);
        var apkSbom = await SingleBerthSbomAsync(apkRepository, apk.Digest);
        var apkDocument = await SbomDocumentAsync(apkRepository, apkSbom);
        Assert.Equal(("CycloneDX", "1.5"), (apkDocument.GetProperty("bomFormat").GetString(), apkDocument.GetProperty("specVersion").GetString()));
        Assert.Contains("pkg:apk/alpine/musl@1.2.4_git20230717-r4?distro=alpine-3.19.1", apkDocument.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("purl").GetString()));

        // The SBOM is an artifact: never scanned itself, neither on push nor when asked.
        var unsupported = await _aws.FailAsync("ecr", "start-image-scan", "--repository-name", rpmRepository, "--image-id", $"imageDigest={sbom}");
        Assert.Contains("(UnsupportedImageTypeException)", unsupported, StringComparison.Ordinal);
        var sbomDetail = (await _aws.RunAsync("ecr", "describe-images", "--repository-name", rpmRepository, "--image-ids", $"imageDigest={sbom}")).GetProperty("imageDetails")[0];
        Assert.False(sbomDetail.TryGetProperty("imageScanStatus", out _));
        Assert.Equal("application/vnd.oci.empty.v1+json", sbomDetail.GetProperty("artifactMediaType").GetString());

        // A rescan replaces Berth's own older SBOM and leaves a user's SBOM alone.
        await PushAsync(password, apkLayout, manualRepository);
        var older = await PushSbomAsync(manualRepository, apk, """{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[]}""", berths: true);
        var users = await PushSbomAsync(manualRepository, apk, """{"bomFormat":"CycloneDX","specVersion":"1.6","version":1}""", berths: false);
        await _aws.RunAsync("ecr", "start-image-scan", "--repository-name", manualRepository, "--image-id", "imageTag=v1");
        await _aws.RunAsync("ecr", "wait", "image-scan-complete", "--repository-name", manualRepository, "--image-id", "imageTag=v1");
        var referrers = await ReferrersAsync(manualRepository, apk.Digest);
        var berths = referrers.Where(r => r.TryGetProperty("annotations", out var a) && a.TryGetProperty("io.berth.sbom.generator", out _)).Select(r => r.GetProperty("digest").GetString()).ToList();
        Assert.Equal(2, referrers.Count);
        Assert.Contains(users, referrers.Select(r => r.GetProperty("digest").GetString()));
        Assert.NotEqual(older, Assert.Single(berths));

        // An archived image: StartImageScan refuses it (before the daily quota); its last findings stay readable.
        await _aws.RunAsync("ecr", "update-image-storage-class", "--repository-name", rpmRepository, "--image-id", "imageTag=v1", "--target-storage-class", "ARCHIVE");
        var archived = await _aws.FailAsync("ecr", "start-image-scan", "--repository-name", rpmRepository, "--image-id", "imageTag=v1");
        Assert.Contains("An error occurred (ImageArchivedException) when calling the StartImageScan operation", archived, StringComparison.Ordinal);
        Assert.Equal(2, await FindingCountAsync(rpmRepository));
    }

    private async Task PushAsync(string password, OciLayoutWriter layout, string repository)
    {
        await _aws.RunAsync("ecr", "create-repository", "--repository-name", repository);
        await ProcessRunner.RunAsync(Skopeo.Tool, ["copy", "--dest-tls-verify=false", "--dest-creds", "AWS:" + password, $"oci:{layout.Directory}:v1", $"docker://{_server.Host}/{repository}:v1"]);
    }

    /// <summary>"name:package:version" of each finding once the scan is COMPLETE, in ECR's order.</summary>
    private async Task<List<string>> FindingsAsync(string repository)
    {
        await _aws.RunAsync("ecr", "wait", "image-scan-complete", "--repository-name", repository, "--image-id", "imageTag=v1");
        var findings = await _aws.RunAsync("ecr", "describe-image-scan-findings", "--repository-name", repository, "--image-id", "imageTag=v1");
        return findings.GetProperty("imageScanFindings").GetProperty("findings").EnumerateArray().Select(f =>
        {
            var attributes = f.GetProperty("attributes").EnumerateArray().ToDictionary(a => a.GetProperty("key").GetString()!, a => a.GetProperty("value").GetString());
            return $"{f.GetProperty("name").GetString()}:{attributes["package_name"]}:{attributes["package_version"]}";
        }).ToList();
    }

    private async Task<int> FindingCountAsync(string repository)
    {
        var findings = await _aws.RunAsync("ecr", "describe-image-scan-findings", "--repository-name", repository, "--image-id", "imageTag=v1");
        Assert.Equal("COMPLETE", findings.GetProperty("imageScanStatus").GetProperty("status").GetString());
        return findings.GetProperty("imageScanFindings").GetProperty("findings").GetArrayLength();
    }

    /// <summary>The one SBOM referrer of the image, as ListImageReferrers and GET /v2/&lt;name&gt;/referrers/&lt;digest&gt; both list it.</summary>
    private async Task<string> SingleBerthSbomAsync(string repository, string digest)
    {
        var listed = await _aws.RunAsync("ecr", "list-image-referrers", "--repository-name", repository, "--subject-id", $"imageDigest={digest}");
        var referrer = Assert.Single(listed.GetProperty("referrers").EnumerateArray());
        Assert.Equal(CycloneDx, referrer.GetProperty("artifactType").GetString());
        Assert.Equal(ManifestType, referrer.GetProperty("mediaType").GetString());
        var oci = Assert.Single(await ReferrersAsync(repository, digest));
        Assert.Equal(referrer.GetProperty("digest").GetString(), oci.GetProperty("digest").GetString());
        Assert.Equal("berth-scanner", oci.GetProperty("annotations").GetProperty("io.berth.sbom.generator").GetString());
        return oci.GetProperty("digest").GetString()!;
    }

    private async Task<List<JsonElement>> ReferrersAsync(string repository, string digest)
    {
        using var response = await _registry!.GetAsync(new Uri($"/v2/{repository}/referrers/{digest}?artifactType={Uri.EscapeDataString(CycloneDx)}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var index = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return index.RootElement.GetProperty("manifests").EnumerateArray().Select(m => m.Clone()).ToList();
    }

    /// <summary>The SBOM manifest's subject is the image and its one layer the CycloneDX document, which is returned.</summary>
    private async Task<JsonElement> SbomDocumentAsync(string repository, string sbom)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/v2/{repository}/manifests/{sbom}", UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(ManifestType));
        using var response = await _registry!.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var manifest = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(CycloneDx, manifest.RootElement.GetProperty("artifactType").GetString());
        Assert.Equal("application/vnd.oci.empty.v1+json", manifest.RootElement.GetProperty("config").GetProperty("mediaType").GetString());
        var layer = Assert.Single(manifest.RootElement.GetProperty("layers").EnumerateArray());
        var blob = await _registry!.GetStringAsync(new Uri($"/v2/{repository}/blobs/{layer.GetProperty("digest").GetString()}", UriKind.Relative));
        return JsonDocument.Parse(blob).RootElement.Clone();
    }

    /// <summary>Pushes a CycloneDX referrer of <paramref name="subject"/>, marked as Berth's own or not; returns its digest.</summary>
    private async Task<string> PushSbomAsync(string repository, OciDescriptor subject, string document, bool berths)
    {
        var sbom = Encoding.UTF8.GetBytes(document);
        var empty = "{}"u8.ToArray();
        await RegistryCalls.PushMonolithicAsync(_registry!, repository, sbom, OciLayoutWriter.DigestOf(sbom));
        await RegistryCalls.PushMonolithicAsync(_registry!, repository, empty, OciLayoutWriter.DigestOf(empty));
        var annotations = berths ? ""","annotations":{"io.berth.sbom.generator":"berth-scanner"}""" : string.Empty;
        var manifest = Encoding.UTF8.GetBytes(
            $$"""
            {"schemaVersion":2,"mediaType":"{{ManifestType}}","artifactType":"{{CycloneDx}}",
             "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"{{OciLayoutWriter.DigestOf(empty)}}","size":2},
             "layers":[{"mediaType":"{{CycloneDx}}","digest":"{{OciLayoutWriter.DigestOf(sbom)}}","size":{{sbom.Length}}}],
             "subject":{"mediaType":"{{subject.MediaType}}","digest":"{{subject.Digest}}","size":{{subject.Size}}}{{annotations}}}
            """);
        var digest = OciLayoutWriter.DigestOf(manifest);
        using var content = new ByteArrayContent(manifest);
        content.Headers.ContentType = new MediaTypeHeaderValue(ManifestType);
        using var put = await _registry!.PutAsync(new Uri($"/v2/{repository}/manifests/{digest}", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        return digest;
    }

    /// <summary>
    /// Records for the two images. Match: berthdemo below its fixed version (same epoch), berthlib by listed version,
    /// openssl (two binaries of one origin), busybox. No match: a fix without berthdemo's epoch (0 &lt; 1), a fix of
    /// berthlib at 0.9-1.el9~rc1 (rpm's <c>~</c> sorts it before 0.9-1.el9), musl fixed in 1.2.4-r4 (apk's _git
    /// suffix is a post-release: installed is newer), openssl in Alpine v3.18's ecosystem, and an apk record naming the
    /// binary libssl3 where Alpine's advisories name origins.
    /// </summary>
    private static void WriteFeed(string directory)
    {
        Directory.CreateDirectory(directory);
        void Write(string id, string ecosystem, string package, object affected, string severity)
        {
            var record = new Dictionary<string, object>
            {
                ["schema_version"] = "1.6.0",
                ["id"] = id,
                ["modified"] = "2026-01-01T00:00:00Z",
                ["summary"] = $"Test vulnerability {id}",
                ["affected"] = new[] { Merge(new { package = new { ecosystem, name = package } }, affected) },
                ["database_specific"] = new { severity },
            };
            File.WriteAllText(Path.Combine(directory, id + ".json"), JsonSerializer.Serialize(record));
        }

        static object Listed(string version) => new { versions = new[] { version } };
        static object Fixed(string version) => new { ranges = new[] { new { type = "ECOSYSTEM", events = new object[] { new { introduced = "0" }, new { @fixed = version } } } } };

        Write("ROCKY-2099-0001", "Rocky Linux:9", "berthdemo", Fixed("1:2.4.1-4.el9"), "HIGH");
        Write("ROCKY-2099-0002", "Rocky Linux:9", "berthlib", Listed("0.9-1.el9"), "LOW");
        Write("ROCKY-2099-0901", "Rocky Linux:9", "berthdemo", Fixed("2.5.0-1.el9"), "HIGH");
        Write("ROCKY-2099-0902", "Rocky Linux:9", "berthlib", Fixed("0.9-1.el9~rc1"), "HIGH");
        Write("ALPINE-2099-0001", "Alpine:v3.19", "openssl", Fixed("3.1.4-r6"), "CRITICAL");
        Write("ALPINE-2099-0002", "Alpine:v3.19", "busybox", Fixed("1.36.1-r16"), "MEDIUM");
        Write("ALPINE-2099-0901", "Alpine:v3.19", "musl", Fixed("1.2.4-r4"), "HIGH");
        Write("ALPINE-2099-0902", "Alpine:v3.18", "openssl", Fixed("3.1.4-r6"), "HIGH");
        Write("ALPINE-2099-0903", "Alpine:v3.19", "libssl3", Fixed("3.1.4-r6"), "HIGH");
    }

    private static Dictionary<string, object?> Merge(object a, object b)
    {
        var merged = JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(a))!;
        foreach (var (key, value) in JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(b))!)
        {
            merged[key] = value;
        }

        return merged;
    }
}
