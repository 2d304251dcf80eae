using System.Security.Cryptography;
using Berth.Storage.FileSystem;
using Microsoft.Data.Sqlite;

namespace Berth.Storage;

/// <summary>
/// A consistent copy of the embedded store (SQLite metadata + filesystem blobs) taken while the server runs, and its
/// restore into a fresh data directory. A backup directory holds <c>berth.db</c>, <c>master.key</c> (when the key is a
/// file) and <c>blobs/&lt;algorithm&gt;/&lt;xx&gt;/&lt;hex&gt;</c>, the blob store's own layout.
/// <para>
/// Order: the metadata snapshot first (SQLite's online backup API: one read transaction, so writers go on), then the
/// blobs. Every blob a snapshot row refers to was committed (renamed into place, whole and verified) before that row
/// was, and blob files never change, so copying the blob tree afterwards finds every one of them with the same bytes;
/// blobs pushed after the snapshot are copied too and are unreferenced there (garbage collection reclaims them after a
/// restore). The other order could miss a blob pushed between the copy and the snapshot that the snapshot refers to.
/// The one way a referenced blob can vanish meanwhile is garbage collection after an image delete and the grace period;
/// the backup then fails, naming it (<see cref="BackupReport.Missing"/>). Uploads in progress are not kept: their
/// staged bytes are still changing, so their sessions are removed from the copy (clients start them again).
/// </para>
/// </summary>
public static class EmbeddedBackup
{
    public const string DatabaseFile = "berth.db";
    public const string MasterKeyFile = "master.key";
    public const string BlobsDirectory = "blobs";
    private const string StagingDirectory = "_uploads";
    private const int CopyBufferBytes = 256 * 1024;

    /// <summary>What a backup copied; <see cref="Missing"/> lists referenced digests it could not find (a failed backup).</summary>
    public sealed record BackupReport(int BlobsCopied, int BlobsSkipped, long BytesCopied, IReadOnlyList<string> Missing);

    /// <summary>
    /// Copies the store into <paramref name="destination"/> (created 0700; an earlier backup there is updated: blobs it
    /// already holds are kept). <paramref name="progress"/> gets (blobs done, blobs total) after each blob.
    /// </summary>
    public static async Task<BackupReport> BackupAsync(
        string databasePath, string blobRoot, string? masterKeyPath, string destination, IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        if (!File.Exists(databasePath))
        {
            throw new FileNotFoundException($"no database at {databasePath}", databasePath);
        }

        PrivateFiles.CreateDirectory(destination);
        var snapshot = Path.Combine(destination, DatabaseFile);
        await SnapshotAsync(databasePath, snapshot, cancellationToken).ConfigureAwait(false);
        if (masterKeyPath is not null && File.Exists(masterKeyPath))
        {
            await CopyFileAsync(masterKeyPath, Path.Combine(destination, MasterKeyFile), null, cancellationToken).ConfigureAwait(false);
        }

        var target = Path.Combine(destination, BlobsDirectory);
        var blobs = ListBlobs(blobRoot).ToList();
        int copied = 0, skipped = 0;
        long bytes = 0;
        for (var i = 0; i < blobs.Count; i++)
        {
            var relative = Path.GetRelativePath(blobRoot, blobs[i]);
            var copy = Path.Combine(target, relative);
            var length = new FileInfo(blobs[i]).Length;
            if (File.Exists(copy) && new FileInfo(copy).Length == length)
            {
                skipped++;
            }
            else
            {
                PrivateFiles.CreateDirectory(Path.GetDirectoryName(copy)!);
                await CopyFileAsync(blobs[i], copy, Path.GetFileName(blobs[i]), cancellationToken).ConfigureAwait(false);
                copied++;
                bytes += length;
            }

            progress?.Report((i + 1, blobs.Count));
        }

        var missing = await ReferencedDigestsAsync(snapshot, cancellationToken).ConfigureAwait(false);
        missing.RemoveAll(digest => File.Exists(BlobPath(target, digest)));
        return new BackupReport(copied, skipped, bytes, missing);
    }

    /// <summary>
    /// Restores a backup into a data directory that holds no database yet (created 0700, files 0600). Throws
    /// InvalidOperationException when the directory already has one or the copy fails SQLite's integrity check.
    /// </summary>
    public static async Task RestoreAsync(string backup, string databasePath, string blobRoot, string masterKeyPath, CancellationToken cancellationToken)
    {
        var source = Path.Combine(backup, DatabaseFile);
        if (!File.Exists(source))
        {
            throw new InvalidOperationException($"{backup} is not a Berth backup: it has no {DatabaseFile}");
        }

        if (File.Exists(databasePath))
        {
            throw new InvalidOperationException($"{databasePath} exists: restore only into a fresh data directory");
        }

        PrivateFiles.CreateDirectory(Path.GetDirectoryName(databasePath)!);
        await CopyFileAsync(source, databasePath, null, cancellationToken).ConfigureAwait(false);
        var key = Path.Combine(backup, MasterKeyFile);
        if (File.Exists(key))
        {
            PrivateFiles.CreateDirectory(Path.GetDirectoryName(masterKeyPath)!);
            await CopyFileAsync(key, masterKeyPath, null, cancellationToken).ConfigureAwait(false);
        }

        var blobs = Path.Combine(backup, BlobsDirectory);
        PrivateFiles.CreateDirectory(blobRoot);
        if (Directory.Exists(blobs))
        {
            foreach (var file in Directory.EnumerateFiles(blobs, "*", SearchOption.AllDirectories))
            {
                var copy = Path.Combine(blobRoot, Path.GetRelativePath(blobs, file));
                PrivateFiles.CreateDirectory(Path.GetDirectoryName(copy)!);
                await CopyFileAsync(file, copy, Path.GetFileName(file), cancellationToken).ConfigureAwait(false);
            }
        }

        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check";
        var result = (string?)await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (result != "ok")
        {
            throw new InvalidOperationException($"the restored database fails SQLite's integrity check: {result}");
        }
    }

    private static async Task SnapshotAsync(string databasePath, string snapshot, CancellationToken cancellationToken)
    {
        var temporary = snapshot + ".tmp";
        File.Delete(temporary);
        using (PrivateFiles.Create(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None))
        {
            // Created 0600 here: SQLite then writes into the file as it is.
        }

        var builder = new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 60 };
        await using (var source = new SqliteConnection(builder.ToString()))
        await using (var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = temporary, Pooling = false }.ToString()))
        {
            await source.OpenAsync(cancellationToken).ConfigureAwait(false);
            await copy.OpenAsync(cancellationToken).ConfigureAwait(false);

            // sqlite3_backup_step(-1): every page in one step, under one read transaction of the source.
            source.BackupDatabase(copy);
            await using var forget = copy.CreateCommand();
            forget.CommandText = "DELETE FROM ecr_layer_parts; DELETE FROM upload_sessions; PRAGMA journal_mode = DELETE;";
            await forget.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        File.Move(temporary, snapshot, overwrite: true);
    }

    private static async Task<List<string>> ReferencedDigestsAsync(string snapshot, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = snapshot, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT digest FROM blob_links";
        var digests = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            digests.Add(reader.GetString(0));
        }

        return digests;
    }

    /// <summary>The committed blobs (not the staged uploads) under the blob store's root.</summary>
    private static IEnumerable<string> ListBlobs(string blobRoot) =>
        Directory.Exists(blobRoot)
            ? Directory.EnumerateDirectories(blobRoot)
                .Where(d => Path.GetFileName(d) != StagingDirectory)
                .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            : [];

    private static string BlobPath(string root, string digest)
    {
        var colon = digest.IndexOf(':', StringComparison.Ordinal);
        var hex = digest[(colon + 1)..];
        return Path.Combine(root, digest[..colon], hex[..2], hex);
    }

    /// <summary>
    /// Copies through a temporary name renamed into place (0600). With <paramref name="expectedHex"/> (a blob's file
    /// name, the hex of its SHA-256 digest) the bytes are hashed on the way and a mismatch throws instead of copying.
    /// </summary>
    private static async Task CopyFileAsync(string source, string destination, string? expectedHex, CancellationToken cancellationToken)
    {
        var temporary = destination + ".tmp";
        using var hash = expectedHex is { Length: 64 } ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
        try
        {
            var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            await using (input.ConfigureAwait(false))
            {
                var output = PrivateFiles.Create(temporary, FileMode.Create, FileAccess.Write, FileShare.None, FileOptions.None);
                await using (output.ConfigureAwait(false))
                {
                    int read;
                    while ((read = await input.ReadAsync(buffer.AsMemory(0, CopyBufferBytes), cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        hash?.AppendData(buffer, 0, read);
                        await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    }

                    await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                    output.Flush(flushToDisk: true);
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        if (hash is not null && !string.Equals(Convert.ToHexStringLower(hash.GetHashAndReset()), expectedHex, StringComparison.Ordinal))
        {
            File.Delete(temporary);
            throw new InvalidDataException($"{source} does not hash to its name: the blob store is damaged");
        }

        File.Move(temporary, destination, overwrite: true);
    }
}
