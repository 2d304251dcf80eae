using Berth.Core.Registries;
using Npgsql;
using NpgsqlTypes;

namespace Berth.Storage.Postgres;

/// <summary>Small conveniences over Npgsql commands, so each store reads as its SQL. Parameters are written @name.</summary>
internal static class PostgresCommands
{
    public static NpgsqlCommand Command(this NpgsqlConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            // Every nullable value the stores pass is text; typing the null spares PostgreSQL guessing it.
            command.Parameters.Add(value is null ? new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = DBNull.Value } : new NpgsqlParameter(name, value));
        }

        return command;
    }

    public static async Task<int> ExecuteAsync(this NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<object?> ScalarAsync(this NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.Command(sql, parameters);
        var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return result is DBNull ? null : result;
    }

    /// <summary>The id of an existing repository of the registry, or null.</summary>
    public static async Task<long?> FindRepositoryIdAsync(this NpgsqlConnection connection, RegistryIdentity registry, string name, CancellationToken cancellationToken) =>
        (long?)await connection.ScalarAsync(
            "SELECT id FROM repositories WHERE account_id = @account AND region = @region AND name = @name",
            cancellationToken, ("account", registry.AccountId), ("region", registry.Region), ("name", name)).ConfigureAwait(false);

    /// <summary>
    /// Inside the caller's transaction, locks the repository's row against every other change of its manifests, tags
    /// and settings until commit, and returns its id (null when it does not exist). Every transaction that reads and
    /// then writes a repository's manifests or tags takes this lock first, which gives nodes the serial order SQLite
    /// gives one process: two pushes of one tag cannot both see it free, an index cannot be stored while its child is
    /// deleted. FOR NO KEY UPDATE does not block the KEY SHARE locks of foreign-key checks, so blob uploads linking
    /// into the repository go on meanwhile.
    /// </summary>
    public static async Task<long?> LockRepositoryAsync(this NpgsqlConnection connection, RegistryIdentity registry, string name, CancellationToken cancellationToken) =>
        (long?)await connection.ScalarAsync(
            "SELECT id FROM repositories WHERE account_id = @account AND region = @region AND name = @name FOR NO KEY UPDATE",
            cancellationToken, ("account", registry.AccountId), ("region", registry.Region), ("name", name)).ConfigureAwait(false);

    /// <summary>
    /// Inside the caller's transaction, takes transaction-scoped advisory locks on <paramref name="keys"/> (in ordinal
    /// order, so two transactions locking the same keys cannot deadlock). IAM's check-then-write transactions (quotas,
    /// "delete only when unused") use them to get the serial order SQLite's BEGIN IMMEDIATE gives one process.
    /// </summary>
    public static async Task LockKeysAsync(this NpgsqlConnection connection, CancellationToken cancellationToken, params string[] keys)
    {
        foreach (var key in keys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", cancellationToken, ("@key", key)).ConfigureAwait(false);
        }
    }

    /// <summary>The advisory lock key of an IAM user, group or role (by id): its memberships, policies and deletion.</summary>
    public static string IamEntityLock(string entityId) => "iam-entity:" + entityId;

    /// <summary>The advisory lock key of a principal's access keys (by ARN): their quota and the principal's deletion.</summary>
    public static string AccessKeysLock(string principalArn) => "access-keys:" + principalArn;

    /// <summary>The advisory lock key of a customer managed policy (by ARN): its versions, attachments and deletion.</summary>
    public static string PolicyLock(string policyArn) => "iam-policy:" + policyArn;

    /// <summary>The advisory lock key of an upload session (by id): its appends, completion and cancellation.</summary>
    public static string UploadLock(string uploadId) => "upload:" + uploadId;

    /// <summary>True for a foreign-key violation: the parent row (repository, upload session) was deleted meanwhile.</summary>
    public static bool IsForeignKeyViolation(this PostgresException exception) => exception.SqlState == PostgresErrorCodes.ForeignKeyViolation;
}
