using System.Security.Cryptography;
using Amazon.S3.Model;
using S3Bucket = Berth.Storage.S3.S3Bucket;
using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.GarbageCollection;
using Berth.Core.Naming;
using Berth.Storage.Metadata;
using Berth.Storage.S3;
using Berth.Storage.Tests.Contracts;
using Berth.Storage.Tests.Postgres;
using Berth.Testing.Postgres;

namespace Berth.Storage.Tests.S3;

/// <summary>Garbage collection cycles on the cluster backends: blobs on S3 (Swift, listing and DeleteObjects), metadata in PostgreSQL.</summary>
[Collection(PostgresClusterGroup.Name)]
public sealed class S3PostgresGarbageCollectionTests(PostgresCluster cluster, SwiftFixture swift) : GarbageCollectionCycleContract, IClassFixture<SwiftFixture>, IDisposable
{
    private readonly List<IDisposable> _opened = [];

    public void Dispose() => _opened.ForEach(o => o.Dispose());

    /// <summary>
    /// What unfinished writes leave in the bucket is reclaimed once older than the grace period, and only then: the
    /// pieces of an open upload its recorded state no longer uses (a tail merged away by a later append, a piece of an
    /// append killed before its state was saved), and a multipart upload a commit killed midway left open at a blob
    /// key. The upload still completes with the bytes it recorded.
    /// </summary>
    [Fact]
    public async Task UnusedPiecesOfAnIdleUploadAndAMultipartWriteAKilledCommitLeftAreReclaimedAfterTheGracePeriod()
    {
        var database = await PostgresStores.CreateAsync(cluster);
        var (bucket, keys) = Connect();
        var blobs = new S3BlobStore(bucket, keys);
        var sessions = new SqlUploadSessionStore(database);
        var clock = new ShiftedClock();
        var collector = new GarbageCollector(new S3BlobInventory(bucket, keys), new SqlGarbageCollectionStore(database), clock, new OpenUploads(blobs, sessions));

        // A 1 KiB append (a small tail piece), then 6 MiB (merged with the tail into one piece: the first is unused).
        var (head, body) = (RandomNumberGenerator.GetBytes(1024), RandomNumberGenerator.GetBytes(6 * 1024 * 1024));
        var id = Guid.NewGuid().ToString("D");
        var staged = await blobs.BeginUploadAsync(id, default);
        staged = await blobs.AppendAsync(staged, new MemoryStream(head), default);
        staged = await blobs.AppendAsync(staged, new MemoryStream(body), default);
        var now = DateTimeOffset.UtcNow;
        await sessions.CreateAsync(new UploadSession(id, PostgresStores.Registry, RepositoryName.Parse("gc/leftovers"), staged, now, now), default);
        await bucket.PutAsync(keys.Upload(id) + "00000000000000ff", new byte[300], 0, 300, default);
        var multipart = await bucket.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket.Name, Key = keys.Blob(Digest.Sha256Of(body)) });
        using (var part = new MemoryStream(new byte[100]))
        {
            await bucket.Client.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket.Name,
                Key = multipart.Key,
                UploadId = multipart.UploadId,
                PartNumber = 1,
                InputStream = part,
                PartSize = 100,
                UseChunkEncoding = false,
            });
        }

        var early = await collector.RunAsync(TimeSpan.FromHours(1), dryRun: false, null, default);
        clock.Offset = TimeSpan.FromHours(2);
        var dryRun = await collector.RunAsync(TimeSpan.FromHours(1), dryRun: true, null, default);
        var late = await collector.RunAsync(TimeSpan.FromHours(1), dryRun: false, null, default);

        Assert.Equal((0, 0L), early.Leftovers);
        Assert.Equal(0, early.UnfinishedWritesAborted);
        Assert.Equal((2, 1024L + 300), dryRun.Leftovers);
        Assert.Equal(1, dryRun.UnfinishedWritesAborted);
        Assert.Equal((2, 1024L + 300), late.Leftovers);
        Assert.Equal(1, late.UnfinishedWritesAborted);
        var open = await bucket.Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket.Name, Prefix = keys.Blobs });
        Assert.Empty(open.MultipartUploads ?? []);
        var left = new List<string>();
        await foreach (var item in bucket.ListAsync(keys.Upload(id), default))
        {
            left.Add(item.Key);
        }

        Assert.Equal([.. S3StagedState.Parse(staged).Pieces.Select(p => keys.Piece(staged, p))], left);
        var digest = Digest.Sha256Of([.. head, .. body]);
        await blobs.CommitAsync(staged, digest, default);
        var stream = await blobs.OpenReadAsync(digest, 0, default);
        await using (stream)
        {
            var read = new MemoryStream();
            await stream.CopyToAsync(read);
            Assert.True(read.ToArray().AsSpan().SequenceEqual([.. head, .. body]));
        }
    }

    protected override async Task<Setup> CreateAsync(TimeProvider time)
    {
        var database = await PostgresStores.CreateAsync(cluster);
        var registry = PostgresStores.Registry;
        var (bucket, keys) = Connect();
        return new Setup(new S3BlobStore(bucket, keys), new S3BlobInventory(bucket, keys), new GarbageCollectionStoreContract.Stores(
            new SqlRepositoryStore(database, registry), new SqlImageStore(database, registry, time),
            new SqlBlobLinkStore(database, registry, time), new SqlUploadSessionStore(database), new SqlGarbageCollectionStore(database)));
    }

    private (S3Bucket Bucket, S3KeyLayout Keys) Connect()
    {
        var bucket = S3BlobBackend.Connect(new S3BlobOptions
        {
            ServiceUrl = swift.Server.ServiceUrl.ToString(),
            Region = "us-east-1",
            Bucket = swift.Server.Bucket,
            AccessKeyId = swift.Server.AccessKeyId,
            SecretAccessKey = swift.Server.SecretAccessKey,
        });
        _opened.Add(bucket);
        return (bucket, new S3KeyLayout("gc-tests/" + Guid.NewGuid().ToString("N")));
    }

    private sealed class ShiftedClock : TimeProvider
    {
        public TimeSpan Offset { get; set; }

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
    }
}
