using System.Security.Cryptography;
using Berth.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Berth.Server.Tests.Hosting;

/// <summary>A node whose master key did not encrypt the database refuses to start, naming the setting (issue 16, point 7).</summary>
public sealed class MasterKeyTests
{
    private static readonly string KeyA = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string KeyB = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "berth-tests", Guid.NewGuid().ToString("N"));

    private static Task<BerthTestServer> StartAsync(string data, string? key) =>
        BerthTestServer.StartAsync(key is null ? null : new Dictionary<string, string?> { ["Berth:MasterKey"] = key }, data);

    [Fact]
    public async Task AnotherConfiguredKeyIsRefusedAtStartAndTheRightOneStillStarts()
    {
        var data = NewDataDirectory();
        await (await StartAsync(data, KeyA)).StopKeepingDataAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(data, KeyB));
        Assert.Contains("'Berth:MasterKey'", error.Message, StringComparison.Ordinal);

        await (await StartAsync(data, KeyA)).StopKeepingDataAsync();
    }

    [Fact]
    public async Task AReplacedMasterKeyFileIsRefused()
    {
        var data = NewDataDirectory();
        await (await StartAsync(data, null)).StopKeepingDataAsync();
        var original = await File.ReadAllBytesAsync(Path.Combine(data, "master.key"));
        await File.WriteAllBytesAsync(Path.Combine(data, "master.key"), RandomNumberGenerator.GetBytes(32));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(data, null));
        Assert.Contains("master.key", error.Message, StringComparison.Ordinal);

        await File.WriteAllBytesAsync(Path.Combine(data, "master.key"), original);
        await (await StartAsync(data, null)).StopKeepingDataAsync();
    }

    [Fact]
    public async Task ADatabaseFromBeforeTheCheckIsCheckedAgainstItsRootKey()
    {
        var data = NewDataDirectory();
        await (await StartAsync(data, KeyA)).StopKeepingDataAsync();
        await ForgetTheCheckValueAsync(data);

        await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(data, KeyB));

        // The right key passes the root key's check and writes the check value, which refuses the other key from then on.
        await (await StartAsync(data, KeyA)).StopKeepingDataAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(data, KeyB));
    }

    private static async Task ForgetTheCheckValueAsync(string data)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "berth.db")};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM account_settings WHERE account_id = '' AND name = 'master-key-check'";
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
