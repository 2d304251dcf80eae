using System.Text.Json;
using Berth.Core.Content;
using Berth.Core.Naming;
using Berth.Core.Registries;
using Berth.Core.Replication;

namespace Berth.Storage.Metadata;

/// <summary>Remote replication destinations (<c>replication_remote_destinations</c>) and the blobs sent to them (<c>replication_remote_blobs</c>).</summary>
internal sealed class SqlRemoteDestinationStore(MetadataDatabase database, TimeProvider time) : IRemoteDestinationStore
{
    // A destination without a secret stores an empty one (a sealed secret never is): a typeless NULL parameter is text to PostgreSQL.
    private const string Columns = "name, endpoint, source_account, source_region, repository_prefixes, auth, username, secret, signing_region";

    public async ValueTask<bool> AddAsync(RemoteDestination destination, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            $"""
            INSERT INTO replication_remote_destinations ({Columns}, created_at)
            VALUES (@name, @endpoint, @account, @region, @prefixes, @auth, @username, @secret, @signingRegion, @now)
            ON CONFLICT (name) DO NOTHING
            """,
            cancellationToken,
            ("@name", destination.Name), ("@endpoint", destination.Endpoint.ToString()), ("@account", destination.Source.AccountId),
            ("@region", destination.Source.Region), ("@prefixes", JsonSerializer.Serialize(destination.RepositoryPrefixes)),
            ("@auth", destination.Authentication.ToString().ToLowerInvariant()), ("@username", destination.Username), ("@secret", destination.SealedSecret ?? []),
            ("@signingRegion", destination.SigningRegion), ("@now", time.GetUtcNow().ToUnixTimeMilliseconds())).ConfigureAwait(false) > 0;

    public async ValueTask<bool> RemoveAsync(string name, CancellationToken cancellationToken) =>
        await database.ExecuteAsync("DELETE FROM replication_remote_destinations WHERE name = @name", cancellationToken, ("@name", name)).ConfigureAwait(false) > 0;

    public async ValueTask<RemoteDestination?> FindAsync(string name, CancellationToken cancellationToken)
    {
        var found = await database.ListAsync($"SELECT {Columns} FROM replication_remote_destinations WHERE name = @name", Read, cancellationToken, ("@name", name)).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async ValueTask<IReadOnlyList<RemoteDestination>> ListAsync(CancellationToken cancellationToken) =>
        await database.ListAsync($"SELECT {Columns} FROM replication_remote_destinations ORDER BY name", Read, cancellationToken).ConfigureAwait(false);

    public async ValueTask RecordBlobAsync(string destination, Digest digest, RepositoryName repository, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            """
            INSERT INTO replication_remote_blobs (destination, digest, repository) VALUES (@destination, @digest, @repository)
            ON CONFLICT (destination, digest) DO UPDATE SET repository = excluded.repository
            """,
            cancellationToken, ("@destination", destination), ("@digest", digest.ToString()), ("@repository", repository.Value)).ConfigureAwait(false);

    public async ValueTask<RepositoryName?> FindMountSourceAsync(string destination, Digest digest, CancellationToken cancellationToken) =>
        await database.ScalarAsync(
            "SELECT repository FROM replication_remote_blobs WHERE destination = @destination AND digest = @digest",
            cancellationToken, ("@destination", destination), ("@digest", digest.ToString())).ConfigureAwait(false) is string repository
            ? RepositoryName.Parse(repository)
            : null;

    internal static RemoteDestination Read(System.Data.Common.DbDataReader r) => new(
        r.GetString(0),
        new Uri(r.GetString(1)),
        new RegistryIdentity(r.GetString(2), r.GetString(3)),
        JsonSerializer.Deserialize<List<string>>(r.GetString(4)) ?? [],
        Enum.Parse<RemoteAuthentication>(r.GetString(5), ignoreCase: true),
        r.NullableString(6),
        r.IsDBNull(7) || ((byte[])r.GetValue(7)).Length == 0 ? null : (byte[])r.GetValue(7),
        r.NullableString(8));
}
