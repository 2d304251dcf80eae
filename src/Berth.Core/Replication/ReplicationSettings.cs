namespace Berth.Core.Replication;

/// <summary>
/// How replication retries: a copy that fails for a reason that may pass (the database unreachable, the destination
/// repository deleted meanwhile) is tried again after <see cref="BaseDelay"/> doubled per attempt, at most
/// <see cref="MaxDelay"/>, and is FAILED after <see cref="MaxAttempts"/> attempts.
/// </summary>
public sealed record ReplicationSettings(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    public TimeSpan DelayAfter(int attempts) =>
        TimeSpan.FromMilliseconds(Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts, 30))));
}
