using System.Net;

namespace Berth.Server.Tests.Durability;

/// <summary>
/// Berth is killed with SIGKILL while a large blob body is on the wire, then started again on the same data
/// directory. Afterwards no blob path may hold bytes that are not that blob, the upload must report only bytes that
/// were made durable, and the client must be able to resume it or start again.
/// </summary>
public sealed class UploadCrashTests
{
    private const long MiB = 1024 * 1024;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ChunkedUploadKilledMidChunkResumesFromTheDurableRange()
    {
        var data = BerthProcess.NewDataDirectory();
        var blob = new GeneratedBlob(seed: 1001, length: 200 * MiB);
        const long firstChunk = 64 * MiB;
        const string repository = "durability/resume";
        string location;
        long stagedAtKill;

        await using (var berth = await BerthProcess.StartAsync(data))
        {
            location = await RegistryCalls.StartUploadAsync(berth.Client, repository);
            using (var first = new GatedContent(blob, 0, firstChunk, long.MaxValue, announceLength: true))
            using (var response = await RegistryCalls.PatchAsync(berth.Client, location, first, 0))
            {
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                location = response.Headers.Location!.OriginalString;
            }

            // The second chunk stops half way; the kill lands once the server has written part of it to disk.
            var staged = Path.Combine(berth.BlobsDirectory, "_uploads", RegistryCalls.UploadId(location));
            using var second = new GatedContent(blob, firstChunk, blob.Length - firstChunk, pauseAfter: 64 * MiB, announceLength: true);
            var patch = RegistryCalls.PatchAsync(berth.Client, location, second, firstChunk);
            await second.Paused.WaitAsync(Deadline);
            await RegistryCalls.WaitUntilAsync(() => RegistryCalls.FileLength(staged) >= firstChunk + (32 * MiB), Deadline, "the server has staged part of the second chunk");

            await berth.KillAsync();
            second.Release();
            stagedAtKill = RegistryCalls.FileLength(staged);
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => patch);
        }

        Assert.True(stagedAtKill > firstChunk, "the kill should land after part of the second chunk reached the staged file");
        Assert.Empty(await StoreConsistency.AssertBlobsMatchTheirNamesAsync(Path.Combine(data, "blobs")));

        await using (var berth = await BerthProcess.StartAsync(data))
        {
            // Only the first chunk was acknowledged, so only it may be reported, whatever lies in the staged file.
            Assert.Equal(firstChunk, await RegistryCalls.UploadStatusAsync(berth.Client, location));

            using (var rest = new GatedContent(blob, firstChunk, blob.Length - firstChunk, long.MaxValue, announceLength: true))
            using (var response = await RegistryCalls.PatchAsync(berth.Client, location, rest, firstChunk))
            {
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                Assert.Equal($"0-{blob.Length - 1}", response.Headers.GetValues("Range").Single());
                location = response.Headers.Location!.OriginalString;
            }

            using (var response = await RegistryCalls.CompleteAsync(berth.Client, location, blob.Digest))
            {
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            }

            await RegistryCalls.AssertPullReturnsAsync(berth.Client, repository, blob);
            Assert.Equal([blob.Digest], await StoreConsistency.AssertBlobsMatchTheirNamesAsync(berth.BlobsDirectory));
            await StoreConsistency.AssertDatabaseIsSoundAsync(berth.DatabasePath, berth.BlobsDirectory);
        }

        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task StreamedPatchKilledMidBodyDropsTheUndurableBytesAndTheUploadStartsOverFromZero()
    {
        var data = BerthProcess.NewDataDirectory();
        var blob = new GeneratedBlob(seed: 2002, length: 200 * MiB);
        const string repository = "durability/streamed";
        string location;

        await using (var berth = await BerthProcess.StartAsync(data))
        {
            location = await RegistryCalls.StartUploadAsync(berth.Client, repository);
            var staged = Path.Combine(berth.BlobsDirectory, "_uploads", RegistryCalls.UploadId(location));

            // One PATCH with Transfer-Encoding: chunked and no length, as docker streams a layer.
            using var body = new GatedContent(blob, 0, blob.Length, pauseAfter: 100 * MiB, announceLength: false);
            var patch = RegistryCalls.PatchAsync(berth.Client, location, body, 0);
            await body.Paused.WaitAsync(Deadline);
            await RegistryCalls.WaitUntilAsync(() => RegistryCalls.FileLength(staged) >= 64 * MiB, Deadline, "the server has staged part of the body");

            await berth.KillAsync();
            body.Release();
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => patch);
        }

        Assert.Empty(await StoreConsistency.AssertBlobsMatchTheirNamesAsync(Path.Combine(data, "blobs")));

        await using (var berth = await BerthProcess.StartAsync(data))
        {
            // The PATCH never completed, so none of its bytes count.
            Assert.Equal(0, await RegistryCalls.UploadStatusAsync(berth.Client, location));
            Assert.False(await RegistryCalls.BlobExistsAsync(berth.Client, repository, blob.Digest));

            // Resuming from the reported 0 must not append after the 64+ MiB of leftovers in the staged file.
            using (var whole = new GatedContent(blob, 0, blob.Length, long.MaxValue, announceLength: true))
            using (var response = await RegistryCalls.PatchAsync(berth.Client, location, whole, 0))
            {
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                location = response.Headers.Location!.OriginalString;
            }

            using (var response = await RegistryCalls.CompleteAsync(berth.Client, location, blob.Digest))
            {
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            }

            await RegistryCalls.AssertPullReturnsAsync(berth.Client, repository, blob);
            Assert.Equal([blob.Digest], await StoreConsistency.AssertBlobsMatchTheirNamesAsync(berth.BlobsDirectory));
            await StoreConsistency.AssertDatabaseIsSoundAsync(berth.DatabasePath, berth.BlobsDirectory);
        }

        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task MonolithicPushKilledMidBodyStoresNothingAndTheSamePushSucceedsAfterRestart()
    {
        var data = BerthProcess.NewDataDirectory();
        var blob = new GeneratedBlob(seed: 3003, length: 128 * MiB);
        const string repository = "durability/monolithic";
        var uploads = Path.Combine(data, "blobs", "_uploads");

        await using (var berth = await BerthProcess.StartAsync(data))
        {
            // POST ?digest= with the whole body: the client never learns an upload id, so after a crash it starts over.
            using var body = new GatedContent(blob, 0, blob.Length, pauseAfter: 96 * MiB, announceLength: true);
            var post = berth.Client.PostAsync(new Uri($"/v2/{repository}/blobs/uploads/?digest={blob.Digest}", UriKind.Relative), body);
            await body.Paused.WaitAsync(Deadline);
            await RegistryCalls.WaitUntilAsync(
                () => Directory.EnumerateFiles(uploads).Sum(RegistryCalls.FileLength) >= 48 * MiB, Deadline, "the server has staged part of the body");

            await berth.KillAsync();
            body.Release();
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => post);
        }

        Assert.Empty(await StoreConsistency.AssertBlobsMatchTheirNamesAsync(Path.Combine(data, "blobs")));

        await using (var berth = await BerthProcess.StartAsync(data))
        {
            Assert.False(await RegistryCalls.BlobExistsAsync(berth.Client, repository, blob.Digest));
            using (var body = new GatedContent(blob, 0, blob.Length, long.MaxValue, announceLength: true))
            using (var response = await berth.Client.PostAsync(new Uri($"/v2/{repository}/blobs/uploads/?digest={blob.Digest}", UriKind.Relative), body))
            {
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            }

            await RegistryCalls.AssertPullReturnsAsync(berth.Client, repository, blob);
            Assert.Equal([blob.Digest], await StoreConsistency.AssertBlobsMatchTheirNamesAsync(berth.BlobsDirectory));
            await StoreConsistency.AssertDatabaseIsSoundAsync(berth.DatabasePath, berth.BlobsDirectory);
        }

        Directory.Delete(data, recursive: true);
    }
}
