using System.Diagnostics.CodeAnalysis;

namespace Berth.Core.Content;

/// <summary>
/// A content digest, <c>algorithm:hex</c>, as defined by the OCI image spec (descriptor.md#digests).
/// Only <c>sha256</c> (64 hex digits) and <c>sha512</c> (128 hex digits) are accepted, lower-case hex only,
/// so every instance is canonical and can be used as a storage key.
/// </summary>
public readonly record struct Digest
{
    private Digest(string algorithm, string hex)
    {
        Algorithm = algorithm;
        Hex = hex;
    }

    public string Algorithm { get; }

    public string Hex { get; }

    public static Digest Parse(string value) =>
        TryParse(value, out var digest) ? digest : throw new FormatException($"'{value}' is not a valid digest");

    public static bool TryParse([NotNullWhen(true)] string? value, out Digest digest)
    {
        digest = default;
        if (value is null)
        {
            return false;
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        var algorithm = value[..colon];
        var hex = value[(colon + 1)..];
        var expected = algorithm switch
        {
            "sha256" => 64,
            "sha512" => 128,
            _ => -1,
        };
        if (expected < 0 || hex.Length != expected || !IsLowerHex(hex))
        {
            return false;
        }

        digest = new Digest(algorithm, hex);
        return true;
    }

    /// <summary>Builds a digest from a finished hash of the given algorithm.</summary>
    public static Digest FromHash(string algorithm, ReadOnlySpan<byte> hash) =>
        new(algorithm, Convert.ToHexStringLower(hash));

    /// <summary>The SHA-256 digest of a buffer (manifests; never used for blobs, which are streamed).</summary>
    public static Digest Sha256Of(ReadOnlySpan<byte> content) =>
        FromHash("sha256", System.Security.Cryptography.SHA256.HashData(content));

    public override string ToString() => Algorithm is null ? string.Empty : $"{Algorithm}:{Hex}";

    private static bool IsLowerHex(string hex)
    {
        foreach (var c in hex)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }
}
