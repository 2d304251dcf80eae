using System.Net;
using System.Net.Http.Headers;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;
using Berth.Storage.Tests.S3;
using Berth.Testing.Postgres;

namespace Berth.Server.Tests.Cluster;

/// <summary>
/// The scale-out configuration itself: two nodes on one PostgreSQL database and one S3 bucket (Swift + s3api), with
/// chunks of one upload alternating between them, under the 5 MiB part minimum and above it.
/// </summary>
[Collection(PostgresClusterGroup.Name)]
public sealed class S3TwoNodeTests(PostgresCluster cluster, SwiftFixture swift) : IClassFixture<SwiftFixture>, IAsyncLifetime
{
    private SharedStorage _storage = null!;
    private BerthTestServer _nodeA = null!;
    private BerthTestServer _nodeB = null!;
    private string _work = null!;

    public async Task InitializeAsync()
    {
        _storage = await SharedStorage.CreateAsync(cluster);
        var settings = _storage.Settings(swift.Server.BerthSettings("cluster-" + Guid.NewGuid().ToString("N")[..8]));
        _nodeA = await BerthTestServer.StartAsync(settings);
        _nodeB = await BerthTestServer.StartAsync(settings);
        _work = Directory.CreateTempSubdirectory("berth-s3-two-nodes-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
        _storage.Dispose();
        Directory.Delete(_work, recursive: true);
    }

    [SkippableFact]
    public async Task SkopeoPushesThroughOneNodeAndPullsByteIdenticalFromTheOther()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool);

        var source = new OciLayoutWriter(Path.Combine(_work, "source"));
        var image = TestImageFactory.WriteImage(source, layerCount: 2, layerBytes: 6 * 1024 * 1024);
        source.Tag(image.Descriptor, "v1");
        var repository = BerthTestServer.NewRepositoryName("s3pg");

        await Skopeo.CopyAsync($"oci:{source.Directory}:v1", $"docker://{_nodeA.Host}/{repository}:v1");
        var copy = Path.Combine(_work, "copy");
        await Skopeo.CopyAsync($"docker://{_nodeB.Host}/{repository}:v1", $"oci:{copy}:v1");

        Assert.Equal(image.ManifestDigest, OciLayout.Find(copy, "v1").Digest);
        foreach (var blob in image.Blobs)
        {
            Assert.Equal(OciLayout.ReadBlob(source.Directory, blob.Digest), OciLayout.ReadBlob(copy, blob.Digest));
        }
    }

    [Fact]
    public async Task ChunksAlternatingBetweenNodesCommitToTheBucket()
    {
        var repository = BerthTestServer.NewRepositoryName("s3pg");
        int[] chunks = [1024 * 1024, 3 * 1024 * 1024, 6 * 1024 * 1024, 512 * 1024, 2 * 1024 * 1024];
        var content = OciTestClient.RandomBytes(chunks.Sum());
        var digest = OciTestClient.DigestOf(content);

        var location = await _nodeA.Client.StartUploadAsync(repository);
        var offset = 0;
        for (var i = 0; i < chunks.Length; i++)
        {
            var client = i % 2 == 0 ? _nodeB.Client : _nodeA.Client;
            using var body = new ByteArrayContent(content, offset, chunks[i]);
            body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            body.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + chunks[i] - 1}");
            using var patch = await client.PatchAsync(location, body);
            Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
            offset += chunks[i];
            Assert.Equal($"0-{offset - 1}", patch.Headers.GetValues("Range").Single());
            location = patch.Headers.Location!.OriginalString;
        }

        using (var put = await _nodeA.Client.PutAsync($"{location}{(location.Contains('?', StringComparison.Ordinal) ? '&' : '?')}digest={digest}", null))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        Assert.Equal(content, await _nodeB.Client.GetByteArrayAsync(new Uri($"/v2/{repository}/blobs/{digest}", UriKind.Relative)));
        Assert.Equal(content, await _nodeA.Client.GetByteArrayAsync(new Uri($"/v2/{repository}/blobs/{digest}", UriKind.Relative)));
    }
}
