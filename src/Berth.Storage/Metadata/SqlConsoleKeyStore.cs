using Berth.Core.Credentials;

namespace Berth.Storage.Metadata;

internal sealed class SqlConsoleKeyStore(MetadataDatabase database) : IConsoleKeyStore
{
    public async ValueTask<IReadOnlyList<byte[]>> ListAsync(CancellationToken cancellationToken) =>
        await database.ListAsync("SELECT sealed_element FROM console_keys ORDER BY id", r => (byte[])r.GetValue(0), cancellationToken).ConfigureAwait(false);

    public async ValueTask AddAsync(string name, byte[] sealedElement, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            $"INSERT INTO console_keys (name, sealed_element, created_at) VALUES (@name, @element, {database.NowMillis}) ON CONFLICT (name) DO NOTHING",
            cancellationToken, ("@name", name), ("@element", sealedElement)).ConfigureAwait(false);
}
