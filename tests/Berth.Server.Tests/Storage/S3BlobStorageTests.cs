using System.Net;
using Amazon.S3.Model;
using Berth.Server.Tests.Clients;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;
using Berth.Storage.Tests.S3;

namespace Berth.Server.Tests.Storage;

/// <summary>A Berth whose blobs live in a real S3 endpoint (Swift + s3api), driven by skopeo and raw /v2/ requests.</summary>
public sealed class S3BlobStorageTests(SwiftFixture swift) : IClassFixture<SwiftFixture>, IAsyncLifetime
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "berth-s3-clients", Guid.NewGuid().ToString("N"));

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The OS cleans the temp directory.
        }

        return Task.CompletedTask;
    }

    [SkippableFact]
    public async Task SkopeoPushesAndPullsAnImageWhoseBlobsAreInTheBucket()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool);

        var prefix = "node-" + Guid.NewGuid().ToString("N")[..8];
        await using var server = await BerthTestServer.StartAsync(swift.Server.BerthSettings(prefix));
        var source = new OciLayoutWriter(Path.Combine(_work, "source"));
        var image = TestImageFactory.WriteImage(source, layerCount: 3, layerBytes: 7 * 1024 * 1024);
        source.Tag(image.Descriptor, "v1");
        var repository = BerthTestServer.NewRepositoryName("s3");

        await Skopeo.CopyAsync($"oci:{source.Directory}:v1", $"docker://{server.Host}/{repository}:v1");
        var copy = Path.Combine(_work, "copy");
        await Skopeo.CopyAsync($"docker://{server.Host}/{repository}:v1", $"oci:{copy}:v1");

        Assert.Equal(image.ManifestDigest, OciLayout.Find(copy, "v1").Digest);
        using var client = swift.Server.CreateClient();
        foreach (var blob in image.Blobs)
        {
            Assert.Equal(OciLayout.ReadBlob(source.Directory, blob.Digest), OciLayout.ReadBlob(copy, blob.Digest));
            var hex = blob.Digest["sha256:".Length..];
            var stored = await client.GetObjectMetadataAsync(swift.Server.Bucket, $"{prefix}/blobs/sha256/{hex[..2]}/{hex}");
            Assert.Equal(blob.Size, stored.ContentLength);
        }

        var uploads = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = swift.Server.Bucket, Prefix = $"{prefix}/uploads/" });
        Assert.Empty(uploads.S3Objects ?? []);
        Assert.False(Directory.Exists(Path.Combine(server.DataDirectory, "blobs")));
    }

    [SkippableFact]
    public async Task WithPresignedRedirectsABlobGetAnswers307ToTheObjectAndSkopeoFollowsIt()
    {
        var settings = swift.Server.BerthSettings("redirects-" + Guid.NewGuid().ToString("N")[..8]);
        settings["Berth:Storage:Blobs:S3:PresignedRedirects"] = "true";
        await using var server = await BerthTestServer.StartAsync(settings);
        var repository = BerthTestServer.NewRepositoryName("s3");
        var content = OciTestClient.RandomBytes(300_000);
        var digest = await server.Client.PushBlobAsync(repository, content);

        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        using var response = await noRedirects.GetAsync($"/v2/{repository}/blobs/{digest}");
        using var head = await noRedirects.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/{repository}/blobs/{digest}"));

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        var location = response.Headers.Location!;
        Assert.StartsWith(swift.Server.ServiceUrl.ToString(), location.AbsoluteUri, StringComparison.Ordinal);
        Assert.Contains("X-Amz-Signature=", location.Query, StringComparison.Ordinal);
        using var direct = new HttpClient();
        Assert.Equal(content, await direct.GetByteArrayAsync(location));
        var ranged = new HttpRequestMessage(HttpMethod.Get, location);
        ranged.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(1000, 1999);
        using var part = await direct.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(content.AsSpan(1000, 1000).ToArray(), await part.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(content.Length, head.Content.Headers.ContentLength);

        ClientTools.SkipUnlessAvailable(Skopeo.Tool);

        var source = new OciLayoutWriter(Path.Combine(_work, "source"));
        var image = TestImageFactory.WriteImage(source, layerCount: 2);
        source.Tag(image.Descriptor, "v1");
        await Skopeo.CopyAsync($"oci:{source.Directory}:v1", $"docker://{server.Host}/{repository}:v1");
        var copy = Path.Combine(_work, "copy");
        await Skopeo.CopyAsync($"docker://{server.Host}/{repository}:v1", $"oci:{copy}:v1");
        foreach (var blob in image.Blobs)
        {
            Assert.Equal(OciLayout.ReadBlob(source.Directory, blob.Digest), OciLayout.ReadBlob(copy, blob.Digest));
        }
    }

    [Fact]
    public async Task AMissingBucketStopsTheServerFromStarting()
    {
        var settings = swift.Server.BerthSettings();
        settings["Berth:Storage:Blobs:S3:Bucket"] = "absent-" + Guid.NewGuid().ToString("N")[..12];

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => BerthTestServer.StartAsync(settings));

        Assert.Contains("'Berth:Storage:Blobs:S3:Bucket'", error.Message, StringComparison.Ordinal);
    }
}
