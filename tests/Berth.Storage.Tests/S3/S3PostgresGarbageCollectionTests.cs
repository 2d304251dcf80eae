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

    protected override async Task<Setup> CreateAsync(TimeProvider time)
    {
        var database = await PostgresStores.CreateAsync(cluster);
        var registry = PostgresStores.Registry;
        var bucket = S3BlobBackend.Connect(new S3BlobOptions
        {
            ServiceUrl = swift.Server.ServiceUrl.ToString(),
            Region = "us-east-1",
            Bucket = swift.Server.Bucket,
            AccessKeyId = swift.Server.AccessKeyId,
            SecretAccessKey = swift.Server.SecretAccessKey,
        });
        _opened.Add(bucket);
        var keys = new S3KeyLayout("gc-tests/" + Guid.NewGuid().ToString("N"));
        return new Setup(new S3BlobStore(bucket, keys), new S3BlobInventory(bucket, keys), new GarbageCollectionStoreContract.Stores(
            new SqlRepositoryStore(database, registry), new SqlImageStore(database, registry, time),
            new SqlBlobLinkStore(database, registry, time), new SqlUploadSessionStore(database), new SqlGarbageCollectionStore(database)));
    }
}
