using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Berth.Core.Content;
using Berth.Core.Credentials;
using Berth.Core.Naming;
using Berth.Core.Registries;

namespace Berth.Core.Layers;

/// <summary>
/// Signs and checks the time-limited layer download URLs of GetDownloadUrlForLayer, Berth's stand-in for ECR's
/// pre-signed S3 URLs: an HMAC-SHA256 over registry, repository, digest and expiry, under a key of the registry's account shared by every node (kept
/// encrypted in the metadata store, apart from the registry token key). Checks run in constant time.
/// </summary>
public sealed class LayerDownloadSigner(SigningKeys keys, RegistryIdentity registry, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private const string KeySetting = "layer-download-key";

    /// <summary>A signature valid for <see cref="Lifetime"/>; returns it with its expiry.</summary>
    public async ValueTask<(string Signature, long Expires)> SignAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken)
    {
        var expires = (time.GetUtcNow() + Lifetime).ToUnixTimeSeconds();
        return (await SignAsync(repository, digest, expires, cancellationToken).ConfigureAwait(false), expires);
    }

    /// <summary>The signature for an expiry given in epoch seconds.</summary>
    public async ValueTask<string> SignAsync(RepositoryName repository, Digest digest, long expires, CancellationToken cancellationToken)
    {
        var key = await keys.GetAsync(registry.AccountId, KeySetting, cancellationToken).ConfigureAwait(false);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Payload(repository, digest, expires)));
    }

    /// <summary>
    /// Checks a URL's expiry and signature; the signature first, so a tampered URL never reads as expired. An account
    /// without a download key (it never signed a URL) gets <see cref="LayerDownloadCheck.Invalid"/> and no key is made.
    /// </summary>
    public async ValueTask<LayerDownloadCheck> CheckAsync(RepositoryName repository, Digest digest, string? expiresText, string? signature, CancellationToken cancellationToken)
    {
        if (!long.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var expires) ||
            signature is null || signature.Length != 64)
        {
            return LayerDownloadCheck.Invalid;
        }

        byte[] provided;
        try
        {
            provided = Convert.FromHexString(signature);
        }
        catch (FormatException)
        {
            return LayerDownloadCheck.Invalid;
        }

        // Found, never made: an account that never signed a URL has nothing to check against, and a forged URL naming
        // it must not make the store create a key (or the cache an entry) for it.
        var key = await keys.FindAsync(registry.AccountId, KeySetting, cancellationToken).ConfigureAwait(false);
        if (key is null || !CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, Payload(repository, digest, expires)), provided))
        {
            return LayerDownloadCheck.Invalid;
        }

        return time.GetUtcNow().ToUnixTimeSeconds() >= expires ? LayerDownloadCheck.Expired : LayerDownloadCheck.Valid;
    }

    private byte[] Payload(RepositoryName repository, Digest digest, long expires) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"layer-download\n{registry.AccountId}\n{registry.Region}\n{repository.Value}\n{digest}\n{expires}"));

}
