using System.Runtime.CompilerServices;
using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.GarbageCollection;

namespace Berth.Storage.FileSystem;

/// <summary>
/// Garbage collection's view of a <see cref="FileSystemBlobStore"/>: a walk of its layout (one stat per file, as
/// the directory enumeration gives it), deletions one unlink each. Files that are not named as the layout names them
/// (a digest under its fan-out directory, a GUID under <c>_uploads</c>) are neither listed nor touched.
/// </summary>
internal sealed class FileSystemBlobInventory(FileSystemBlobStore store) : IBlobInventory
{
    private static readonly string[] Algorithms = ["sha256", "sha512"];

    public async IAsyncEnumerable<StoredBlob> ListBlobsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var algorithm in Algorithms)
        {
            var directory = new DirectoryInfo(Path.Combine(store.Root, algorithm));
            if (!directory.Exists)
            {
                continue;
            }

            foreach (var fanOut in directory.EnumerateDirectories())
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var file in fanOut.EnumerateFiles())
                {
                    if (file.Name.StartsWith(fanOut.Name, StringComparison.Ordinal)
                        && Digest.TryParse($"{algorithm}:{file.Name}", out var digest)
                        && TryStat(file, out var size, out var modified))
                    {
                        yield return new StoredBlob(digest, size, modified);
                    }
                }

                // A directory walk is CPU-bound here; let the caller's other work in between fan-out directories.
                await Task.Yield();
            }
        }
    }

    public async IAsyncEnumerable<StagedArea> ListStagedAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var directory = new DirectoryInfo(store.UploadsDirectory);
        if (!directory.Exists)
        {
            yield break;
        }

        foreach (var file in directory.EnumerateFiles())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Guid.TryParseExact(file.Name, "D", out _) && TryStat(file, out _, out var modified))
            {
                yield return new StagedArea(file.Name, modified);
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public ValueTask DeleteBlobsAsync(IReadOnlyList<Digest> digests, CancellationToken cancellationToken)
    {
        foreach (var digest in digests)
        {
            cancellationToken.ThrowIfCancellationRequested();
            File.Delete(store.BlobPath(digest));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DeleteStagedAsync(string uploadId, CancellationToken cancellationToken)
    {
        File.Delete(store.StagedPath(uploadId));
        return ValueTask.CompletedTask;
    }

    public ValueTask<(int Count, long Bytes)> CollectLeftoversAsync(StagedUpload upload, DateTimeOffset cutoff, bool dryRun, CancellationToken cancellationToken) =>
        ValueTask.FromResult((0, 0L));

    public ValueTask<int> AbortUnfinishedAsync(DateTimeOffset cutoff, bool dryRun, CancellationToken cancellationToken) => ValueTask.FromResult(0);

    /// <summary>Size and write time of a file that may vanish meanwhile (committed, deleted); false then.</summary>
    private static bool TryStat(FileInfo file, out long size, out DateTimeOffset modified)
    {
        try
        {
            size = file.Length;
            modified = file.LastWriteTimeUtc;
            return true;
        }
        catch (FileNotFoundException)
        {
            size = 0;
            modified = default;
            return false;
        }
    }
}
