using Berth.Core.Blobs;
using Berth.Core.Naming;
using Berth.Core.Registries;
using Npgsql;

namespace Berth.Storage.Postgres;

internal sealed class PostgresUploadSessionStore(PostgresDatabase database) : IUploadSessionStore
{
    private const string Columns = "id, repository, size, backend_state, started_at, updated_at, account_id, region";

    public async ValueTask CreateAsync(UploadSession session, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            $"INSERT INTO upload_sessions ({Columns}) VALUES (@id, @repository, @size, @state, @started, @updated, @account, @region)",
            cancellationToken,
            ("@id", session.Id), ("@repository", session.Repository.Value), ("@size", session.Staged.Size),
            ("@state", session.Staged.BackendState), ("@started", session.StartedAt.ToUnixTimeMilliseconds()),
            ("@updated", session.UpdatedAt.ToUnixTimeMilliseconds()), ("@account", session.Registry.AccountId), ("@region", session.Registry.Region)).ConfigureAwait(false);
    }

    public async ValueTask<UploadSession?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"SELECT {Columns} FROM upload_sessions WHERE id = @id", ("@id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    public async ValueTask UpdateAsync(UploadSession session, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "UPDATE upload_sessions SET size = @size, backend_state = @state, updated_at = @updated WHERE id = @id",
            cancellationToken,
            ("@id", session.Id), ("@size", session.Staged.Size), ("@state", session.Staged.BackendState),
            ("@updated", session.UpdatedAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
    }

    /// <summary>
    /// A transaction-scoped advisory lock on the upload id, held by a connection of its own until disposal: ending the
    /// transaction releases it, and so does the database when the node holding it dies (its connection closes).
    /// </summary>
    public async ValueTask<IAsyncDisposable> LockAsync(string id, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await connection.LockKeysAsync(cancellationToken, PostgresCommands.UploadLock(id)).ConfigureAwait(false);
            return new Held(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("DELETE FROM upload_sessions WHERE id = @id", cancellationToken, ("@id", id)).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<UploadSession>> ListStaleAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            $"SELECT {Columns} FROM upload_sessions WHERE updated_at < @cutoff ORDER BY updated_at LIMIT @limit",
            ("@cutoff", cutoff.ToUnixTimeMilliseconds()), ("@limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var sessions = new List<UploadSession>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            sessions.Add(Read(reader));
        }

        return sessions;
    }

    private static UploadSession Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        new RegistryIdentity(reader.GetString(6), reader.GetString(7)),
        RepositoryName.Parse(reader.GetString(1)),
        new StagedUpload(reader.GetString(0), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3)),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)));

    private sealed class Held(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                // Nothing was written in this transaction: ending it only releases the lock.
                await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                // The connection broke, which released the lock with the session.
            }
            finally
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
