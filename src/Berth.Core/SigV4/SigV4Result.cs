using System.Diagnostics.CodeAnalysis;

namespace Berth.Core.SigV4;

/// <summary>The outcome of <see cref="SigV4Verifier"/>: an identity when the signature holds, otherwise the AWS error.</summary>
public sealed class SigV4Result
{
    private SigV4Result(SigV4Identity? identity, SigV4Error? error)
    {
        Identity = identity;
        Error = error;
    }

    /// <summary>The verified signer; set exactly when <see cref="Succeeded"/> is true.</summary>
    public SigV4Identity? Identity { get; }

    /// <summary>The error to answer with; set exactly when <see cref="Succeeded"/> is false.</summary>
    public SigV4Error? Error { get; }

    [MemberNotNullWhen(true, nameof(Identity))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Identity is not null;

    public static SigV4Result Success(SigV4Identity identity) => new(identity, null);

    public static SigV4Result Failure(SigV4Error error) => new(null, error);
}
