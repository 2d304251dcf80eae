using System.Security.Cryptography;
using System.Text;

namespace Berth.Core.SigV4;

/// <summary>
/// A request whose signature inputs passed every check that needs no secret: what is left is to look up the secret of
/// <see cref="AccessKeyId"/> and compare signatures.
/// </summary>
internal sealed record PreparedSignature(
    string AccessKeyId,
    string ScopeDate,
    string Region,
    string Service,
    DateTimeOffset SignedAt,
    string ProvidedSignature,
    string? SessionToken,
    bool IsPresigned,
    string CanonicalRequest,
    string StringToSign,
    bool UnsignedTarget = false)
{
    /// <summary>
    /// Compares signatures in constant time; a null secret means the access key is unknown. A request whose
    /// X-Amz-Target is not signed never matches: the target names the operation, and a signature that does not cover it
    /// could be replayed as any other operation with the same body.
    /// </summary>
    public SigV4Result Complete(string? secretAccessKey)
    {
        if (secretAccessKey is null)
        {
            return SigV4Result.Failure(SigV4Error.UnrecognizedClient());
        }

        if (UnsignedTarget)
        {
            return SigV4Result.Failure(SigV4Error.SignatureMismatch());
        }

        var key = SigningKey.Derive(secretAccessKey, ScopeDate, Region, Service);
        var expected = SigningKey.Sign(key, StringToSign);
        var matches = CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(ProvidedSignature));
        return matches
            ? SigV4Result.Success(new SigV4Identity(AccessKeyId, Region, Service, SignedAt, SessionToken, IsPresigned))
            : SigV4Result.Failure(SigV4Error.SignatureMismatch());
    }
}
