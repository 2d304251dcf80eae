using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.Errors;

namespace Berth.Storage.S3;

/// <summary>
/// Object keys, under the configured prefix:
/// <code>
/// &lt;prefix&gt;/blobs/sha256/ab/abcdef0123…        one object per blob, named by its digest
/// &lt;prefix&gt;/uploads/&lt;upload id&gt;/&lt;piece&gt;       the pieces of an upload in progress
/// </code>
/// </summary>
internal sealed class S3KeyLayout(string? prefix)
{
    private readonly string _prefix = string.IsNullOrWhiteSpace(prefix) ? string.Empty : prefix.Trim().Trim('/') + "/";

    public string Blob(Digest digest) => $"{_prefix}blobs/{digest.Algorithm}/{digest.Hex[..2]}/{digest.Hex}";

    public string Uploads => _prefix + "uploads/";

    /// <summary>The key prefix under which every blob lives.</summary>
    public string Blobs => _prefix + "blobs/";

    /// <summary>The digest a blob key names, if <paramref name="key"/> is one (<see cref="Blob"/>'s inverse).</summary>
    public bool TryParseBlob(string key, out Digest digest)
    {
        digest = default;
        if (!key.StartsWith(Blobs, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = key[Blobs.Length..].Split('/');
        return parts.Length == 3 && parts[2].StartsWith(parts[1], StringComparison.Ordinal) && parts[1].Length == 2
            && Digest.TryParse($"{parts[0]}:{parts[2]}", out digest);
    }

    /// <summary>The upload id a piece key belongs to, if <paramref name="key"/> is under <see cref="Uploads"/>.</summary>
    public string? UploadIdOf(string key)
    {
        if (!key.StartsWith(Uploads, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = key.AsSpan(Uploads.Length);
        var slash = rest.IndexOf('/');
        var id = (slash < 0 ? rest : rest[..slash]).ToString();
        return Guid.TryParseExact(id, "D", out _) ? id : null;
    }

    /// <summary>The key prefix of one upload's pieces; upload ids are GUIDs, anything else is refused.</summary>
    public string Upload(string id)
    {
        if (!Guid.TryParseExact(id, "D", out _))
        {
            throw new RegistryException(RegistryErrorCode.BlobUploadUnknown, $"blob upload unknown: {id}");
        }

        return $"{_prefix}uploads/{id}/";
    }

    public string Piece(StagedUpload upload, S3Piece piece) => Upload(upload.Id) + piece.Name;
}
