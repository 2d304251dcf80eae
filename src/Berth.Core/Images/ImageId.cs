using Berth.Core.Content;

namespace Berth.Core.Images;

/// <summary>One entry of ECR's ListImages: a tag and the manifest it points at, or an untagged manifest.</summary>
public sealed record ImageId(Digest Digest, string? Tag)
{
    /// <summary>The keyset paging key: listings are ordered by digest, then tag (an untagged entry first).</summary>
    public string Key => Tag is null ? Digest.ToString() : $"{Digest} {Tag}";
}
