using System.Security.Cryptography;

namespace Berth.Core.Credentials;

/// <summary>
/// Encrypts secrets at rest (secret access keys, the registry token key) with AES-256-GCM under a master key that is
/// kept outside the database. Output: 12-byte nonce, 16-byte tag, ciphertext. Safe for concurrent use.
/// </summary>
public sealed class SecretProtector
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private readonly byte[] _key;

    public SecretProtector(ReadOnlySpan<byte> masterKey)
    {
        if (masterKey.Length != 32)
        {
            throw new ArgumentException("The master key must be 32 bytes.", nameof(masterKey));
        }

        _key = masterKey.ToArray();
    }

    public byte[] Protect(ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[NonceBytes + TagBytes + plaintext.Length];
        var nonce = output.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceBytes + TagBytes), output.AsSpan(NonceBytes, TagBytes));
        return output;
    }

    /// <summary>Decrypts; throws <see cref="CryptographicException"/> when the data was not made with this key.</summary>
    public byte[] Unprotect(ReadOnlySpan<byte> protectedData)
    {
        if (protectedData.Length < NonceBytes + TagBytes)
        {
            throw new CryptographicException("The protected data is truncated.");
        }

        var plaintext = new byte[protectedData.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(_key, TagBytes);
        aes.Decrypt(protectedData[..NonceBytes], protectedData[(NonceBytes + TagBytes)..], protectedData.Slice(NonceBytes, TagBytes), plaintext);
        return plaintext;
    }
}
