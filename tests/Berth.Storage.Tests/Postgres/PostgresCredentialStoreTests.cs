using Berth.Core.Credentials;
using Berth.Storage.Metadata;
using Berth.Storage.Postgres;
using Berth.Storage.Tests.Contracts;
using Berth.Testing.Postgres;

namespace Berth.Storage.Tests.Postgres;

[Collection(PostgresClusterGroup.Name)]
public sealed class PostgresCredentialStoreTests(PostgresCluster cluster) : CredentialStoreContract
{
    protected override async Task<(ICredentialStore NodeA, ICredentialStore NodeB)> CreateAsync()
    {
        var connectionString = await cluster.CreateDatabaseAsync();
        var nodeA = new PostgresDatabase(connectionString, PostgresStores.Registry);
        await nodeA.InitializeAsync(default);
        return (new SqlCredentialStore(nodeA), new SqlCredentialStore(new PostgresDatabase(connectionString, PostgresStores.Registry)));
    }
}
