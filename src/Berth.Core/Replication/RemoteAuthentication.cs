namespace Berth.Core.Replication;

/// <summary>How Berth authenticates to a <see cref="RemoteDestination"/>.</summary>
public enum RemoteAuthentication
{
    /// <summary>No credentials (an open registry).</summary>
    None,

    /// <summary>A user name and password, sent as Basic or exchanged for a Bearer token as the registry's challenge asks.</summary>
    Basic,

    /// <summary>
    /// An AWS access key id and secret: exchanged for a GetAuthorizationToken token at the destination's endpoint
    /// (another Berth, or ECR), as <c>aws ecr get-login-password</c> does, then sent as Basic <c>AWS:&lt;token&gt;</c>.
    /// </summary>
    Ecr,
}
