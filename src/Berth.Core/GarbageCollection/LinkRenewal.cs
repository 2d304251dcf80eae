namespace Berth.Core.GarbageCollection;

/// <summary>
/// How old a repository's link to a blob may be before a look at it renews it (<see cref="Blobs.IBlobLinkStore.FindAndRenewAsync"/>):
/// half the collector's grace period. A client that finds a blob linked (a blob HEAD, BatchCheckLayerAvailability)
/// skips its upload and puts a manifest referencing it next; the collector removes links no manifest references once
/// they are older than the grace period, so without renewal a link made long ago could go between the look and the
/// manifest (which would then fail with MANIFEST_BLOB_UNKNOWN). With it the client has at least half the grace period.
/// </summary>
public sealed class LinkRenewal(TimeSpan gracePeriod, TimeProvider time)
{
    /// <summary>Links made before this instant are renewed when looked at.</summary>
    public DateTimeOffset RenewBefore => time.GetUtcNow() - (gracePeriod / 2);
}
