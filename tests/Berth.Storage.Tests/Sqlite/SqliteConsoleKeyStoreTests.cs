using Berth.Core.Credentials;
using Berth.Core.Registries;
using Berth.Storage.Metadata;
using Berth.Storage.Sqlite;
using Berth.Storage.Tests.Contracts;

namespace Berth.Storage.Tests.Sqlite;

public sealed class SqliteConsoleKeyStoreTests : ConsoleKeyStoreContract
{
    protected override async Task<(IConsoleKeyStore NodeA, IConsoleKeyStore NodeB)> CreateAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"), "berth.db");
        var registry = new RegistryIdentity("000000000000", "us-east-1");
        var first = new SqliteDatabase(path, registry);
        await first.InitializeAsync(default);
        return (new SqlConsoleKeyStore(first), new SqlConsoleKeyStore(new SqliteDatabase(path, registry)));
    }
}
