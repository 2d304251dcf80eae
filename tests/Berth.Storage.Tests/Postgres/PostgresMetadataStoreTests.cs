using Berth.Core.Blobs;
using Berth.Core.Images;
using Berth.Storage.Metadata;
using Berth.Storage.Postgres;
using Berth.Storage.Tests.Contracts;
using Berth.Testing.Postgres;

namespace Berth.Storage.Tests.Postgres;

[Collection(PostgresClusterGroup.Name)]
public sealed class PostgresMetadataStoreTests(PostgresCluster cluster) : MetadataStoreContract
{
    protected override async Task<(IRepositoryStore Repositories, IImageStore Images, IBlobLinkStore Links, IUploadSessionStore Uploads)> CreateAsync()
    {
        var database = await PostgresStores.CreateAsync(cluster);
        return (new SqlRepositoryStore(database, PostgresStores.Registry), new SqlImageStore(database, PostgresStores.Registry, TimeProvider.System),
            new SqlBlobLinkStore(database, PostgresStores.Registry, TimeProvider.System), new SqlUploadSessionStore(database));
    }
}
