using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Durability;

/// <summary>
/// An upload session whose staged bytes are gone: what a kill leaves when it lands between the commit's rename and
/// the removal of the session row, or when an operator clears <c>blobs/_uploads</c>. The session still reports its
/// size, but the bytes behind it no longer exist, so the upload must be unknown rather than silently refilled.
/// </summary>
public sealed class LostStagedBytesTests
{
    [Fact]
    public async Task CompletingAnUploadWhoseStagedFileVanishedAnswersBlobUploadUnknownAndStoresNoZeroFilledBlob()
    {
        await using var server = await BerthTestServer.StartAsync();
        var repository = BerthTestServer.NewRepositoryName("durability");
        var content = RandomNumberGenerator.GetBytes(2 * 1024 * 1024);
        var location = await RegistryCalls.StartUploadAsync(server.Client, repository);
        using (var first = new ByteArrayContent(content, 0, 1024 * 1024))
        using (var response = await RegistryCalls.PatchAsync(server.Client, location, first, 0))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            location = response.Headers.Location!.OriginalString;
        }

        File.Delete(Path.Combine(server.DataDirectory, "blobs", "_uploads", RegistryCalls.UploadId(location)));

        // The last chunk and the right digest: the running hash in memory still matches, so only the store can tell.
        using (var second = new ByteArrayContent(content, 1024 * 1024, 1024 * 1024))
        using (var response = await RegistryCalls.CompleteAsync(server.Client, location, DigestOf(content), second))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("BLOB_UPLOAD_UNKNOWN", json.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
        }

        Assert.Empty(await StoreConsistency.AssertBlobsMatchTheirNamesAsync(Path.Combine(server.DataDirectory, "blobs")));
        Assert.False(await RegistryCalls.BlobExistsAsync(server.Client, repository, DigestOf(content)));
    }

    private static string DigestOf(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
}
