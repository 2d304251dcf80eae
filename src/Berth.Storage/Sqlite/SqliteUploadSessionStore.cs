using Berth.Core.Blobs;
using Berth.Core.Naming;
using Berth.Core.Registries;
using Microsoft.Data.Sqlite;

namespace Berth.Storage.Sqlite;

internal sealed class SqliteUploadSessionStore(SqliteDatabase database) : IUploadSessionStore
{
    private const string Columns = "id, repository, size, backend_state, started_at, updated_at, account_id, region";

    public async ValueTask CreateAsync(UploadSession session, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            $"INSERT INTO upload_sessions ({Columns}) VALUES ($id, $repository, $size, $state, $started, $updated, $account, $region)",
            cancellationToken,
            ("$id", session.Id), ("$repository", session.Repository.Value), ("$size", session.Staged.Size),
            ("$state", session.Staged.BackendState), ("$started", session.StartedAt.ToUnixTimeMilliseconds()),
            ("$updated", session.UpdatedAt.ToUnixTimeMilliseconds()), ("$account", session.Registry.AccountId), ("$region", session.Registry.Region)).ConfigureAwait(false);
    }

    public async ValueTask<UploadSession?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"SELECT {Columns} FROM upload_sessions WHERE id = $id", ("$id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    public async ValueTask UpdateAsync(UploadSession session, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "UPDATE upload_sessions SET size = $size, backend_state = $state, updated_at = $updated WHERE id = $id",
            cancellationToken,
            ("$id", session.Id), ("$size", session.Staged.Size), ("$state", session.Staged.BackendState),
            ("$updated", session.UpdatedAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
    }

    /// <summary>A SQLite database belongs to one process, whose in-process lock is all there is to take.</summary>
    public ValueTask<IAsyncDisposable> LockAsync(string id, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IAsyncDisposable>(NothingHeld.Instance);

    public async ValueTask DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("DELETE FROM upload_sessions WHERE id = $id", cancellationToken, ("$id", id)).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<UploadSession>> ListStaleAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            $"SELECT {Columns} FROM upload_sessions WHERE updated_at < $cutoff ORDER BY updated_at LIMIT $limit",
            ("$cutoff", cutoff.ToUnixTimeMilliseconds()), ("$limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var sessions = new List<UploadSession>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            sessions.Add(Read(reader));
        }

        return sessions;
    }

    private static UploadSession Read(SqliteDataReader reader) => new(
        reader.GetString(0),
        new RegistryIdentity(reader.GetString(6), reader.GetString(7)),
        RepositoryName.Parse(reader.GetString(1)),
        new StagedUpload(reader.GetString(0), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3)),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)));

    private sealed class NothingHeld : IAsyncDisposable
    {
        public static readonly NothingHeld Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
