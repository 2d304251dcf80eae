using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Berth.Core.Blobs;
using Berth.Core.Errors;

namespace Berth.Storage.S3;

/// <summary>
/// What an upload in progress holds in the bucket: an ordered list of piece objects under
/// <c>&lt;prefix&gt;uploads/&lt;id&gt;/</c> whose concatenation is the staged bytes. Pieces of at least the 5 MiB
/// multipart minimum come first; the pieces after them are the pending tail, smaller than 5 MiB in total. The list is
/// <see cref="StagedUpload.BackendState"/>, persisted with the upload session, so the recorded list is the truth:
/// objects an interrupted append left behind are simply not in it.
/// Format: <c>s3v1</c> then <c>;name:size</c> per piece.
/// </summary>
internal sealed class S3StagedState
{
    private const string Version = "s3v1";
    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    private S3StagedState(List<S3Piece> pieces) => Pieces = pieces;

    public List<S3Piece> Pieces { get; }

    public long Size => Pieces.Sum(p => p.Size);

    /// <summary>Index of the first piece of the pending tail (pieces smaller than the part minimum).</summary>
    public int PendingIndex
    {
        get
        {
            var index = Pieces.Count;
            while (index > 0 && Pieces[index - 1].Size < S3BlobStore.MinimumPartBytes)
            {
                index--;
            }

            return index;
        }
    }

    public long PendingBytes => Pieces.Skip(PendingIndex).Sum(p => p.Size);

    public static S3StagedState Empty() => new([]);

    /// <summary>Reads the state of <paramref name="upload"/>; a state that does not add up is BLOB_UPLOAD_UNKNOWN.</summary>
    public static S3StagedState Parse(StagedUpload upload)
    {
        var text = upload.BackendState ?? string.Empty;
        var parts = text.Split(';');
        if (parts[0] != Version)
        {
            throw Unknown(upload, "its state was not written by the S3 blob store");
        }

        var pieces = new List<S3Piece>(parts.Length - 1);
        foreach (var part in parts.AsSpan(1))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0
                || !IsName(part.AsSpan(0, colon))
                || !long.TryParse(part.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var size)
                || size <= 0)
            {
                throw Unknown(upload, "its state is malformed");
            }

            pieces.Add(new S3Piece(part[..colon], size));
        }

        var state = new S3StagedState(pieces);
        if (state.Size != upload.Size)
        {
            throw Unknown(upload, $"its pieces hold {state.Size} bytes but the session records {upload.Size}");
        }

        return state;
    }

    /// <summary>A fresh piece name: random, so a retried append never overwrites a piece the recorded state lists.</summary>
    public static string NewPieceName() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public string Format()
    {
        var text = new StringBuilder(Version, 5 + (Pieces.Count * 28));
        foreach (var piece in Pieces)
        {
            text.Append(';').Append(piece.Name).Append(':').Append(piece.Size.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private static bool IsName(ReadOnlySpan<char> name) =>
        name.Length == 16 && !name.ContainsAnyExcept(LowerHex);

    private static RegistryException Unknown(StagedUpload upload, string why) =>
        new(RegistryErrorCode.BlobUploadUnknown, $"upload {upload.Id} cannot be continued: {why}");
}
