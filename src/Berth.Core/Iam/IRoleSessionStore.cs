namespace Berth.Core.Iam;

/// <summary>Temporary credentials from AssumeRole.</summary>
public interface IRoleSessionStore
{
    /// <summary>Stores a session and forgets sessions that expired before <paramref name="forgetBefore"/>.</summary>
    ValueTask SaveAsync(RoleSession session, DateTimeOffset forgetBefore, CancellationToken cancellationToken);

    ValueTask<RoleSession?> FindAsync(string accessKeyId, CancellationToken cancellationToken);
}
