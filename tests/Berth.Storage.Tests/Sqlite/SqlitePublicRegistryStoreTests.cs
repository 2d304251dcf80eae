using Berth.Core.Accounts;
using Berth.Core.Images;
using Berth.Core.PublicRegistries;
using Berth.Storage.Metadata;
using Berth.Storage.Sqlite;
using Berth.Storage.Tests.Contracts;

namespace Berth.Storage.Tests.Sqlite;

public sealed class SqlitePublicRegistryStoreTests : PublicRegistryStoreContract
{
    protected override async Task<(IPublicRegistryStore Store, IAccountStore Accounts, IRepositoryStore PublicRepositories)> CreateAsync()
    {
        var database = new SqliteDatabase(
            Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"), "berth.db"), new Berth.Core.Registries.RegistryIdentity(Account, "us-east-1"));
        await database.InitializeAsync(default);
        return (new SqlPublicRegistryStore(database), new SqlAccountStore(database), new SqlRepositoryStore(database, PublicRegistry));
    }
}
