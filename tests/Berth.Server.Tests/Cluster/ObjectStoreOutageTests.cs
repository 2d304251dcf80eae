using System.Net;
using System.Net.Http.Headers;
using Berth.Server.Tests.Infrastructure;
using Berth.Storage.Tests.S3;

namespace Berth.Server.Tests.Cluster;

/// <summary>
/// The S3 endpoint goes away for a few seconds in the middle of a chunked push: requests that need it get a retryable
/// 503, the upload keeps the offset of its last finished chunk, nothing half-written is visible, and the push finishes
/// once the store is back, without restarting Berth.
/// </summary>
public sealed class ObjectStoreOutageTests : IAsyncLifetime
{
    private const int Chunk = 6 * 1024 * 1024;
    private SwiftServer _swift = null!;
    private BerthTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _swift = await SwiftServer.StartAsync();
        _server = await BerthTestServer.StartAsync(_swift.BerthSettings("outage-" + Guid.NewGuid().ToString("N")[..8]));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _swift.DisposeAsync();
    }

    [Fact]
    public async Task AStoppedObjectStoreAnswers503AndThePushResumesWhenItReturns()
    {
        var client = _server.Client;
        var repository = BerthTestServer.NewRepositoryName("s3-outage");
        var stored = await client.PushBlobAsync(repository, OciTestClient.RandomBytes(1024));
        var content = OciTestClient.RandomBytes(2 * Chunk);
        var digest = OciTestClient.DigestOf(content);
        var location = await client.StartUploadAsync(repository);
        using (var first = await PatchAsync(location, content, 0))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
            location = first.Headers.Location!.OriginalString;
        }

        await _swift.StopProxyAsync();
        try
        {
            using var during = await PatchAsync(location, content, Chunk);
            using var read = await client.GetAsync(new Uri($"/v2/{repository}/blobs/{stored}", UriKind.Relative));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
            Assert.Equal("UNAVAILABLE", await OciTestClient.ErrorCodeAsync(during));
            Assert.Equal(TimeSpan.FromSeconds(1), during.Headers.RetryAfter?.Delta);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
        }
        finally
        {
            _swift.StartProxy();
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var read = await client.GetAsync(new Uri($"/v2/{repository}/blobs/{stored}", UriKind.Relative));
            if (read.StatusCode == HttpStatusCode.OK)
            {
                break;
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
            Assert.True(DateTime.UtcNow < deadline, "service did not resume within 30 s of the object store's return");
            await Task.Delay(250);
        }

        // The failed chunk left the upload where the last finished one ended.
        using (var status = await client.GetAsync(new Uri(location, UriKind.RelativeOrAbsolute)))
        {
            Assert.Equal(HttpStatusCode.NoContent, status.StatusCode);
            Assert.Equal($"0-{Chunk - 1}", status.Headers.GetValues("Range").Single());
        }

        using (var missing = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/{repository}/blobs/{digest}")))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        using (var again = await PatchAsync(location, content, Chunk))
        {
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
            location = again.Headers.Location!.OriginalString;
        }

        var separator = location.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        using (var put = await client.PutAsync(new Uri($"{location}{separator}digest={digest}", UriKind.RelativeOrAbsolute), null))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        Assert.Equal(content, await client.GetByteArrayAsync(new Uri($"/v2/{repository}/blobs/{digest}", UriKind.Relative)));
    }

    private async Task<HttpResponseMessage> PatchAsync(string location, byte[] content, int offset)
    {
        using var body = new ByteArrayContent(content, offset, Chunk);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        body.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + Chunk - 1}");
        return await _server.Client.PatchAsync(new Uri(location, UriKind.RelativeOrAbsolute), body);
    }
}
