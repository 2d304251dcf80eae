using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;
using Berth.Storage.Tests.S3;
using Berth.Testing.Postgres;
using Xunit.Abstractions;

namespace Berth.Server.Tests.Cluster;

/// <summary>
/// The scale-out proof with the clients users run, on PostgreSQL and one S3 bucket (Swift + s3api): docker pushes
/// through node A while skopeo pushes through a round-robin load balancer, so the requests of its blob uploads
/// alternate between A and B; both images then read byte-identical from either node, docker and skopeo pull them
/// from B with the registry token A issued, and the ECR API of B describes both pushes.
/// </summary>
[Collection(PostgresClusterGroup.Name)]
public sealed partial class ClusterClientsTests(PostgresCluster cluster, SwiftFixture swift, DockerDaemon docker, ITestOutputHelper output)
    : IClassFixture<SwiftFixture>, IClassFixture<DockerDaemon>, IAsyncLifetime
{
    private SharedStorage _storage = null!;
    private BerthTestServer _nodeA = null!;
    private BerthTestServer _nodeB = null!;
    private AlternatingProxy _balancer = null!;
    private string _work = null!;

    public async Task InitializeAsync()
    {
        _storage = await SharedStorage.CreateAsync(cluster);
        var settings = _storage.Settings(swift.Server.BerthSettings("clients-" + Guid.NewGuid().ToString("N")[..8]));
        _nodeA = await BerthTestServer.StartEcrAsync(settings);
        settings["Berth:RootAccessKeyId"] = _nodeA.AccessKeyId;
        settings["Berth:RootSecretAccessKey"] = _nodeA.SecretAccessKey;
        _nodeB = await BerthTestServer.StartEcrAsync(settings);
        _balancer = await AlternatingProxy.StartAsync(_nodeA.BaseAddress, _nodeB.BaseAddress);
        _work = Directory.CreateTempSubdirectory("berth-cluster-clients-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _balancer.DisposeAsync();
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
        _storage.Dispose();
        Directory.Delete(_work, recursive: true);
    }

    [SkippableFact]
    public async Task DockerThroughOneNodeAndSkopeoAlternatingBetweenBothPullByteIdenticalFromEither()
    {
        ClientTools.SkipUnlessAvailable(DockerDaemon.Tool, DockerDaemon.DaemonTool, Skopeo.Tool, "aws");
        Skip.IfNot(docker.IsRunning, "the daemon was not started: a tool was missing when its fixture began");

        var awsA = new AwsCli(_nodeA);
        await awsA.RunAsync("ecr", "create-repository", "--repository-name", "cluster/docker");
        await awsA.RunAsync("ecr", "create-repository", "--repository-name", "cluster/skopeo");
        var tokenFromA = (await awsA.RunRawAsync(["ecr", "get-login-password"])).StandardOutput.Trim();
        var authFile = Path.Combine(_work, "auth.json");
        foreach (var host in new[] { _balancer.Host, _nodeB.Host })
        {
            await Skopeo.RunAsync("login", "--authfile", authFile, "--tls-verify=false", "--username", "AWS", "--password", tokenFromA, host);
        }

        await docker.RunWithInputAsync(tokenFromA, "login", "--username", "AWS", "--password-stdin", _nodeA.Host);
        var source = new OciLayoutWriter(Path.Combine(_work, "source"));
        var skopeoImage = TestImageFactory.WriteImage(source, layerCount: 3, layerBytes: 6 * 1024 * 1024);
        source.Tag(skopeoImage.Descriptor, "skopeo");
        var dockerImage = TestImageFactory.WriteImage(source, TestImageFactory.NativeArchitecture, layerCount: 2);
        var local = await LoadIntoDockerAsync(source, dockerImage);
        await docker.RunAsync("tag", local, $"{_nodeA.Host}/cluster/docker:v1");

        var dockerPush = docker.RunAsync("push", $"{_nodeA.Host}/cluster/docker:v1");
        var skopeoPush = Skopeo.CopyAsync($"oci:{source.Directory}:skopeo", $"docker://{_balancer.Host}/cluster/skopeo:v1", "--authfile", authFile);
        await Task.WhenAll(dockerPush, skopeoPush);
        var dockerDigest = DockerDigestPattern().Match((await dockerPush).StandardOutput).Groups[1].Value;

        AssertSomeUploadWasSplitAcrossNodes();
        using var clientA = await RegistryLogin.ClientAsync(_nodeA, awsA);
        using var clientB = await RegistryLogin.ClientAsync(_nodeB, awsA);
        Assert.Equal(dockerDigest, await AssertByteIdenticalAsync(clientA, clientB, "cluster/docker", "v1"));
        Assert.Equal(skopeoImage.ManifestDigest, await AssertByteIdenticalAsync(clientA, clientB, "cluster/skopeo", "v1"));

        // Real pulls from node B with node A's token: docker gets the image it pushed, skopeo the layout it copied.
        await docker.RunWithInputAsync(tokenFromA, "login", "--username", "AWS", "--password-stdin", _nodeB.Host);
        await docker.RunAsync("rmi", local, $"{_nodeA.Host}/cluster/docker:v1");
        await docker.RunAsync("pull", $"{_nodeB.Host}/cluster/docker:v1");
        var id = await docker.RunAsync("image", "inspect", "--format", "{{.Id}}", $"{_nodeB.Host}/cluster/docker:v1");
        Assert.Equal(dockerImage.Config.Digest, id.StandardOutput.Trim());
        var copy = Path.Combine(_work, "copy");
        await Skopeo.CopyAsync($"docker://{_nodeB.Host}/cluster/skopeo:v1", $"oci:{copy}:v1", "--authfile", authFile);
        Assert.Equal(skopeoImage.ManifestDigest, OciLayout.Find(copy, "v1").Digest);
        foreach (var blob in skopeoImage.Blobs)
        {
            Assert.Equal(OciLayout.ReadBlob(source.Directory, blob.Digest), OciLayout.ReadBlob(copy, blob.Digest));
        }

        // The ECR API of node B describes what went through node A and through the balancer.
        var awsB = new AwsCli(_nodeB);
        foreach (var (repository, digest) in new[] { ("cluster/docker", dockerDigest), ("cluster/skopeo", skopeoImage.ManifestDigest) })
        {
            var described = await awsB.RunAsync("ecr", "describe-images", "--repository-name", repository);
            var detail = Assert.Single(described.GetProperty("imageDetails").EnumerateArray());
            Assert.Equal(digest, detail.GetProperty("imageDigest").GetString());
            Assert.Equal("v1", Assert.Single(detail.GetProperty("imageTags").EnumerateArray()).GetString());
        }
    }

    /// <summary>Some blob upload of the skopeo push was started on one node and continued or completed on the other.</summary>
    private void AssertSomeUploadWasSplitAcrossNodes()
    {
        var uploads = _balancer.Requests
            .Select(r => (Session: UploadSessionPattern().Match(r.Method == "POST" ? r.Location ?? string.Empty : r.Path), Request: r))
            .Where(u => u.Session.Success)
            .GroupBy(u => u.Session.Value, u => u.Request)
            .ToList();
        Assert.NotEmpty(uploads);
        Assert.Contains(uploads, upload => upload.Select(r => r.Node).Distinct().Count() == 2 && upload.Any(r => r.Method == "PUT" && r.Status == 201));
        output.WriteLine(string.Join('\n', _balancer.Requests.Select(r => $"node {(char)('A' + r.Node)} {r.Method} {r.Path} {r.Status}")));
    }

    /// <summary>The manifest and every blob it references read the same bytes from both nodes; returns the manifest digest.</summary>
    private static async Task<string> AssertByteIdenticalAsync(HttpClient nodeA, HttpClient nodeB, string repository, string tag)
    {
        var manifestA = await GetManifestAsync(nodeA, repository, tag);
        var manifestB = await GetManifestAsync(nodeB, repository, tag);
        Assert.Equal(manifestA, manifestB);
        using var manifest = JsonDocument.Parse(manifestA);
        var blobs = manifest.RootElement.GetProperty("layers").EnumerateArray()
            .Prepend(manifest.RootElement.GetProperty("config"))
            .Select(d => d.GetProperty("digest").GetString()!);
        foreach (var digest in blobs)
        {
            var fromA = await nodeA.GetByteArrayAsync(new Uri($"/v2/{repository}/blobs/{digest}", UriKind.Relative));
            var fromB = await nodeB.GetByteArrayAsync(new Uri($"/v2/{repository}/blobs/{digest}", UriKind.Relative));
            Assert.Equal(digest, OciLayoutWriter.DigestOf(fromA));
            Assert.Equal(fromA, fromB);
        }

        return OciLayoutWriter.DigestOf(manifestA);
    }

    private static async Task<byte[]> GetManifestAsync(HttpClient client, string repository, string tag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{repository}/manifests/{tag}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(OciMediaTypes.ImageManifest));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(OciMediaTypes.DockerManifest));
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>Turns the layout image into a docker-archive with skopeo and docker-loads it under a unique local name.</summary>
    private async Task<string> LoadIntoDockerAsync(OciLayoutWriter layout, TestImage image)
    {
        var tag = Guid.NewGuid().ToString("N")[..12];
        layout.Tag(image.Descriptor, tag);
        var local = $"berth-local/cluster:{tag}";
        var archive = Path.Combine(_work, $"{tag}.tar");
        await Skopeo.CopyAsync($"oci:{layout.Directory}:{tag}", $"docker-archive:{archive}:{local}");
        await docker.RunAsync("load", "--input", archive);
        return local;
    }

    [GeneratedRegex("digest: (sha256:[0-9a-f]{64})")]
    private static partial Regex DockerDigestPattern();

    [GeneratedRegex("/blobs/uploads/[^/?]+")]
    private static partial Regex UploadSessionPattern();
}
