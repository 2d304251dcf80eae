using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Berth.Core.Content;
using Berth.Core.GarbageCollection;

namespace Berth.Core.Tests.GarbageCollection;

/// <summary>
/// The sweep's batches: one blob-store deletion call per <see cref="GarbageCollector.BatchSize"/> blobs, which on S3
/// is one DeleteObjects request (its maximum is 1,000 keys). At 500 a batch, 50,000 garbage blobs took 100 requests
/// where 50 do.
/// </summary>
public sealed class GarbageCollectorBatchTests
{
    [Fact]
    public async Task GarbageIsDeletedInBatchesOfAThousandAndReferencedBlobsStay()
    {
        var old = DateTimeOffset.UtcNow.AddDays(-1);
        var garbage = Enumerable.Range(0, 2_001).Select(_ => new StoredBlob(Digest.Sha256Of(RandomNumberGenerator.GetBytes(16)), 10, old)).ToList();
        var kept = Enumerable.Range(0, 300).Select(_ => new StoredBlob(Digest.Sha256Of(RandomNumberGenerator.GetBytes(16)), 10, old)).ToList();
        var inventory = new Inventory([.. garbage, .. kept]);
        var store = new Store(kept.Select(b => b.Digest).ToHashSet());

        var report = await new GarbageCollector(inventory, store, TimeProvider.System).RunAsync(TimeSpan.Zero, dryRun: false, null, default);

        Assert.Equal([1000, 1000, 1], inventory.DeleteCalls);
        Assert.Equal(garbage.Count, report.Removed.Count);
        Assert.Equal(kept.Select(b => b.Digest).Order(DigestOrder.Instance), inventory.Blobs.Keys.Order(DigestOrder.Instance));
        Assert.Empty(store.Tombstones);
    }

    private sealed class DigestOrder : IComparer<Digest>
    {
        public static readonly DigestOrder Instance = new();

        public int Compare(Digest x, Digest y) => string.CompareOrdinal(x.ToString(), y.ToString());
    }

    private sealed class Inventory(IEnumerable<StoredBlob> blobs) : IBlobInventory
    {
        public Dictionary<Digest, StoredBlob> Blobs { get; } = blobs.ToDictionary(b => b.Digest);

        public List<int> DeleteCalls { get; } = [];

        public async IAsyncEnumerable<StoredBlob> ListBlobsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var blob in Blobs.Values.ToList())
            {
                await Task.Yield();
                yield return blob;
            }
        }

        public async IAsyncEnumerable<StagedArea> ListStagedAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Yield();
            yield break;
        }

        public ValueTask DeleteBlobsAsync(IReadOnlyList<Digest> digests, CancellationToken cancellationToken)
        {
            DeleteCalls.Add(digests.Count);
            foreach (var digest in digests)
            {
                Blobs.Remove(digest);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask DeleteStagedAsync(string uploadId, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<(int Count, long Bytes)> CollectLeftoversAsync(Berth.Core.Blobs.StagedUpload upload, DateTimeOffset cutoff, bool dryRun, CancellationToken cancellationToken) =>
            ValueTask.FromResult((0, 0L));

        public ValueTask<int> AbortUnfinishedAsync(DateTimeOffset cutoff, bool dryRun, CancellationToken cancellationToken) => ValueTask.FromResult(0);
    }

    /// <summary>The metadata side in memory: what is referenced is fixed; candidates and tombstones as the SQL store keeps them.</summary>
    private sealed class Store(IReadOnlySet<Digest> referenced) : IGarbageCollectionStore
    {
        private readonly Dictionary<Digest, (StoredBlob Blob, DateTimeOffset Since)> _candidates = [];

        public Dictionary<Digest, StoredBlob> Tombstones { get; } = [];

        public ValueTask<IReadOnlySet<Digest>> ListReferencedAsync(DateTimeOffset linkCutoff, CancellationToken cancellationToken) => ValueTask.FromResult(referenced);

        public ValueTask<IReadOnlyList<UnreferencedLink>> ListUnreferencedLinksAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<UnreferencedLink>>([]);

        public ValueTask<IReadOnlyList<UnreferencedLink>> UnlinkAsync(IReadOnlyList<UnreferencedLink> links, DateTimeOffset cutoff, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<UnreferencedLink>>([]);

        public ValueTask<IReadOnlySet<string>> ListUploadIdsAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IReadOnlySet<string>>(new HashSet<string>());

        public ValueTask<IReadOnlyDictionary<Digest, DateTimeOffset>> ListCandidatesAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyDictionary<Digest, DateTimeOffset>>(_candidates.ToDictionary(c => c.Key, c => c.Value.Since));

        public ValueTask AddCandidatesAsync(IReadOnlyList<StoredBlob> blobs, DateTimeOffset since, CancellationToken cancellationToken)
        {
            foreach (var blob in blobs)
            {
                _candidates.TryAdd(blob.Digest, (blob, since));
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask RemoveCandidatesAsync(IReadOnlyList<Digest> digests, CancellationToken cancellationToken)
        {
            foreach (var digest in digests)
            {
                _candidates.Remove(digest);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask<IReadOnlyList<StoredBlob>> TombstoneAsync(IReadOnlyList<StoredBlob> blobs, DateTimeOffset now, CancellationToken cancellationToken)
        {
            var tombstoned = blobs.Where(b => _candidates.ContainsKey(b.Digest) && !referenced.Contains(b.Digest)).ToList();
            tombstoned.ForEach(b => Tombstones[b.Digest] = b);
            return ValueTask.FromResult<IReadOnlyList<StoredBlob>>(tombstoned);
        }

        public ValueTask<IReadOnlyList<StoredBlob>> ListTombstonesAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<StoredBlob>>([.. Tombstones.Values]);

        public ValueTask FinishAsync(IReadOnlyList<Digest> digests, CancellationToken cancellationToken)
        {
            foreach (var digest in digests)
            {
                Tombstones.Remove(digest);
                _candidates.Remove(digest);
            }

            return ValueTask.CompletedTask;
        }
    }
}
