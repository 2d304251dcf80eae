using System.Net;
using System.Net.Http.Headers;
using Berth.Server.Tests.Infrastructure;
using Berth.Storage.Tests.S3;
using Berth.Testing.Postgres;

namespace Berth.Server.Tests.Cluster;

/// <summary>
/// Two nodes receive a PATCH of the same upload at the same moment, each claiming the same range with different
/// bytes (a confused client, or one trying to make a blob whose bytes do not match its digest). The upload is held
/// across nodes: one chunk is taken, the other is refused with 416 and the offset the upload really has, and the blob
/// committed is exactly the winner's bytes — on a shared directory and on S3.
/// </summary>
[Collection(PostgresClusterGroup.Name)]
public sealed class ConcurrentChunkTests(PostgresCluster cluster, SwiftFixture swift) : IClassFixture<SwiftFixture>
{
    private const int Chunk = 6 * 1024 * 1024;

    [Fact]
    public async Task OnASharedDirectoryOneOfTwoSimultaneousChunksIsTakenAndTheOtherRefused()
    {
        using var storage = await SharedStorage.CreateAsync(cluster);
        await RaceAsync(storage.Settings());
    }

    [Fact]
    public async Task OnS3OneOfTwoSimultaneousChunksIsTakenAndTheOtherRefused()
    {
        using var storage = await SharedStorage.CreateAsync(cluster);
        await RaceAsync(storage.Settings(swift.Server.BerthSettings("race-" + Guid.NewGuid().ToString("N")[..8])));
    }

    private static async Task RaceAsync(Dictionary<string, string?> settings)
    {
        await using var nodeA = await BerthTestServer.StartAsync(settings);
        await using var nodeB = await BerthTestServer.StartAsync(settings);
        var repository = BerthTestServer.NewRepositoryName("race");
        await nodeA.Client.PushBlobAsync(repository, OciTestClient.RandomBytes(16));

        for (var round = 0; round < 4; round++)
        {
            var first = OciTestClient.RandomBytes(Chunk);
            var second = OciTestClient.RandomBytes(Chunk);
            var location = await nodeA.Client.StartUploadAsync(repository);
            var responses = await Task.WhenAll(
                PatchAsync(nodeA.Client, location, first),
                PatchAsync(nodeB.Client, location, second));
            try
            {
                var statuses = responses.Select(r => r.StatusCode).Order().ToArray();
                Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.RequestedRangeNotSatisfiable], statuses);
                var refused = responses.Single(r => r.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable);
                Assert.Equal($"0-{Chunk - 1}", refused.Headers.GetValues("Range").Single());
                var winner = responses[0].StatusCode == HttpStatusCode.Accepted ? first : second;

                // Completed on either node, the blob is exactly the winner's bytes: nothing of the refused chunk got in.
                var digest = OciTestClient.DigestOf(winner);
                using (var put = await (round % 2 == 0 ? nodeB : nodeA).Client.PutAsync(Complete(location, digest), null))
                {
                    Assert.Equal(HttpStatusCode.Created, put.StatusCode);
                }

                Assert.Equal(winner, await nodeA.Client.GetByteArrayAsync(new Uri($"/v2/{repository}/blobs/{digest}", UriKind.Relative)));
                Assert.Equal(winner, await nodeB.Client.GetByteArrayAsync(new Uri($"/v2/{repository}/blobs/{digest}", UriKind.Relative)));
            }
            finally
            {
                foreach (var response in responses)
                {
                    response.Dispose();
                }
            }
        }
    }

    private static async Task<HttpResponseMessage> PatchAsync(HttpClient client, string location, byte[] content)
    {
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        body.Headers.TryAddWithoutValidation("Content-Range", $"0-{content.Length - 1}");
        return await client.PatchAsync(new Uri(location, UriKind.RelativeOrAbsolute), body);
    }

    private static Uri Complete(string location, string digest) =>
        new($"{location}{(location.Contains('?', StringComparison.Ordinal) ? '&' : '?')}digest={digest}", UriKind.RelativeOrAbsolute);
}
