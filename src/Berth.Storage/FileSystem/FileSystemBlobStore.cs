using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.Errors;
using Microsoft.Win32.SafeHandles;

namespace Berth.Storage.FileSystem;

/// <summary>
/// Blobs on a local filesystem. Layout under the root:
/// <code>
/// &lt;root&gt;/
///   sha256/ab/abcdef0123…      one file per blob, named by its digest, fanned out by its first two hex digits
///   sha512/…                   the same for sha512 digests
///   _uploads/&lt;upload id&gt;      staged bytes of an upload in progress
/// </code>
/// Uploads and blobs share one filesystem so that a commit is a rename: the staged file is fsynced, renamed to its
/// address, and the directory fsynced, so after a crash at any point a blob path holds the whole verified blob or
/// nothing. Directories are created 0700 and files 0600 (<see cref="PrivateFiles"/>): a commit renames the staged
/// file, so a blob keeps the staged file's mode.
/// </summary>
internal sealed class FileSystemBlobStore : IBlobStore
{
    private readonly string _root;
    private readonly string _uploads;
    private bool _directIo;

    /// <param name="root">The directory of the layout above.</param>
    /// <param name="directIo">
    /// Write staged bytes with O_DIRECT where the filesystem supports it (the first refusal turns it off for the store),
    /// and read large blobs the page cache does not hold with it too (<see cref="UncachedReads"/>).
    /// </param>
    public FileSystemBlobStore(string root, bool directIo = false)
    {
        _directIo = directIo;
        _root = Path.GetFullPath(root);
        _uploads = Path.Combine(_root, "_uploads");
        PrivateFiles.CreateDirectory(_root);
        PrivateFiles.CreateDirectory(_uploads);
    }

    public long MinimumChunkBytes => 1;

    /// <summary>The root of the layout above.</summary>
    internal string Root => _root;

    /// <summary>Whether appends write with O_DIRECT (until the first append, whether they will try).</summary>
    internal bool UsesDirectIo => _directIo;

    /// <summary>Where staged uploads live.</summary>
    internal string UploadsDirectory => _uploads;

    public ValueTask<long?> FindSizeAsync(Digest digest, CancellationToken cancellationToken)
    {
        var info = new FileInfo(BlobPath(digest));
        return ValueTask.FromResult<long?>(info.Exists ? info.Length : null);
    }

    public ValueTask<Stream> OpenReadAsync(Digest digest, long offset, CancellationToken cancellationToken)
    {
        SafeFileHandle file;
        try
        {
            file = File.OpenHandle(BlobPath(digest), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new RegistryException(RegistryErrorCode.BlobUnknown, $"blob unknown to registry: {digest}");
        }

        try
        {
            if (_directIo && RandomAccess.GetLength(file) is var length && UncachedReads.ShouldBypass(file, length) && DirectIo.TryEnable(file))
            {
                return ValueTask.FromResult<Stream>(new DirectReadStream(file, offset, length));
            }

            var stream = new FileStream(file, FileAccess.Read, bufferSize: 0, isAsync: true);
            stream.Seek(offset, SeekOrigin.Begin);
            return ValueTask.FromResult<Stream>(stream);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public ValueTask<StagedUpload> BeginUploadAsync(string id, CancellationToken cancellationToken)
    {
        using (PrivateFiles.Create(StagedPath(id), FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None))
        {
        }

        return ValueTask.FromResult(new StagedUpload(id, 0));
    }

    public async ValueTask<StagedUpload> AppendAsync(StagedUpload upload, Stream source, CancellationToken cancellationToken)
    {
        using var file = OpenStagedHandle(upload);

        // Bytes past the recorded size come from an append that failed or was killed: drop them.
        if (RandomAccess.GetLength(file) != upload.Size)
        {
            RandomAccess.SetLength(file, upload.Size);
        }

        // Direct I/O when the filesystem takes it: on the machines measured (bench/RESULTS.md) the copy into the page
        // cache and its writeback were most of a push's CPU, 2–3 s of kernel time per GiB, against ~0.5 s direct.
        var direct = _directIo && DirectIo.TryEnable(file);
        _directIo = direct;
        var written = await StagedAppend.AppendAsync(file, upload.Size, direct, source, cancellationToken).ConfigureAwait(false);

        // No fsync here: the page cache survives a crash of this process, and an fsync per chunk cost ~0.13 s per
        // 10 MiB PATCH on this class of disk (chunked pushes ran at a fraction of monolithic ones). A machine crash
        // may lose the tail: the next append or the commit then finds the file shorter than the recorded size and
        // refuses the upload, and any bytes that came back wrong fail the final digest check. CommitAsync fsyncs.
        return upload with { Size = upload.Size + written };
    }

    public ValueTask<Stream> OpenStagedAsync(StagedUpload upload, CancellationToken cancellationToken)
    {
        try
        {
            var file = new FileStream(StagedPath(upload.Id), new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite,
                BufferSize = 0,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            });
            return ValueTask.FromResult<Stream>(new BoundedReadStream(file, upload.Size));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new RegistryException(RegistryErrorCode.BlobUploadUnknown, $"staged upload {upload.Id} is missing");
        }
    }

    public ValueTask CommitAsync(StagedUpload upload, Digest verified, CancellationToken cancellationToken)
    {
        var staged = StagedPath(upload.Id);
        var target = BlobPath(verified);
        if (File.Exists(target))
        {
            File.Delete(staged);
            return ValueTask.CompletedTask;
        }

        var directory = Path.GetDirectoryName(target)!;
        PrivateFiles.CreateDirectory(directory);
        using (var file = new FileStream(OpenStagedHandle(upload), FileAccess.ReadWrite, bufferSize: 0))
        {
            // Trailing bytes of a killed append (or an append's block padding) must not become part of the blob.
            if (file.Length != upload.Size)
            {
                file.SetLength(upload.Size);
            }

            file.Flush(flushToDisk: true);
        }

        try
        {
            File.Move(staged, target, overwrite: false);
        }
        catch (IOException) when (File.Exists(target))
        {
            // A concurrent upload of the same content won the race; its bytes are identical.
            File.Delete(staged);
        }

        DirectorySync.Flush(directory);
        return ValueTask.CompletedTask;
    }

    public ValueTask AbortAsync(StagedUpload upload, CancellationToken cancellationToken)
    {
        File.Delete(StagedPath(upload.Id));
        return ValueTask.CompletedTask;
    }

    public ValueTask DeleteAsync(Digest digest, CancellationToken cancellationToken)
    {
        File.Delete(BlobPath(digest));
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Opens the staged file of an upload that must hold at least its recorded bytes. A missing or shorter file
    /// (lost in a crash after the commit's rename, or removed by hand) is BLOB_UPLOAD_UNKNOWN: creating or extending
    /// it would fill the recorded range with zeros, which the running hash of an upload never saw, and a commit would
    /// then store those zeros under the client's digest.
    /// </summary>
    private SafeFileHandle OpenStagedHandle(StagedUpload upload)
    {
        SafeFileHandle file;
        try
        {
            file = File.OpenHandle(StagedPath(upload.Id), FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new RegistryException(RegistryErrorCode.BlobUploadUnknown, $"the staged bytes of upload {upload.Id} are missing");
        }

        if (RandomAccess.GetLength(file) < upload.Size)
        {
            file.Dispose();
            throw new RegistryException(RegistryErrorCode.BlobUploadUnknown, $"upload {upload.Id} holds {upload.Size} bytes but only part of them are staged");
        }

        return file;
    }

    internal string BlobPath(Digest digest) =>
        Path.Combine(_root, digest.Algorithm, digest.Hex[..2], digest.Hex);

    internal string StagedPath(string id)
    {
        // Ids are GUIDs made by the upload service; refuse anything else so a path can never leave the root.
        if (!Guid.TryParseExact(id, "D", out _))
        {
            throw new RegistryException(RegistryErrorCode.BlobUploadUnknown, $"blob upload unknown: {id}");
        }

        return Path.Combine(_uploads, id);
    }
}
