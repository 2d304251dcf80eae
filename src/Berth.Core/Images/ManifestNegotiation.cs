using Berth.Core.Content;
using Berth.Core.Manifests;

namespace Berth.Core.Images;

/// <summary>
/// Which form of a stored manifest a client that lists the manifest media types it accepts is served, as ECR answers
/// (user guide, image-manifest-formats): the stored one when it is accepted; pulled by tag, its conversion to the other
/// image manifest format (<see cref="ManifestConverter"/>) when that one is accepted and the content converts; pulled by
/// digest, never a conversion ("If you pull an image by digest, there is no translation available").
/// </summary>
public static class ManifestNegotiation
{
    /// <summary>
    /// The manifest to serve, or null when none of the <paramref name="accepted"/> types can be served. A converted
    /// manifest carries its own bytes, media type and digest (the SHA-256 of those bytes).
    /// </summary>
    public static StoredManifest? Select(StoredManifest stored, IReadOnlySet<string> accepted, bool byTag)
    {
        if (accepted.Contains(stored.MediaType))
        {
            return stored;
        }

        if (!byTag || ManifestConverter.CounterpartOf(stored.MediaType) is not { } target || !accepted.Contains(target))
        {
            return null;
        }

        var converted = ManifestConverter.TryConvert(stored.Content, stored.MediaType, target);
        return converted is null ? null : stored with { Digest = Digest.Sha256Of(converted), MediaType = target, Content = converted, Subject = null };
    }
}
