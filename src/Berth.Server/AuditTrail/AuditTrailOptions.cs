namespace Berth.Server.AuditTrail;

/// <summary>The audit trail (Berth:AuditTrail).</summary>
internal sealed class AuditTrailOptions
{
    /// <summary>Records every API call and /v2/ push, pull and delete; off: nothing is recorded and LookupEvents finds nothing new.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long events are kept (CloudTrail's event history keeps 90 days).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often one node (under the lease <c>audit-retention</c>) deletes events past the retention.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Records waiting to be stored; beyond it new records are dropped (and counted in the log).</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Events stored per transaction at most.</summary>
    public int BatchSize { get; set; } = 500;

    public void Validate(List<string> failures)
    {
        if (Retention <= TimeSpan.Zero || PruneInterval <= TimeSpan.Zero)
        {
            failures.Add("Invalid configuration 'Berth:AuditTrail:Retention' / 'PruneInterval': must be greater than zero.");
        }

        if (QueueCapacity is < 1 or > 10_000_000)
        {
            failures.Add("Invalid configuration 'Berth:AuditTrail:QueueCapacity': must be between 1 and 10000000.");
        }

        if (BatchSize is < 1 or > 10_000)
        {
            failures.Add("Invalid configuration 'Berth:AuditTrail:BatchSize': must be between 1 and 10000.");
        }
    }
}
