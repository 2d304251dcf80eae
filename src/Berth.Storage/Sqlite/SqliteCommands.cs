using Berth.Core.Registries;
using Microsoft.Data.Sqlite;

namespace Berth.Storage.Sqlite;

/// <summary>Small conveniences over ADO.NET commands, so each store reads as its SQL.</summary>
internal static class SqliteCommands
{
    public static SqliteCommand Command(this SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public static async Task<int> ExecuteAsync(this SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<object?> ScalarAsync(this SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.Command(sql, parameters);
        var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return result is DBNull ? null : result;
    }

    /// <summary>The id of an existing repository of the registry, or null.</summary>
    public static async Task<long?> FindRepositoryIdAsync(this SqliteConnection connection, RegistryIdentity registry, string name, CancellationToken cancellationToken) =>
        (long?)await connection.ScalarAsync(
            "SELECT id FROM repositories WHERE account_id = $account AND region = $region AND name = $name",
            cancellationToken, ("$account", registry.AccountId), ("$region", registry.Region), ("$name", name)).ConfigureAwait(false);
}
