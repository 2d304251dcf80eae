using Berth.Core.Content;

namespace Berth.Core.GarbageCollection;

/// <summary>
/// One mark-and-sweep cycle over the whole blob store, run while the registry serves pushes and pulls.
/// <list type="number">
/// <item>Resume: tombstones a previous sweeper left (it was killed mid-sweep) are finished first.</item>
/// <item>Unlink: a repository's links to blobs that none of its manifests references, made before the grace period,
/// are removed (what deleting an image, by hand or by a lifecycle rule, leaves), each repository under its lock.</item>
/// <item>Mark: list the stored blobs, then read every referenced digest from the database (in that order, so a blob
/// linked while the listing runs is seen as referenced). A stored blob referenced by nothing is a candidate; the
/// database remembers since when, across cycles and nodes.</item>
/// <item>Sweep: candidates unreferenced for longer than the grace period, whose bytes are also older than it, are
/// tombstoned in batches (the store re-checks, under per-digest locks, that nothing references them), deleted from
/// the blob store, then their tombstones removed.</item>
/// <item>Abandoned uploads: staged bytes older than the grace period that no session records are deleted; in uploads
/// still open but idle for the grace period, the staged pieces their recorded state no longer uses (S3) are deleted,
/// each upload held as an append holds it; blob writes begun before the grace period and never finished (S3 multipart
/// uploads a killed commit left open) are aborted.</item>
/// </list>
/// Every step is safe to redo from any point: a kill leaves tombstones (finished by the next cycle), candidates (their
/// time kept) or staged bytes (seen again). Concurrent cycles are safe but wasteful; the server runs one per cluster
/// under a lease. A dry run reads only.
/// </summary>
/// <param name="uploads">Holds idle uploads while their leftovers are removed; without it (a test's collector) they are left alone.</param>
public sealed class GarbageCollector(IBlobInventory inventory, IGarbageCollectionStore store, TimeProvider time, Blobs.OpenUploads? uploads = null)
{
    /// <summary>
    /// Blobs tombstoned and deleted per batch: one DeleteObjects request on S3 (its maximum, 1,000 keys), one short
    /// transaction. 50,000 garbage blobs are deleted in 50 requests (100 when this was 500).
    /// </summary>
    public const int BatchSize = 1000;

    public async Task<GarbageCollectionReport> RunAsync(
        TimeSpan gracePeriod, bool dryRun, IProgress<GarbageCollectionProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(gracePeriod, TimeSpan.Zero);
        var started = time.GetTimestamp();
        var now = time.GetUtcNow();
        var cutoff = now - gracePeriod;

        var resumed = dryRun ? 0 : await ResumeAsync(progress, cancellationToken).ConfigureAwait(false);
        var unlinked = await UnlinkAsync(cutoff, dryRun, progress, cancellationToken).ConfigureAwait(false);

        var stored = new List<StoredBlob>();
        await foreach (var blob in inventory.ListBlobsAsync(cancellationToken).ConfigureAwait(false))
        {
            stored.Add(blob);
            if (stored.Count % 1000 == 0)
            {
                progress?.Report(new("Listing blobs", stored.Count, null));
            }
        }

        progress?.Report(new("Listing blobs", stored.Count, stored.Count));
        var referenced = await store.ListReferencedAsync(cutoff, cancellationToken).ConfigureAwait(false);
        var unreferenced = stored.Where(b => !referenced.Contains(b.Digest)).ToList();
        var due = await MarkAsync(unreferenced, now, cutoff, dryRun, cancellationToken).ConfigureAwait(false);

        var removed = dryRun ? due : await SweepAsync(due, now, progress, cancellationToken).ConfigureAwait(false);
        var (abandoned, leftovers) = await CollectUploadsAsync(cutoff, dryRun, cancellationToken).ConfigureAwait(false);
        var unfinished = await inventory.AbortUnfinishedAsync(cutoff, dryRun, cancellationToken).ConfigureAwait(false);
        return new GarbageCollectionReport(dryRun, stored.Count, unreferenced.Count - due.Count, removed, abandoned, resumed, time.GetElapsedTime(started))
        {
            Unlinked = unlinked,
            Leftovers = leftovers,
            UnfinishedWritesAborted = unfinished,
        };
    }

    /// <summary>
    /// Removes (a dry run: lists) the links no manifest of their repository references, made before the cutoff, in
    /// batches of one repository each. The referenced set read afterwards leaves such links out either way, so a dry
    /// run reports the blobs the run would remove.
    /// </summary>
    private async Task<IReadOnlyList<UnreferencedLink>> UnlinkAsync(DateTimeOffset cutoff, bool dryRun, IProgress<GarbageCollectionProgress>? progress, CancellationToken cancellationToken)
    {
        var stale = await store.ListUnreferencedLinksAsync(cutoff, cancellationToken).ConfigureAwait(false);
        if (dryRun || stale.Count == 0)
        {
            return stale;
        }

        var unlinked = new List<UnreferencedLink>();
        progress?.Report(new("Unlinking blobs of deleted images", 0, stale.Count));
        foreach (var repository in stale.GroupBy(l => (l.Registry, l.Repository)))
        {
            foreach (var chunk in repository.Chunk(BatchSize))
            {
                unlinked.AddRange(await store.UnlinkAsync(chunk, cutoff, cancellationToken).ConfigureAwait(false));
                progress?.Report(new("Unlinking blobs of deleted images", unlinked.Count, stale.Count));
            }
        }

        progress?.Report(new("Unlinking blobs of deleted images", stale.Count, stale.Count));
        return unlinked;
    }

    /// <summary>Records the unreferenced blobs and returns those past the grace period.</summary>
    private async Task<List<StoredBlob>> MarkAsync(List<StoredBlob> unreferenced, DateTimeOffset now, DateTimeOffset cutoff, bool dryRun, CancellationToken cancellationToken)
    {
        var candidates = await store.ListCandidatesAsync(cancellationToken).ConfigureAwait(false);
        if (!dryRun)
        {
            var current = unreferenced.Select(b => b.Digest).ToHashSet();
            var gone = candidates.Keys.Where(d => !current.Contains(d)).ToList();
            foreach (var chunk in gone.Chunk(BatchSize))
            {
                await store.RemoveCandidatesAsync(chunk, cancellationToken).ConfigureAwait(false);
            }

            var fresh = unreferenced.Where(b => !candidates.ContainsKey(b.Digest)).ToList();
            foreach (var chunk in fresh.Chunk(BatchSize))
            {
                await store.AddCandidatesAsync(chunk, now, cancellationToken).ConfigureAwait(false);
            }
        }

        return unreferenced
            .Where(b => b.LastModified <= cutoff && (candidates.TryGetValue(b.Digest, out var since) ? since : now) <= cutoff)
            .ToList();
    }

    private async Task<List<StoredBlob>> SweepAsync(List<StoredBlob> due, DateTimeOffset now, IProgress<GarbageCollectionProgress>? progress, CancellationToken cancellationToken)
    {
        var removed = new List<StoredBlob>();
        var done = 0;
        progress?.Report(new("Sweeping blobs", 0, due.Count));
        foreach (var chunk in due.Chunk(BatchSize))
        {
            var tombstoned = await store.TombstoneAsync(chunk, now, cancellationToken).ConfigureAwait(false);
            await DeleteAsync(tombstoned, cancellationToken).ConfigureAwait(false);
            removed.AddRange(tombstoned);
            done += chunk.Length;
            progress?.Report(new("Sweeping blobs", done, due.Count));
        }

        return removed;
    }

    private async Task<int> ResumeAsync(IProgress<GarbageCollectionProgress>? progress, CancellationToken cancellationToken)
    {
        var left = await store.ListTombstonesAsync(cancellationToken).ConfigureAwait(false);
        if (left.Count > 0)
        {
            progress?.Report(new("Finishing an interrupted sweep", 0, left.Count));
            foreach (var chunk in left.Chunk(BatchSize))
            {
                await DeleteAsync(chunk, cancellationToken).ConfigureAwait(false);
            }
        }

        return left.Count;
    }

    /// <summary>Deletes the bytes, then the tombstones: a kill between the two leaves tombstones, never bytes without one.</summary>
    private async Task DeleteAsync(IReadOnlyList<StoredBlob> tombstoned, CancellationToken cancellationToken)
    {
        if (tombstoned.Count == 0)
        {
            return;
        }

        var digests = tombstoned.Select(b => b.Digest).ToList();
        await inventory.DeleteBlobsAsync(digests, cancellationToken).ConfigureAwait(false);
        await store.FinishAsync(digests, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(List<string> Abandoned, (int Count, long Bytes) Leftovers)> CollectUploadsAsync(DateTimeOffset cutoff, bool dryRun, CancellationToken cancellationToken)
    {
        var staged = new List<StagedArea>();
        await foreach (var area in inventory.ListStagedAsync(cancellationToken).ConfigureAwait(false))
        {
            staged.Add(area);
        }

        // Sessions are read after the listing, so an upload begun meanwhile is either not listed or has its session.
        var sessions = await store.ListUploadIdsAsync(cancellationToken).ConfigureAwait(false);
        var orphans = staged.Where(a => a.LastModified <= cutoff && !sessions.Contains(a.UploadId)).Select(a => a.UploadId).ToList();
        if (!dryRun)
        {
            foreach (var id in orphans)
            {
                await inventory.DeleteStagedAsync(id, cancellationToken).ConfigureAwait(false);
            }
        }

        // Open uploads whose bytes were last written before the cutoff; those written since are busy, and their
        // leftovers go with them when they complete or are cancelled (or when the janitor removes them).
        (int Count, long Bytes) leftovers = (0, 0);
        if (uploads is not null)
        {
            foreach (var area in staged.Where(a => a.LastModified <= cutoff && sessions.Contains(a.UploadId)))
            {
                if (await uploads.WithIdleAsync(area.UploadId, cutoff, upload => inventory.CollectLeftoversAsync(upload, cutoff, dryRun, cancellationToken), cancellationToken)
                    .ConfigureAwait(false) is { } found)
                {
                    leftovers = (leftovers.Count + found.Count, leftovers.Bytes + found.Bytes);
                }
            }
        }

        return (orphans, leftovers);
    }
}
