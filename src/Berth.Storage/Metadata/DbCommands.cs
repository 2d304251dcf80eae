using System.Data;
using System.Data.Common;
using Berth.Core.Paging;
using Berth.Core.Registries;

namespace Berth.Storage.Metadata;

/// <summary>Small conveniences over ADO.NET, so each store reads as its SQL. Parameters are written <c>@name</c>.</summary>
internal static class DbCommands
{
    public static DbCommand Command(this DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            if (value is null)
            {
                // Every nullable value the stores pass is text; typing the null spares PostgreSQL guessing it.
                parameter.DbType = DbType.String;
            }

            command.Parameters.Add(parameter);
        }

        return command;
    }

    public static async Task<int> ExecuteAsync(this DbConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<object?> ScalarAsync(this DbConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.Command(sql, parameters);
        var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return result is DBNull ? null : result;
    }

    /// <summary>The first row mapped by <paramref name="map"/>, or <c>default</c> when there is none.</summary>
    public static async Task<T?> FirstAsync<T>(this DbConnection connection, string sql, Func<DbDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? map(reader) : default;
    }

    /// <summary>Every row mapped by <paramref name="map"/>.</summary>
    public static async Task<List<T>> ListAsync<T>(this DbConnection connection, string sql, Func<DbDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    /// <summary>A page of rows queried with <c>LIMIT limit+1</c>; the extra row only says that more follow.</summary>
    public static async Task<Page<T>> PageAsync<T>(this DbConnection connection, string sql, int limit, Func<DbDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var rows = await connection.ListAsync(sql, map, cancellationToken, parameters).ConfigureAwait(false);
        var more = rows.Count > limit;
        if (more)
        {
            rows.RemoveRange(limit, rows.Count - limit);
        }

        return new Page<T>(rows, more);
    }

    /// <summary>A one-column page of strings (names, tags).</summary>
    public static Task<Page<string>> PageAsync(this DbConnection connection, string sql, int limit, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        connection.PageAsync(sql, limit, static reader => reader.GetString(0), cancellationToken, parameters);

    /// <summary>The column as a string, or null.</summary>
    public static string? NullableString(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>The column as a long, or null.</summary>
    public static long? NullableInt64(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    /// <summary>A time stored as Unix milliseconds.</summary>
    public static DateTimeOffset Time(this DbDataReader reader, int ordinal) => DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    /// <summary>The id of an existing repository of the registry, or null.</summary>
    public static async Task<long?> FindRepositoryIdAsync(this DbConnection connection, RegistryIdentity registry, string name, CancellationToken cancellationToken, string lockClause = "") =>
        (long?)await connection.ScalarAsync(
            "SELECT id FROM repositories WHERE account_id = @account AND region = @region AND name = @name" + lockClause,
            cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@name", name)).ConfigureAwait(false);

    /// <summary>
    /// Inside the caller's transaction, locks the repository's row against every other change of its manifests, tags
    /// and settings until commit, and returns its id (null when it does not exist). Every transaction that reads and
    /// then writes a repository's manifests or tags takes this lock first, which gives PostgreSQL's nodes the serial
    /// order SQLite's exclusive transactions give one process: two pushes of one tag cannot both see it free, an index
    /// cannot be stored while its child is deleted. FOR NO KEY UPDATE does not block the KEY SHARE locks of foreign-key
    /// checks, so blob uploads linking into the repository go on meanwhile.
    /// </summary>
    public static Task<long?> LockRepositoryAsync(this DbConnection connection, MetadataDatabase database, RegistryIdentity registry, string name, CancellationToken cancellationToken) =>
        connection.FindRepositoryIdAsync(registry, name, cancellationToken, database.ForNoKeyUpdate);

    /// <summary>
    /// Deletes rows of a repository (<paramref name="sql"/> names it <c>@id</c>) under its lock, so that a manifest put
    /// that found them commits first; false when the repository or the rows are gone.
    /// </summary>
    public static async ValueTask<bool> DeleteUnderRepositoryLockAsync(
        this MetadataDatabase database, RegistryIdentity registry, string repository, string sql, (string Name, object? Value) key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (await connection.LockRepositoryAsync(database, registry, repository, cancellationToken).ConfigureAwait(false) is not { } id)
        {
            return false;
        }

        var rows = await connection.ExecuteAsync(sql, cancellationToken, ("@id", id), key).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return rows > 0;
    }

    /// <summary>The lock key of an IAM user, group or role (by id): its memberships, policies and deletion.</summary>
    public static string IamEntityLock(string entityId) => "iam-entity:" + entityId;

    /// <summary>The lock key of a principal's access keys (by ARN): their quota and the principal's deletion.</summary>
    public static string AccessKeysLock(string principalArn) => "access-keys:" + principalArn;

    /// <summary>The lock key of a customer managed policy (by ARN): its versions, attachments and deletion.</summary>
    public static string PolicyLock(string policyArn) => "iam-policy:" + policyArn;

    /// <summary>
    /// The lock key of a blob (by digest): a link or an upload's reservation of it against a garbage-collection
    /// tombstone of it, so that a push and a sweep of one blob happen one after the other.
    /// </summary>
    public static string BlobLock(string digest) => "blob:" + digest;

    /// <summary>The lock key of an upload session (by id): its appends, completion and cancellation.</summary>
    public static string UploadLock(string uploadId) => "upload:" + uploadId;
}
