using System.Net;
using System.Net.Http.Headers;
using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Server.Tests.Infrastructure;
using Berth.Testing.Postgres;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Tests.Cluster;

/// <summary>
/// The chunks of one upload alternate between two nodes, as behind a round-robin balancer. Neither node holds the
/// running hash of every byte, so the upload is hashed once, when it completes: the staged bytes are read back one
/// time in all, not once per chunk (which made a 1 GiB chunked push through two nodes read back about 50 GiB).
/// </summary>
[Collection(PostgresClusterGroup.Name)]
public sealed class AlternatingChunkTests(PostgresCluster cluster)
{
    private const int Chunk = 1024 * 1024;
    private const int Chunks = 8;

    [Fact]
    public async Task ChunksAlternatingBetweenNodesAreReadBackOnceAtCompletion()
    {
        using var storage = await SharedStorage.CreateAsync(cluster);
        var counter = new StagedReadCounter();
        await using var nodeA = await BerthTestServer.StartAsync(storage.Settings(), services: counter.Install);
        await using var nodeB = await BerthTestServer.StartAsync(storage.Settings(), services: counter.Install);
        var repository = BerthTestServer.NewRepositoryName("alternate");
        var content = OciTestClient.RandomBytes(Chunk * Chunks);

        var location = await nodeA.Client.StartUploadAsync(repository);
        for (var i = 0; i < Chunks; i++)
        {
            var node = i % 2 == 0 ? nodeA : nodeB;
            using var body = new ByteArrayContent(content, i * Chunk, Chunk);
            body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            body.Headers.TryAddWithoutValidation("Content-Range", $"{i * Chunk}-{((i + 1) * Chunk) - 1}");
            using var patch = await node.Client.PatchAsync(new Uri(location, UriKind.RelativeOrAbsolute), body);
            Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
            Assert.Equal($"0-{((i + 1) * Chunk) - 1}", patch.Headers.GetValues("Range").Single());
            location = patch.Headers.Location!.ToString();
        }

        Assert.Equal(0, counter.Bytes);
        var digest = OciTestClient.DigestOf(content);
        using (var put = await nodeB.Client.PutAsync(new Uri($"{location}{(location.Contains('?', StringComparison.Ordinal) ? '&' : '?')}digest={digest}", UriKind.RelativeOrAbsolute), null))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        Assert.Equal(content.LongLength, counter.Bytes);
        Assert.Equal(content, await nodeA.Client.GetByteArrayAsync(new Uri($"/v2/{repository}/blobs/{digest}", UriKind.Relative)));
    }

    [Fact]
    public async Task AWrongDigestAfterAlternatingChunksStoresNothing()
    {
        using var storage = await SharedStorage.CreateAsync(cluster);
        await using var nodeA = await BerthTestServer.StartAsync(storage.Settings());
        await using var nodeB = await BerthTestServer.StartAsync(storage.Settings());
        var repository = BerthTestServer.NewRepositoryName("alternate");
        var content = OciTestClient.RandomBytes(Chunk * 3);

        var location = await nodeA.Client.StartUploadAsync(repository);
        for (var i = 0; i < 3; i++)
        {
            using var body = new ByteArrayContent(content, i * Chunk, Chunk);
            body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var patch = await (i % 2 == 0 ? nodeA : nodeB).Client.PatchAsync(new Uri(location, UriKind.RelativeOrAbsolute), body);
            Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
            location = patch.Headers.Location!.ToString();
        }

        // The digest of the first two chunks only: the whole upload is hashed, not what one node saw.
        var wrong = OciTestClient.DigestOf(content[..(Chunk * 2)]);
        using var put = await nodeA.Client.PutAsync(new Uri($"{location}{(location.Contains('?', StringComparison.Ordinal) ? '&' : '?')}digest={wrong}", UriKind.RelativeOrAbsolute), null);
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("DIGEST_INVALID", await OciTestClient.ErrorCodeAsync(put));
        using var head = new HttpRequestMessage(HttpMethod.Head, new Uri($"/v2/{repository}/blobs/{wrong}", UriKind.Relative));
        using var missing = await nodeB.Client.SendAsync(head);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    /// <summary>Wraps each node's blob store to count the staged bytes read back (shared by both nodes of a test).</summary>
    private sealed class StagedReadCounter
    {
        private long _bytes;

        public long Bytes => Interlocked.Read(ref _bytes);

        public void Install(IServiceCollection services)
        {
            var original = services.Last(d => d.ServiceType == typeof(IBlobStore));
            services.Remove(original);
            services.AddSingleton<IBlobStore>(provider => new Counting((IBlobStore)original.ImplementationFactory!(provider), this));
        }

        private void Add(long bytes) => Interlocked.Add(ref _bytes, bytes);

        private sealed class Counting(IBlobStore inner, StagedReadCounter counter) : IBlobStore
        {
            public long MinimumChunkBytes => inner.MinimumChunkBytes;

            public ValueTask<long?> FindSizeAsync(Digest digest, CancellationToken cancellationToken) => inner.FindSizeAsync(digest, cancellationToken);

            public ValueTask<Stream> OpenReadAsync(Digest digest, long offset, CancellationToken cancellationToken) => inner.OpenReadAsync(digest, offset, cancellationToken);

            public ValueTask<StagedUpload> BeginUploadAsync(string id, CancellationToken cancellationToken) => inner.BeginUploadAsync(id, cancellationToken);

            public ValueTask<StagedUpload> AppendAsync(StagedUpload upload, Stream source, CancellationToken cancellationToken) => inner.AppendAsync(upload, source, cancellationToken);

            public async ValueTask<Stream> OpenStagedAsync(StagedUpload upload, CancellationToken cancellationToken)
            {
                // Counted as opened: every read of staged bytes reads them to the end.
                counter.Add(upload.Size);
                return await inner.OpenStagedAsync(upload, cancellationToken);
            }

            public ValueTask CommitAsync(StagedUpload upload, Digest verified, CancellationToken cancellationToken) => inner.CommitAsync(upload, verified, cancellationToken);

            public ValueTask AbortAsync(StagedUpload upload, CancellationToken cancellationToken) => inner.AbortAsync(upload, cancellationToken);

            public ValueTask DeleteAsync(Digest digest, CancellationToken cancellationToken) => inner.DeleteAsync(digest, cancellationToken);
        }
    }
}
