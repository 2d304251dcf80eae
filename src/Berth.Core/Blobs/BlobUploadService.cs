using System.Security.Cryptography;
using Berth.Core.Content;
using Berth.Core.Errors;
using Berth.Core.Naming;

namespace Berth.Core.Blobs;

/// <summary>
/// Blob uploads: begin, append, complete, cancel, mount. Every byte is hashed as it streams into the store; the
/// running hash of each open upload is kept in memory between requests. When this process did not see every staged
/// byte (after a restart, or when chunks went to another node), the chunk is stored without hashing and the staged
/// bytes are hashed once, at completion, as distribution's validateBlob does: chunks alternating between nodes cost
/// one read of the upload, not one per chunk.
/// Requests on one upload are serialized; different uploads proceed in parallel. An instance serves one registry
/// (a request's); the state of open uploads lives in the shared <see cref="OpenUploads"/>.
/// </summary>
public sealed class BlobUploadService(
    IBlobStore blobs,
    IUploadSessionStore sessions,
    IBlobLinkStore links,
    OpenUploads open,
    Registries.RegistryIdentity registry,
    Repositories.RepositoryService repositories,
    Registries.AccountSettingService accountSettings,
    TimeProvider time)
{

    /// <summary>How long a completion waits for a garbage-collection sweep of the same blob to end.</summary>
    public static readonly TimeSpan ReservationWait = TimeSpan.FromSeconds(30);

    public long MinimumChunkBytes => blobs.MinimumChunkBytes;

    /// <summary>Starts an upload into a repository that exists (or that a push may create).</summary>
    public async ValueTask<UploadSession> BeginAsync(RepositoryName repository, CancellationToken cancellationToken)
    {
        await repositories.EnsureForPushAsync(repository, cancellationToken).ConfigureAwait(false);
        var id = Guid.NewGuid().ToString("D");
        var now = time.GetUtcNow();

        // The session first, then the staged bytes: garbage collection lists staged bytes and then reads the sessions,
        // so staged bytes it finds without a session are never those of an upload being begun.
        var session = new UploadSession(id, registry, repository, new StagedUpload(id, 0), now, now);
        await sessions.CreateAsync(session, cancellationToken).ConfigureAwait(false);
        StagedUpload staged;
        try
        {
            staged = await blobs.BeginUploadAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await sessions.DeleteAsync(id, timeout.Token).ConfigureAwait(false);
            throw;
        }

        BlobUploadMetrics.InProgress.Add(1);
        if (staged == session.Staged)
        {
            return session;
        }

        session = session with { Staged = staged };
        await sessions.UpdateAsync(session, cancellationToken).ConfigureAwait(false);
        return session;
    }

    /// <summary>The session of an open upload in this repository of this registry; throws BLOB_UPLOAD_UNKNOWN otherwise.</summary>
    public async ValueTask<UploadSession> GetAsync(RepositoryName repository, string id, CancellationToken cancellationToken)
    {
        var session = await sessions.FindAsync(id, cancellationToken).ConfigureAwait(false);
        if (session is null || session.Registry != registry || session.Repository != repository)
        {
            throw new RegistryException(RegistryErrorCode.BlobUploadUnknown, $"blob upload unknown: {id}");
        }

        return session;
    }

    /// <summary>
    /// Appends a chunk. With a <paramref name="range"/>, it must start where the upload ends (else 416 with nothing
    /// written) and the body must be exactly that long; <paramref name="contentLength"/>, when given, must agree.
    /// </summary>
    public async ValueTask<UploadSession> AppendAsync(
        RepositoryName repository, string id, Stream body, ChunkRange? range, long? contentLength, CancellationToken cancellationToken)
    {
        var (session, hold) = await AcquireAsync(repository, id, cancellationToken).ConfigureAwait(false);
        await using (hold.ConfigureAwait(false))
        {
            return await AppendLockedAsync(session, hold.State, body, range, contentLength, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Appends an optional last chunk, verifies the whole upload against <paramref name="expected"/>, stores the blob
    /// at its address and links it to the repository. On a mismatch nothing is stored, the upload is discarded and
    /// DIGEST_INVALID is thrown.
    /// </summary>
    public async ValueTask<long> CompleteAsync(
        RepositoryName repository, string id, Digest expected, Stream? body, ChunkRange? range, long? contentLength, CancellationToken cancellationToken)
    {
        var (session, hold) = await AcquireAsync(repository, id, cancellationToken).ConfigureAwait(false);
        await using (hold.ConfigureAwait(false))
        {
            var state = hold.State;
            if (body is not null)
            {
                session = await AppendLockedAsync(session, state, body, range, contentLength, cancellationToken).ConfigureAwait(false);
            }

            var actual = await ComputeDigestAsync(session.Staged, state, expected.Algorithm, cancellationToken).ConfigureAwait(false);
            if (actual != expected)
            {
                await DiscardAsync(session).ConfigureAwait(false);
                throw new RegistryException(RegistryErrorCode.DigestInvalid, $"digest {expected} does not match the uploaded content ({actual})", new { Digest = expected.ToString() });
            }

            await ReserveAsync(id, expected, cancellationToken).ConfigureAwait(false);
            await blobs.CommitAsync(session.Staged, expected, cancellationToken).ConfigureAwait(false);
            if (!await links.LinkAsync(repository, expected, session.Staged.Size, cancellationToken).ConfigureAwait(false))
            {
                // The repository was deleted while the upload ran.
                await DiscardAsync(session).ConfigureAwait(false);
                throw Errors.EcrErrors.RepositoryMissing(repository.Value, registry.AccountId);
            }

            await sessions.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
            BlobUploadMetrics.InProgress.Add(-1);
            open.Forget(id, state);
            return session.Staged.Size;
        }
    }

    /// <summary>
    /// Stores a blob read from <paramref name="source"/> (a pull through cache's upstream) and links it to
    /// <paramref name="repository"/>, which must exist: the bytes go through an upload session like a push's, so a
    /// process killed midway leaves only a staged upload that the janitor removes, never a blob at its address. Bytes
    /// that do not hash to <paramref name="expected"/> or are not <paramref name="expectedSize"/> long are discarded
    /// and DIGEST_INVALID is thrown. Returns the size.
    /// </summary>
    public async ValueTask<long> ImportAsync(RepositoryName repository, Digest expected, long? expectedSize, Stream source, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("D");
        var now = time.GetUtcNow();
        var session = new UploadSession(id, registry, repository, new StagedUpload(id, 0), now, now);
        await sessions.CreateAsync(session, cancellationToken).ConfigureAwait(false);
        try
        {
            var staged = await blobs.BeginUploadAsync(id, cancellationToken).ConfigureAwait(false);
            session = session with { Staged = staged };
            using var hash = IncrementalHash.CreateHash(expected.Algorithm == "sha512" ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256);
            var hashing = new HashingStream(source, hash);
            await using (hashing.ConfigureAwait(false))
            {
                session = session with { Staged = await blobs.AppendAsync(staged, hashing, cancellationToken).ConfigureAwait(false) };
            }

            var actual = Digest.FromHash(expected.Algorithm, hash.GetHashAndReset());
            if (actual != expected || (expectedSize is { } size && size != session.Staged.Size))
            {
                throw new RegistryException(RegistryErrorCode.DigestInvalid,
                    $"upstream blob {expected} arrived as {actual} ({session.Staged.Size} bytes)", new { Digest = expected.ToString() });
            }

            await ReserveAsync(id, expected, cancellationToken).ConfigureAwait(false);
            await blobs.CommitAsync(session.Staged, expected, cancellationToken).ConfigureAwait(false);
            if (!await links.LinkAsync(repository, expected, session.Staged.Size, cancellationToken).ConfigureAwait(false))
            {
                throw Errors.EcrErrors.RepositoryMissing(repository.Value, registry.AccountId);
            }

            await sessions.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
            return session.Staged.Size;
        }
        catch
        {
            await DiscardAsync(session).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Cancels an upload and discards its bytes; throws BLOB_UPLOAD_UNKNOWN when there is none.</summary>
    public async ValueTask CancelAsync(RepositoryName repository, string id, CancellationToken cancellationToken)
    {
        var (session, hold) = await AcquireAsync(repository, id, cancellationToken).ConfigureAwait(false);
        await using (hold.ConfigureAwait(false))
        {
            await DiscardAsync(session).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Links a blob of <paramref name="from"/> into <paramref name="repository"/> (cross-repository mount).
    /// Returns the size, or null when the caller starts a normal upload instead: the registry's BLOB_MOUNTING setting
    /// is DISABLED, the two repositories are encrypted differently, or the source does not link the blob.
    /// See https://docs.aws.amazon.com/AmazonECR/latest/userguide/blob-mounting.html
    /// </summary>
    public async ValueTask<long?> MountAsync(RepositoryName repository, Digest digest, RepositoryName from, CancellationToken cancellationToken)
    {
        await repositories.EnsureForPushAsync(repository, cancellationToken).ConfigureAwait(false);
        if (!await accountSettings.IsBlobMountingEnabledAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var target = await repositories.FindAsync(repository, cancellationToken).ConfigureAwait(false);
        var source = await repositories.FindAsync(from, cancellationToken).ConfigureAwait(false);
        if (target is null || source is null
            || target.Settings.EncryptionType != source.Settings.EncryptionType || target.Settings.KmsKey != source.Settings.KmsKey)
        {
            return null;
        }

        var size = await links.FindAsync(from, digest, cancellationToken).ConfigureAwait(false);
        if (size is null || await blobs.FindSizeAsync(digest, cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        return await links.LinkAsync(repository, digest, size.Value, cancellationToken).ConfigureAwait(false) ? size : null;
    }

    /// <summary>
    /// Links a blob a repository of this registry already links, whichever pushed it (automatic cross-mount, off by default).
    /// Null, as for <see cref="MountAsync"/>, when BLOB_MOUNTING is DISABLED or the store does not hold the blob.
    /// </summary>
    public async ValueTask<long?> MountExistingAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken)
    {
        await repositories.EnsureForPushAsync(repository, cancellationToken).ConfigureAwait(false);
        if (!await accountSettings.IsBlobMountingEnabledAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        // Only blobs of this registry: another account's or region's content is never reachable by digest.
        var size = await links.FindInRegistryAsync(digest, cancellationToken).ConfigureAwait(false);
        if (size is null || await blobs.FindSizeAsync(digest, cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        return await links.LinkAsync(repository, digest, size.Value, cancellationToken).ConfigureAwait(false) ? size : null;
    }

    /// <summary>
    /// Holds the upload (in this process and across nodes) and reads its session. An unknown id leaves nothing behind,
    /// so requests for made-up ids cannot grow the state table.
    /// </summary>
    private async ValueTask<(UploadSession Session, OpenUploads.Hold Hold)> AcquireAsync(RepositoryName repository, string id, CancellationToken cancellationToken)
    {
        var hold = await open.HoldAsync(id, cancellationToken).ConfigureAwait(false);
        try
        {
            return (await GetAsync(repository, id, cancellationToken).ConfigureAwait(false), hold);
        }
        catch
        {
            open.ForgetIfEmpty(id, hold.State);
            await hold.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async ValueTask<UploadSession> AppendLockedAsync(
        UploadSession session, OpenUploads.UploadState state, Stream body, ChunkRange? range, long? contentLength, CancellationToken cancellationToken)
    {
        var size = session.Staged.Size;
        if (range is { } r)
        {
            if (r.Start != size)
            {
                throw new RegistryException(RegistryErrorCode.RangeInvalid, $"chunk starts at {r.Start} but the upload holds {size} bytes", new RangeDetail(size));
            }

            if (contentLength is { } length && length != r.Length)
            {
                throw new RegistryException(RegistryErrorCode.SizeInvalid, $"Content-Length {length} does not match Content-Range {r.Start}-{r.End}");
            }
        }

        var hash = RunningHash(session.Staged, state);
        var counting = new HashingStream(body, hash);
        StagedUpload staged;
        try
        {
            staged = await blobs.AppendAsync(session.Staged, counting, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The hash has seen bytes the session will not record; rebuild it from the store next time.
            state.Reset();
            throw;
        }

        var written = counting.BytesRead;
        BlobUploadMetrics.BytesPushed.Add(written);
        var expected = range?.Length ?? contentLength;
        if (expected is { } e && written != e)
        {
            state.Reset();
            throw new RegistryException(RegistryErrorCode.SizeInvalid, $"received {written} bytes but {e} were announced");
        }

        if (hash is not null)
        {
            state.Offset = staged.Size;
        }

        var updated = session with { Staged = staged, UpdatedAt = time.GetUtcNow() };
        await sessions.UpdateAsync(updated, cancellationToken).ConfigureAwait(false);
        return updated;
    }

    /// <summary>
    /// The hash to continue with this chunk: the running one when this process saw every staged byte, a new one for an
    /// empty upload, else none (the state is dropped and <see cref="EnsureHashAsync"/> reads the staged bytes at completion).
    /// </summary>
    private static IncrementalHash? RunningHash(StagedUpload staged, OpenUploads.UploadState state)
    {
        if (state.Hash is not null && state.Offset == staged.Size)
        {
            return state.Hash;
        }

        state.Reset();
        if (staged.Size > 0)
        {
            return null;
        }

        state.Hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        return state.Hash;
    }

    private async ValueTask EnsureHashAsync(StagedUpload staged, OpenUploads.UploadState state, CancellationToken cancellationToken)
    {
        if (state.Hash is not null && state.Offset == staged.Size)
        {
            return;
        }

        state.Reset();
        state.Hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (staged.Size > 0)
        {
            await HashStagedAsync(staged, state.Hash, cancellationToken).ConfigureAwait(false);
        }

        state.Offset = staged.Size;
    }

    private async ValueTask<Digest> ComputeDigestAsync(StagedUpload staged, OpenUploads.UploadState state, string algorithm, CancellationToken cancellationToken)
    {
        if (algorithm == "sha256")
        {
            await EnsureHashAsync(staged, state, cancellationToken).ConfigureAwait(false);
            return Digest.FromHash("sha256", state.Hash!.GetCurrentHash());
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        await HashStagedAsync(staged, hash, cancellationToken).ConfigureAwait(false);
        return Digest.FromHash(algorithm, hash.GetCurrentHash());
    }

    private async ValueTask HashStagedAsync(StagedUpload staged, IncrementalHash hash, CancellationToken cancellationToken)
    {
        var stream = await blobs.OpenStagedAsync(staged, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var hashing = new HashingStream(stream, hash);
            await hashing.CopyToAsync(Stream.Null, 128 * 1024, cancellationToken).ConfigureAwait(false);
        }
    }

    private ValueTask DiscardAsync(UploadSession session) => open.DiscardAsync(session);

    /// <summary>
    /// Reserves the digest for this upload before its bytes are committed, so that garbage collection cannot delete
    /// the blob between the commit (which keeps a blob already at the address) and the link. While a sweep is deleting
    /// this very blob (it was unreferenced past the grace period) the reservation waits for the sweep's batch to end;
    /// the commit then writes the upload's own bytes. A sweep is a few seconds at most, so after
    /// <see cref="ReservationWait"/> the client is told to retry.
    /// </summary>
    private async ValueTask ReserveAsync(string id, Digest digest, CancellationToken cancellationToken)
    {
        var waited = TimeSpan.Zero;
        var pause = TimeSpan.FromMilliseconds(50);
        while (!await sessions.ReserveDigestAsync(id, digest, cancellationToken).ConfigureAwait(false))
        {
            if (waited >= ReservationWait)
            {
                throw new RegistryException(RegistryErrorCode.TooManyRequests, $"blob {digest} is being garbage-collected; retry the upload's completion");
            }

            await Task.Delay(pause, time, cancellationToken).ConfigureAwait(false);
            waited += pause;
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 1000));
        }
    }

    /// <summary>Detail of a 416: how many bytes the upload holds, so the edge can answer with its Range.</summary>
    public sealed record RangeDetail(long Size);
}
