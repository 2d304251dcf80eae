namespace Berth.Server.Tests.Iam;

/// <summary>The system clock moved by an offset the test sets: the server's TimeProvider in expiry tests.</summary>
public sealed class AdjustableClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
