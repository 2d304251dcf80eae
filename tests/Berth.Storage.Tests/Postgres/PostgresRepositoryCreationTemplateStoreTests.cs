using Berth.Core.Repositories;
using Berth.Storage.Metadata;
using Berth.Storage.Postgres;
using Berth.Storage.Tests.Contracts;
using Berth.Testing.Postgres;

namespace Berth.Storage.Tests.Postgres;

[Collection(PostgresClusterGroup.Name)]
public sealed class PostgresRepositoryCreationTemplateStoreTests(PostgresCluster cluster) : RepositoryCreationTemplateStoreContract
{
    protected override async Task<IRepositoryCreationTemplateStore> CreateAsync() =>
        new SqlRepositoryCreationTemplateStore(await PostgresStores.CreateAsync(cluster), PostgresStores.Registry);
}
