using System.Security.Cryptography;
using Amazon.S3.Model;
using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Storage.S3;
using Berth.Storage.Tests.Contracts;

namespace Berth.Storage.Tests.S3;

/// <summary>The blob store contract against a real S3 endpoint (Swift + s3api), each test under its own key prefix.</summary>
public sealed class S3BlobStoreTests(SwiftFixture swift) : BlobStoreContract, IClassFixture<SwiftFixture>, IDisposable
{
    private readonly string _prefix = "tests/" + Guid.NewGuid().ToString("N");
    private readonly List<IDisposable> _opened = [];

    public void Dispose() => _opened.ForEach(o => o.Dispose());

    protected override IBlobStore CreateStore()
    {
        var bucket = S3BlobBackend.Connect(Options());
        _opened.Add(bucket);
        return new S3BlobStore(bucket, new S3KeyLayout(_prefix));
    }

    [Fact]
    public async Task ACommittedBlobLivesAtItsContentAddressAndTheUploadLeavesNoObjects()
    {
        var store = CreateStore();
        var content = RandomNumberGenerator.GetBytes((9 * 1024 * 1024) + 10);
        var id = Guid.NewGuid().ToString("D");
        var upload = await store.BeginUploadAsync(id, default);
        upload = await store.AppendAsync(upload, new MemoryStream(content, 0, 100), default);
        upload = await store.AppendAsync(upload, new MemoryStream(content, 100, content.Length - 100), default);
        var digest = Digest.Sha256Of(content);

        await store.CommitAsync(upload, digest, default);

        using var client = swift.Server.CreateClient();
        var blob = await client.GetObjectMetadataAsync(swift.Server.Bucket, $"{_prefix}/blobs/sha256/{digest.Hex[..2]}/{digest.Hex}");
        Assert.Equal(content.Length, blob.ContentLength);
        var staged = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = swift.Server.Bucket, Prefix = $"{_prefix}/uploads/{id}/" });
        Assert.Empty(staged.S3Objects ?? []);
    }

    [Fact]
    public async Task AMissingBucketStopsTheStartNamingTheKey()
    {
        var options = Options();
        options.Bucket = "missing-" + Guid.NewGuid().ToString("N")[..12];
        using var bucket = S3BlobBackend.Connect(options);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new S3BucketCheck(bucket, options).StartAsync(default));

        Assert.Contains("'Berth:Storage:Blobs:S3:Bucket'", error.Message, StringComparison.Ordinal);
        Assert.Contains(options.Bucket, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedCredentialsStopTheStartNamingTheKeyButNotTheSecret()
    {
        var options = Options();
        options.SecretAccessKey = "not-the-secret-" + Guid.NewGuid().ToString("N");
        using var bucket = S3BlobBackend.Connect(options);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new S3BucketCheck(bucket, options).StartAsync(default));

        Assert.Contains("'Berth:Storage:Blobs:S3:AccessKeyId'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(options.SecretAccessKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableEndpointStopsTheStartNamingTheKey()
    {
        var options = Options();
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            options.ServiceUrl = $"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}/";
        }

        using var bucket = S3BlobBackend.Connect(options);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new S3BucketCheck(bucket, options).StartAsync(default));

        Assert.Contains("'Berth:Storage:Blobs:S3:ServiceUrl'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingBucketSettingIsRefusedBeforeAnyRequest()
    {
        var options = Options();
        options.Bucket = " ";

        var error = Assert.Throws<InvalidOperationException>(() => S3BlobBackend.Connect(options));

        Assert.Contains("'Berth:Storage:Blobs:S3:Bucket'", error.Message, StringComparison.Ordinal);
    }

    private S3BlobOptions Options() => new()
    {
        ServiceUrl = swift.Server.ServiceUrl.ToString(),
        Region = "us-east-1",
        Bucket = swift.Server.Bucket,
        Prefix = _prefix,
        AccessKeyId = swift.Server.AccessKeyId,
        SecretAccessKey = swift.Server.SecretAccessKey,
    };
}
