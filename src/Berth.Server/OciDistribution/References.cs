using Berth.Core.Content;
using Berth.Core.Errors;
using Berth.Core.Naming;

namespace Berth.Server.OciDistribution;

/// <summary>Parses URL references into domain values, answering 400 with the spec's code for malformed ones.</summary>
internal static class References
{
    public static Reference Manifest(string value)
    {
        if (Reference.TryParse(value, out var reference))
        {
            return reference;
        }

        throw value.Contains(':', StringComparison.Ordinal)
            ? new RegistryException(RegistryErrorCode.DigestInvalid, $"invalid digest '{value}'", new { Digest = value })
            : new RegistryException(RegistryErrorCode.TagInvalid, $"invalid tag '{value}'", new { Tag = value });
    }

    /// <summary>
    /// The reference of a GET or HEAD: a value that is neither a tag nor a digest names no manifest, so it is
    /// MANIFEST_UNKNOWN (404) as in distribution, whose route grammar never matches it; a malformed digest stays
    /// DIGEST_INVALID.
    /// </summary>
    public static Reference ManifestToRead(string value) =>
        Reference.TryParse(value, out var reference) || value.Contains(':', StringComparison.Ordinal)
            ? reference ?? Manifest(value)
            : throw new RegistryException(RegistryErrorCode.ManifestUnknown, $"manifest unknown: '{value}' is neither a tag nor a digest", new { Tag = value });

    public static Digest Digest(string? value) =>
        Core.Content.Digest.TryParse(value, out var digest)
            ? digest
            : throw new RegistryException(RegistryErrorCode.DigestInvalid, $"invalid digest '{value}'", new { Digest = value });
}
