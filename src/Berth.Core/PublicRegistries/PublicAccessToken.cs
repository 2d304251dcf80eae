using Berth.Core.Credentials;

namespace Berth.Core.PublicRegistries;

/// <summary>
/// A checked Bearer token of the public registries: its principal (null for an anonymous, pull-only token), the
/// repositories and actions it grants, and its expiry. An unscoped token (a registry password presented as a Bearer
/// token, as ECR Public's HTTP API allows) grants every repository and leaves pushes to the caller's policies.
/// </summary>
public sealed record PublicAccessToken(Principal? Principal, IReadOnlyList<PublicGrant> Grants, DateTimeOffset ExpiresAt)
{
    /// <summary>A registry password's token: every repository, pushes as the principal's policies allow.</summary>
    public static PublicAccessToken Unscoped(Principal principal) => new(principal, [], DateTimeOffset.MaxValue) { IsUnscoped = true };

    public bool IsUnscoped { get; private init; }

    /// <summary>Whether the token allows <paramref name="push"/> (else pull) on the repository <paramref name="name"/> (alias/repository).</summary>
    public bool Allows(string name, bool push) =>
        IsUnscoped || Grants.Any(g => string.Equals(g.Name, name, StringComparison.Ordinal) && (push ? g.Push : g.Pull));
}
