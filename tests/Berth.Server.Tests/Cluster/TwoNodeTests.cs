using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;
using Berth.Testing.Postgres;

namespace Berth.Server.Tests.Cluster;

/// <summary>
/// Two Berth nodes on different ports sharing one PostgreSQL database, one blob directory and one master key, as
/// behind a load balancer: what one node accepted, the other serves.
/// </summary>
[Collection(PostgresClusterGroup.Name)]
public sealed class TwoNodeTests(PostgresCluster cluster) : IAsyncLifetime
{
    private SharedStorage _storage = null!;
    private BerthTestServer _nodeA = null!;
    private BerthTestServer _nodeB = null!;
    private string _work = null!;

    public async Task InitializeAsync()
    {
        _storage = await SharedStorage.CreateAsync(cluster);
        _nodeA = await BerthTestServer.StartEcrAsync(_storage.Settings());
        _nodeB = await BerthTestServer.StartEcrAsync(_storage.Settings(new Dictionary<string, string?>
        {
            ["Berth:RootAccessKeyId"] = _nodeA.AccessKeyId,
            ["Berth:RootSecretAccessKey"] = _nodeA.SecretAccessKey,
        }));
        _work = Directory.CreateTempSubdirectory("berth-two-nodes-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
        _storage.Dispose();
        Directory.Delete(_work, recursive: true);
    }

    [SkippableFact]
    public async Task SkopeoPushesThroughOneNodeAndPullsByteIdenticalFromTheOtherWithTheFirstNodesToken()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool, "aws");

        var awsA = new AwsCli(_nodeA);
        var awsB = new AwsCli(_nodeB);
        await awsA.RunAsync("ecr", "create-repository", "--repository-name", "cluster/app");
        var tokenFromA = (await awsA.RunRawAsync(["ecr", "get-login-password"])).StandardOutput.Trim();
        var authFile = Path.Combine(_work, "auth.json");
        foreach (var host in new[] { _nodeA.Host, _nodeB.Host })
        {
            await ProcessRunner.RunAsync(Skopeo.Tool, ["login", "--authfile", authFile, "--tls-verify=false", "--username", "AWS", "--password-stdin", host],
                new ProcessRunOptions { StandardInput = tokenFromA });
        }

        var source = new OciLayoutWriter(Path.Combine(_work, "source"));
        var image = TestImageFactory.WriteImage(source, layerCount: 3);
        source.Tag(image.Descriptor, "v1");
        await Skopeo.CopyAsync($"oci:{source.Directory}:v1", $"docker://{_nodeA.Host}/cluster/app:v1", "--authfile", authFile);
        var copy = Path.Combine(_work, "copy");
        await Skopeo.CopyAsync($"docker://{_nodeB.Host}/cluster/app:v1", $"oci:{copy}:v1", "--authfile", authFile);

        Assert.Equal(image.ManifestDigest, OciLayout.Find(copy, "v1").Digest);
        Assert.Equal(image.Manifest, OciLayout.ReadBlob(copy, image.ManifestDigest));
        foreach (var blob in image.Blobs)
        {
            Assert.Equal(OciLayout.ReadBlob(source.Directory, blob.Digest), OciLayout.ReadBlob(copy, blob.Digest));
        }

        // The ECR API of node B sees the push that went through node A.
        var described = await awsB.RunAsync("ecr", "describe-images", "--repository-name", "cluster/app");
        var detail = Assert.Single(described.GetProperty("imageDetails").EnumerateArray());
        Assert.Equal(image.ManifestDigest, detail.GetProperty("imageDigest").GetString());
        Assert.Equal("v1", Assert.Single(detail.GetProperty("imageTags").EnumerateArray()).GetString());
    }

    [SkippableFact]
    public async Task ARegistryTokenIssuedByOneNodeIsAcceptedByTheOther()
    {
        ClientTools.SkipUnlessAvailable("aws");

        var tokenFromA = (await new AwsCli(_nodeA).RunRawAsync(["ecr", "get-login-password"])).StandardOutput.Trim();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:" + tokenFromA)));
        using var withToken = await _nodeB.Client.SendAsync(request);
        using var without = await _nodeB.Client.GetAsync(new Uri("/v2/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
    }

    [SkippableFact]
    public async Task AnUploadWhoseChunksAlternateBetweenNodesCompletesOnEither()
    {
        ClientTools.SkipUnlessAvailable("aws");

        var awsA = new AwsCli(_nodeA);
        await awsA.RunAsync("ecr", "create-repository", "--repository-name", "cluster/chunks");
        using var clientA = await RegistryLogin.ClientAsync(_nodeA, awsA);
        using var clientB = await RegistryLogin.ClientAsync(_nodeB, awsA);
        var content = OciTestClient.RandomBytes(5 * 300 * 1024);
        var digest = OciTestClient.DigestOf(content);

        var location = await clientA.StartUploadAsync("cluster/chunks");
        for (var chunk = 0; chunk < 5; chunk++)
        {
            var client = chunk % 2 == 0 ? clientA : clientB;
            using var body = new ByteArrayContent(content, chunk * 300 * 1024, 300 * 1024);
            body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            body.Headers.TryAddWithoutValidation("Content-Range", $"{chunk * 300 * 1024}-{((chunk + 1) * 300 * 1024) - 1}");
            using var patch = await client.PatchAsync(location, body);
            Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
            Assert.Equal($"0-{((chunk + 1) * 300 * 1024) - 1}", patch.Headers.GetValues("Range").Single());
            location = patch.Headers.Location!.OriginalString;
        }

        using (var put = await clientB.PutAsync($"{location}{(location.Contains('?', StringComparison.Ordinal) ? '&' : '?')}digest={digest}", null))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        Assert.Equal(content, await clientA.GetByteArrayAsync(new Uri($"/v2/cluster/chunks/blobs/{digest}", UriKind.Relative)));
        Assert.Equal(content, await clientB.GetByteArrayAsync(new Uri($"/v2/cluster/chunks/blobs/{digest}", UriKind.Relative)));
    }
}
