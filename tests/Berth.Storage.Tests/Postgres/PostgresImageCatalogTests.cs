using Berth.Core.Blobs;
using Berth.Core.Images;
using Berth.Storage.Metadata;
using Berth.Storage.Postgres;
using Berth.Storage.Tests.Contracts;
using Berth.Testing.Postgres;

namespace Berth.Storage.Tests.Postgres;

[Collection(PostgresClusterGroup.Name)]
public sealed class PostgresImageCatalogTests(PostgresCluster cluster) : ImageCatalogContract
{
    private MetadataDatabase? _database;

    protected override async Task ExecuteAsync(string sql) => await _database!.ExecuteAsync(sql, default);

    protected override async Task<(IRepositoryStore Repositories, IImageStore Images, IBlobLinkStore Links, IImageCatalog Catalog)> CreateAsync()
    {
        var database = _database = await PostgresStores.CreateAsync(cluster);
        return (new SqlRepositoryStore(database, PostgresStores.Registry), new SqlImageStore(database, PostgresStores.Registry, TimeProvider.System),
            new SqlBlobLinkStore(database, PostgresStores.Registry, TimeProvider.System), new SqlImageCatalog(database, PostgresStores.Registry));
    }
}
