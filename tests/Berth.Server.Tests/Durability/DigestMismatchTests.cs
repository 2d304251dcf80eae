using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Durability;

/// <summary>A blob whose bytes do not hash to the digest the client names is refused and leaves nothing behind.</summary>
public sealed class DigestMismatchTests
{
    [Fact]
    public async Task MonolithicPushWithTheWrongDigestStoresNothing()
    {
        await using var server = await BerthTestServer.StartAsync();
        var repository = BerthTestServer.NewRepositoryName("durability");
        var content = RandomNumberGenerator.GetBytes(1024 * 1024);
        var claimed = DigestOf(RandomNumberGenerator.GetBytes(16));

        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await server.Client.PostAsync(new Uri($"v2/{repository}/blobs/uploads/?digest={claimed}", UriKind.Relative), body);

        await AssertDigestInvalidAsync(response);
        await AssertNothingStoredAsync(server, repository, claimed, DigestOf(content));
    }

    [Fact]
    public async Task ChunkedUploadCompletedWithTheWrongDigestStoresNothingAndIsDiscarded()
    {
        await using var server = await BerthTestServer.StartAsync();
        var repository = BerthTestServer.NewRepositoryName("durability");
        var content = RandomNumberGenerator.GetBytes(1024 * 1024);
        var claimed = DigestOf(RandomNumberGenerator.GetBytes(16));

        var location = await RegistryCalls.StartUploadAsync(server.Client, repository);
        using (var chunk = new ByteArrayContent(content))
        using (var patched = await RegistryCalls.PatchAsync(server.Client, location, chunk, 0))
        {
            Assert.Equal(HttpStatusCode.Accepted, patched.StatusCode);
            location = patched.Headers.Location!.OriginalString;
        }

        using (var response = await RegistryCalls.CompleteAsync(server.Client, location, claimed))
        {
            await AssertDigestInvalidAsync(response);
        }

        Assert.Null(await RegistryCalls.UploadStatusAsync(server.Client, location));
        await AssertNothingStoredAsync(server, repository, claimed, DigestOf(content));
    }

    private static async Task AssertDigestInvalidAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("DIGEST_INVALID", json.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
    }

    private static async Task AssertNothingStoredAsync(BerthTestServer server, string repository, string claimed, string actual)
    {
        var blobs = Path.Combine(server.DataDirectory, "blobs");
        Assert.Empty(await StoreConsistency.AssertBlobsMatchTheirNamesAsync(blobs));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(blobs, "_uploads")));
        Assert.False(await RegistryCalls.BlobExistsAsync(server.Client, repository, claimed));
        Assert.False(await RegistryCalls.BlobExistsAsync(server.Client, repository, actual));
    }

    private static string DigestOf(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
}
