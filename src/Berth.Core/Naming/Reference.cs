using System.Diagnostics.CodeAnalysis;
using Berth.Core.Content;

namespace Berth.Core.Naming;

/// <summary>The <c>&lt;reference&gt;</c> of a manifest URL: either a tag or a digest, never both.</summary>
public sealed record Reference
{
    private Reference(Tag? tag, Digest? digest)
    {
        Tag = tag;
        Digest = digest;
    }

    public Tag? Tag { get; }

    public Digest? Digest { get; }

    [MemberNotNullWhen(true, nameof(Digest))]
    [MemberNotNullWhen(false, nameof(Tag))]
    public bool IsDigest => Digest is not null;

    public static Reference Of(Tag tag) => new(tag, null);

    public static Reference Of(Digest digest) => new(null, digest);

    /// <summary>
    /// A value containing ':' must be a valid digest; anything else must be a valid tag.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out Reference? reference)
    {
        reference = null;
        if (value is null)
        {
            return false;
        }

        if (value.Contains(':', StringComparison.Ordinal))
        {
            if (!Content.Digest.TryParse(value, out var digest))
            {
                return false;
            }

            reference = Of(digest);
            return true;
        }

        if (!Naming.Tag.TryParse(value, out var tag))
        {
            return false;
        }

        reference = Of(tag);
        return true;
    }

    public override string ToString() => IsDigest ? Digest.Value.ToString() : Tag.Value;
}
