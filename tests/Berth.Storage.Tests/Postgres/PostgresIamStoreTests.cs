using Berth.Core.Iam;
using Berth.Storage.Metadata;
using Berth.Storage.Postgres;
using Berth.Storage.Tests.Contracts;
using Berth.Testing.Postgres;

namespace Berth.Storage.Tests.Postgres;

[Collection(PostgresClusterGroup.Name)]
public sealed class PostgresIamStoreTests(PostgresCluster cluster) : IamStoreContract
{
    protected override async Task<(IIamEntityStore Entities, IAccessKeyStore Keys, IManagedPolicyStore Policies, IRoleSessionStore Sessions)> CreateAsync()
    {
        var database = await PostgresStores.CreateAsync(cluster);
        return (new SqlIamEntityStore(database), new SqlAccessKeyStore(database), new SqlManagedPolicyStore(database), new SqlRoleSessionStore(database));
    }
}
