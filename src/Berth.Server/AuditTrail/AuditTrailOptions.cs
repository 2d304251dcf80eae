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

    /// <summary>
    /// The least time between the starts of two writes of the trail: an event on a quiet server is stored at once, a
    /// busy server stores what arrived meanwhile together. Every commit to the metadata database also makes each SQLite
    /// reader re-read its pages (manifest GETs included): committing as fast as events came cost ~25 µs more per audited
    /// request (docs/ARCHITECTURE.md, "Audit trail"). Zero: write as soon as the last write ends.
    /// </summary>
    public TimeSpan WriteInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    public void Validate(List<string> failures)
    {
        if (Retention <= TimeSpan.Zero || PruneInterval <= TimeSpan.Zero)
        {
            failures.Add("Invalid configuration 'Berth:AuditTrail:Retention' / 'PruneInterval': must be greater than zero.");
        }

        if (WriteInterval < TimeSpan.Zero || WriteInterval > TimeSpan.FromSeconds(10))
        {
            failures.Add("Invalid configuration 'Berth:AuditTrail:WriteInterval': must be between 00:00:00 and 00:00:10.");
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
