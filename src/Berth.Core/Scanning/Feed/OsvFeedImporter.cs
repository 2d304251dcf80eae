using System.IO.Compression;
using System.Text.Json;

namespace Berth.Core.Scanning.Feed;

/// <summary>
/// Imports an OSV feed: a zip of records (osv.dev's <c>ECOSYSTEM/all.zip</c>) or a directory of <c>*.json</c> files
/// (searched recursively), each one record. Records are read one at a time (each capped at
/// <see cref="MaxRecordBytes"/>), stored in batches, and the import's time recorded last, which also queues the
/// CONTINUOUS_SCAN rescans. A record that is not valid JSON or not an OSV record is counted as skipped.
/// </summary>
public sealed class OsvFeedImporter(IVulnerabilityFeed feed, TimeProvider time)
{
    public const long MaxRecordBytes = 16L * 1024 * 1024;
    private const int BatchSize = 500;

    public async Task<OsvImportReport> ImportAsync(string path, IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        int imported = 0, skipped = 0, done = 0;
        var batch = new List<VulnerabilityRecord>(BatchSize);
        async Task AddAsync(Stream stream, long length)
        {
            done++;
            if (length > MaxRecordBytes)
            {
                skipped++;
                return;
            }

            VulnerabilityRecord? record = null;
            try
            {
                using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
                record = OsvRecord.Parse(document.RootElement);
            }
            catch (JsonException)
            {
            }

            if (record is null)
            {
                skipped++;
                return;
            }

            batch.Add(record);
            imported++;
            if (batch.Count >= BatchSize)
            {
                await feed.UpsertAsync(batch, cancellationToken).ConfigureAwait(false);
                batch.Clear();
            }
        }

        if (Directory.Exists(path))
        {
            var files = Directory.EnumerateFiles(path, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
            foreach (var file in files)
            {
                var stream = File.OpenRead(file);
                await using (stream.ConfigureAwait(false))
                {
                    await AddAsync(stream, stream.Length).ConfigureAwait(false);
                }

                progress?.Report((done, files.Count));
            }
        }
        else if (File.Exists(path))
        {
            using var zip = ZipFile.OpenRead(path);
            var entries = zip.Entries.Where(e => e.FullName.EndsWith(".json", StringComparison.OrdinalIgnoreCase)).ToList();
            foreach (var entry in entries)
            {
                var stream = entry.Open();
                await using (stream.ConfigureAwait(false))
                {
                    await AddAsync(stream, entry.Length).ConfigureAwait(false);
                }

                progress?.Report((done, entries.Count));
            }
        }
        else
        {
            throw new FileNotFoundException($"No OSV zip or directory at '{path}'.", path);
        }

        if (batch.Count > 0)
        {
            await feed.UpsertAsync(batch, cancellationToken).ConfigureAwait(false);
        }

        var importedAt = time.GetUtcNow();
        var rescans = await feed.CompleteImportAsync(importedAt, cancellationToken).ConfigureAwait(false);
        return new OsvImportReport(imported, skipped, rescans, importedAt, time.GetElapsedTime(started));
    }
}
