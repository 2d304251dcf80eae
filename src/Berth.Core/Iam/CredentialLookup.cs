using Berth.Core.Credentials;

namespace Berth.Core.Iam;

/// <summary>
/// What an access key id (and session token) resolves to: the secret that must have signed and the principal, or
/// nothing (unknown, inactive, deleted owner, wrong token), or <see cref="Expired"/> for a temporary key past its time.
/// </summary>
public sealed record CredentialLookup(string? Secret, Principal? Principal, bool Expired)
{
    public static readonly CredentialLookup Unknown = new(null, null, false);

    public static readonly CredentialLookup ExpiredToken = new(null, null, true);

    /// <summary>When a temporary key stops working (role sessions); null for long-term keys.</summary>
    public DateTimeOffset? ValidUntil { get; init; }
}
