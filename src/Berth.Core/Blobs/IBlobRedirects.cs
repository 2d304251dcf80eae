using Berth.Core.Content;

namespace Berth.Core.Blobs;

/// <summary>
/// An optional port: a blob store that can hand clients a direct, time-limited URL of a stored blob, so a blob GET
/// answers with a redirect instead of streaming the bytes through the registry. Registered only when it is enabled.
/// </summary>
public interface IBlobRedirects
{
    /// <summary>A URL the client can GET the blob from, without further credentials, for a limited time.</summary>
    ValueTask<Uri> GetDownloadUriAsync(Digest digest, CancellationToken cancellationToken);
}
