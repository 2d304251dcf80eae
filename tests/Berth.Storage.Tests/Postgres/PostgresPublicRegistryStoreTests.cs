using Berth.Core.Accounts;
using Berth.Core.Images;
using Berth.Core.PublicRegistries;
using Berth.Storage.Metadata;
using Berth.Storage.Postgres;
using Berth.Storage.Tests.Contracts;
using Berth.Testing.Postgres;

namespace Berth.Storage.Tests.Postgres;

[Collection(PostgresClusterGroup.Name)]
public sealed class PostgresPublicRegistryStoreTests(PostgresCluster cluster) : PublicRegistryStoreContract
{
    protected override async Task<(IPublicRegistryStore Store, IAccountStore Accounts, IRepositoryStore PublicRepositories)> CreateAsync()
    {
        var database = await PostgresStores.CreateAsync(cluster);
        return (new SqlPublicRegistryStore(database), new SqlAccountStore(database), new SqlRepositoryStore(database, PublicRegistry));
    }
}
