using System.Data.Common;
using Berth.Core.Events;
using Berth.Core.Registries;

namespace Berth.Storage.Metadata;

/// <summary>
/// The "ECR Image Scan" event of a finished scan, written to <c>event_outbox</c> on the transaction that completes (or
/// fails) the scan, so a webhook hears of every finished scan once and of no scan that did not commit.
/// </summary>
internal static class SqlScanEvents
{
    public static async Task EnqueueAsync(
        DbConnection connection, MetadataDatabase database, ImageEventEndpoints endpoints, TimeProvider time, long repositoryId, string digest,
        string scanStatus, IReadOnlyDictionary<string, int> counts, CancellationToken cancellationToken)
    {
        if (endpoints.Names.Count == 0)
        {
            return;
        }

        var image = await connection.FirstAsync(
            "SELECT account_id, region, name FROM repositories WHERE id = @id",
            r => (Registry: new RegistryIdentity(r.GetString(0), r.GetString(1)), Name: r.GetString(2)),
            cancellationToken, ("@id", repositoryId)).ConfigureAwait(false);
        var tags = await connection.ListAsync(
            "SELECT name FROM tags WHERE repository_id = @id AND manifest_digest = @digest ORDER BY name",
            r => r.GetString(0), cancellationToken, ("@id", repositoryId), ("@digest", digest)).ConfigureAwait(false);
        tags.Sort(StringComparer.Ordinal);
        var id = Guid.NewGuid().ToString("D");
        var payload = ImageScanEvent.Create(id, time.GetUtcNow(), image.Registry, image.Name, digest, scanStatus, counts, tags);
        await SqlEventOutbox.EnqueueAsync(connection, database, endpoints, id, payload, cancellationToken).ConfigureAwait(false);
    }
}
