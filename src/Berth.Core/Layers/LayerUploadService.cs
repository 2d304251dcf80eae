using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.Errors;
using Berth.Core.Naming;
using Berth.Core.Repositories;

namespace Berth.Core.Layers;

/// <summary>
/// The ECR layer upload (InitiateLayerUpload, UploadLayerPart, CompleteLayerUpload) over the same upload sessions as
/// /v2/ blob uploads: bytes stream into the staged upload and are hashed as they go. ECR's rules are added on top:
/// parts are contiguous, at most 10 MiB (ECR's and ECR Public's "maximum layer part size" quota), and every part but
/// the last is at least 5 MiB (checked at completion).
/// Every failure leaves the store as it was: a refused part writes nothing, a refused completion stores no blob.
/// </summary>
public sealed class LayerUploadService(BlobUploadService uploads, IBlobLinkStore links, ILayerStore layers, RepositoryService repositories)
{
    /// <summary>The part size reported by InitiateLayerUpload: the maximum.</summary>
    public const long PartSize = 10 * 1024 * 1024;

    /// <summary>Every part but the last must be at least this long (LayerPartTooSmallException).</summary>
    public const long MinimumPartBytes = 5 * 1024 * 1024;

    /// <summary>
    /// The largest part: ECR's service quota "maximum layer part size", 10 MiB (the model's LayerPartBlob allows 20 MiB,
    /// the quota is lower). A larger part is InvalidLayerPartException, and its length is checked before its bytes are read.
    /// </summary>
    public const long MaximumPartBytes = 10 * 1024 * 1024;

    private string RegistryId => repositories.Registry.AccountId;

    /// <summary>Starts an upload; the repository must exist (ECR never creates one here).</summary>
    public async ValueTask<string> InitiateAsync(RepositoryName repository, CancellationToken cancellationToken)
    {
        await repositories.GetAsync(repository, cancellationToken).ConfigureAwait(false);
        var session = await uploads.BeginAsync(repository, cancellationToken).ConfigureAwait(false);
        return session.Id;
    }

    /// <summary>
    /// Appends one part of <paramref name="length"/> bytes covering [<paramref name="firstByte"/>, <paramref name="lastByte"/>].
    /// Returns the last byte the upload now holds. Throws InvalidLayerPartException (with a <see cref="LayerPartDetail"/>)
    /// when the part does not start where the upload ends or its size is not valid, UploadNotFoundException for an
    /// unknown upload.
    /// </summary>
    public async ValueTask<long> UploadPartAsync(
        RepositoryName repository, string uploadId, long firstByte, long lastByte, Stream part, long length, CancellationToken cancellationToken)
    {
        await repositories.GetAsync(repository, cancellationToken).ConfigureAwait(false);
        var session = await FindSessionAsync(repository, uploadId, cancellationToken).ConfigureAwait(false);
        var size = session.Staged.Size;
        if (firstByte != size)
        {
            throw InvalidPart(repository, uploadId, size, $"The part's first byte {firstByte} is not consecutive to the last byte received ({size - 1})");
        }

        if (length == 0 || length > MaximumPartBytes || lastByte - firstByte + 1 != length)
        {
            throw InvalidPart(repository, uploadId, size, $"The layer part size is not valid: bytes {firstByte}-{lastByte} announced, {length} received (a part holds 1 to {MaximumPartBytes} bytes)");
        }

        // Recorded before the bytes: if the append then fails, the recorded part is simply empty.
        var parts = await layers.FindPartsAsync(uploadId, cancellationToken).ConfigureAwait(false);
        var previous = parts is null ? 0 : size - parts.LastPartStart;
        var small = (parts?.SmallPartBefore ?? false) || (previous > 0 && previous < MinimumPartBytes);
        await layers.SavePartsAsync(uploadId, new LayerParts(firstByte, small), cancellationToken).ConfigureAwait(false);
        try
        {
            var updated = await uploads.AppendAsync(repository, uploadId, part, new ChunkRange(firstByte, lastByte), length, cancellationToken).ConfigureAwait(false);
            return updated.Staged.Size - 1;
        }
        catch (RegistryException e) when (e.Error == RegistryErrorCode.RangeInvalid || e.Error == RegistryErrorCode.SizeInvalid)
        {
            // Another part won the race for this offset, or the body was not as long as announced.
            var held = e.Detail is BlobUploadService.RangeDetail detail ? detail.Size : size;
            throw InvalidPart(repository, uploadId, held, $"The layer part {firstByte}-{lastByte} is not valid: {e.Message}");
        }
        catch (RegistryException e) when (e.Error == RegistryErrorCode.BlobUploadUnknown)
        {
            throw UploadMissing(repository, uploadId);
        }
    }

    /// <summary>
    /// Verifies the upload against <paramref name="digestText"/> and stores the layer in the repository. Throws
    /// EmptyUploadException, LayerPartTooSmallException, LayerAlreadyExistsException (the upload stays open) or
    /// InvalidLayerException (nothing is stored and the upload is discarded, as on /v2/).
    /// </summary>
    public async ValueTask<Digest> CompleteAsync(RepositoryName repository, string uploadId, string digestText, CancellationToken cancellationToken)
    {
        await repositories.GetAsync(repository, cancellationToken).ConfigureAwait(false);
        var session = await FindSessionAsync(repository, uploadId, cancellationToken).ConfigureAwait(false);
        if (session.Staged.Size == 0)
        {
            throw new RegistryException(EcrErrors.EmptyUpload, $"The upload with id '{uploadId}' does not contain any layer parts");
        }

        var parts = await layers.FindPartsAsync(uploadId, cancellationToken).ConfigureAwait(false);
        if (parts is { SmallPartBefore: true })
        {
            throw new RegistryException(EcrErrors.LayerPartTooSmall, $"Layer parts must be at least {MinimumPartBytes / 1024 / 1024} MiB in size, except for the last one (upload '{uploadId}')");
        }

        if (!Digest.TryParse(digestText, out var digest) || digest.Algorithm != "sha256")
        {
            throw new RegistryException(EcrErrors.InvalidLayer, $"Invalid layer digest '{digestText}': a sha256 digest is expected");
        }

        if (await links.FindAsync(repository, digest, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new RegistryException(EcrErrors.LayerAlreadyExists,
                $"The layer with digest '{digest}' already exists in the repository with name '{repository}' in the registry with id '{RegistryId}'");
        }

        try
        {
            await uploads.CompleteAsync(repository, uploadId, digest, null, null, null, cancellationToken).ConfigureAwait(false);
            return digest;
        }
        catch (RegistryException e) when (e.Error == RegistryErrorCode.DigestInvalid)
        {
            throw new RegistryException(EcrErrors.InvalidLayer,
                $"The layer digest calculated for the upload with id '{uploadId}' does not match the digest specified ({digest})");
        }
        catch (RegistryException e) when (e.Error == RegistryErrorCode.BlobUploadUnknown)
        {
            throw UploadMissing(repository, uploadId);
        }
    }

    private async ValueTask<UploadSession> FindSessionAsync(RepositoryName repository, string uploadId, CancellationToken cancellationToken)
    {
        try
        {
            return await uploads.GetAsync(repository, uploadId, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.Error == RegistryErrorCode.BlobUploadUnknown)
        {
            throw UploadMissing(repository, uploadId);
        }
    }

    private RegistryException UploadMissing(RepositoryName repository, string uploadId) =>
        new(EcrErrors.UploadNotFound, $"The upload with id '{uploadId}' does not exist in the repository with name '{repository}' in the registry with id '{RegistryId}'");

    private RegistryException InvalidPart(RepositoryName repository, string uploadId, long held, string message) =>
        new(EcrErrors.InvalidLayerPart, message, new LayerPartDetail(RegistryId, repository.Value, uploadId, Math.Max(held - 1, 0)));
}
