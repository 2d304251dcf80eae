using Berth.Core.Naming;
using Berth.Core.Registries;
using Berth.Core.Repositories;
using Berth.Storage.Metadata;
using Berth.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Berth.Storage.Tests.Sqlite;

/// <summary>Repositories belong to one registry (account, region); rows older than registries move to the default one.</summary>
public sealed class SqliteRegistryScopeTests
{
    private static readonly RegistryIdentity Default = new("123456789012", "eu-central-1");

    [Fact]
    public async Task TwoRegistriesEachHaveTheirOwnRepositoryOfOneName()
    {
        var database = await CreateAsync();
        var other = new RegistryIdentity("123456789012", "us-east-1");
        var name = RepositoryName.Parse("app");
        var here = new SqlRepositoryStore(database, Default);
        var there = new SqlRepositoryStore(database, other);

        Assert.True(await here.CreateAsync(name, RepositorySettings.Default, [], null, DateTimeOffset.UnixEpoch, default));
        Assert.False(await there.ExistsAsync(name, default));
        Assert.True(await there.CreateAsync(name, RepositorySettings.Default with { ImageTagMutability = "IMMUTABLE" }, [], null, DateTimeOffset.UnixEpoch, default));
        Assert.False(await there.CreateAsync(name, RepositorySettings.Default, [], null, DateTimeOffset.UnixEpoch, default));

        Assert.Equal("MUTABLE", (await here.FindAsync(name, default))!.Settings.ImageTagMutability);
        Assert.Equal("IMMUTABLE", (await there.FindAsync(name, default))!.Settings.ImageTagMutability);
        Assert.Equal(["app"], (await there.ListAsync(new Core.Paging.PageRequest(10, null), default)).Items.Select(r => r.Name));
    }

    [Fact]
    public async Task ABlobLinkedInOneRegistryIsUnknownToTheRegistriesOfOtherRegionsAndAccounts()
    {
        var database = await CreateAsync();
        var digest = Core.Content.Digest.Parse("sha256:" + new string('b', 64));
        var name = RepositoryName.Parse("linked");
        await new SqlRepositoryStore(database, Default).CreateAsync(name, RepositorySettings.Default, [], null, DateTimeOffset.UnixEpoch, default);
        Assert.True(await new SqlBlobLinkStore(database, Default, TimeProvider.System).LinkAsync(name, digest, 5, default));

        Assert.Equal(5, await new SqlBlobLinkStore(database, Default, TimeProvider.System).FindInRegistryAsync(digest, default));
        Assert.Null(await new SqlBlobLinkStore(database, Default with { Region = "us-west-2" }, TimeProvider.System).FindInRegistryAsync(digest, default));
        Assert.Null(await new SqlBlobLinkStore(database, Default with { AccountId = "210987654321" }, TimeProvider.System).FindInRegistryAsync(digest, default));
    }

    [Fact]
    public async Task RowsOlderThanRegistriesMoveToTheDefaultRegistryWithEverythingHangingOffThem()
    {
        var path = Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"), "berth.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
            foreach (var (version, scriptName) in MigrationScripts.For("sqlite"))
            {
                var script = $"Berth.Storage.Migrations.{version:D4}_{scriptName}.sqlite.sql";
                if (version > 5)
                {
                    continue;
                }

                using var reader = new StreamReader(typeof(SqliteDatabase).Assembly.GetManifestResourceStream(script)!);
                await ExecuteAsync(connection, await reader.ReadToEndAsync());
                await ExecuteAsync(connection, $"INSERT INTO schema_migrations VALUES ({version}, 'old', 0)");
            }

            await ExecuteAsync(connection, """
                INSERT INTO repositories (id, name, created_at) VALUES (7, 'old/app', 1);
                INSERT INTO blob_links VALUES (7, 'sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 3, 1);
                INSERT INTO repository_tags VALUES (7, 'team', 'a');
                INSERT INTO repository_creation_templates VALUES ('ROOT', NULL, 'AES256', NULL, '[]', 'MUTABLE', '[]', NULL, NULL, '["CREATE_ON_PUSH"]', NULL, 1, 1);
                INSERT INTO account_settings VALUES ('123456789012', 'account-setting:BLOB_MOUNTING', 'ENABLED');
                INSERT INTO access_keys VALUES ('AKIAOLD', '123456789012', 'arn:aws:iam::123456789012:root', x'00', 'Active', 1);
                """);
        }

        var database = new SqliteDatabase(path, Default);
        await database.InitializeAsync(default);

        var repositories = new SqlRepositoryStore(database, Default);
        var name = RepositoryName.Parse("old/app");
        Assert.True(await repositories.ExistsAsync(name, default));
        Assert.Equal([new KeyValuePair<string, string>("team", "a")], await repositories.GetTagsAsync(name, default));
        Assert.Equal(3, await new SqlBlobLinkStore(database, Default, TimeProvider.System).FindAsync(name, Core.Content.Digest.Parse("sha256:" + new string('a', 64)), default));
        Assert.NotNull(await new SqlRepositoryCreationTemplateStore(database, Default).FindAsync("ROOT", default));
        Assert.False(await new SqlRepositoryStore(database, Default with { Region = "us-east-1" }).ExistsAsync(name, default));
        Assert.Equal(["123456789012"], await new SqlAccountStore(database).ListAsync(default));
        Assert.Equal("ENABLED", await new SqlCredentialStore(database).GetSettingAsync("123456789012", "account-setting:eu-central-1:BLOB_MOUNTING", default));
        await using var check = await database.OpenAsync(default);
        Assert.Equal(1L, await check.ScalarAsync("SELECT COUNT(*) FROM blob_links WHERE repository_id = 7", default));
    }

    private static async Task<SqliteDatabase> CreateAsync()
    {
        var database = new SqliteDatabase(Path.Combine(Path.GetTempPath(), "berth-storage-tests", Guid.NewGuid().ToString("N"), "berth.db"), Default);
        await database.InitializeAsync(default);
        return database;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
