namespace Berth.Core.Replication;

/// <summary>
/// The outbox of one destination (account/region, or a remote destination's name) at one moment: rows waiting
/// (<see cref="Queued"/>, due or waiting for a retry), claimed by a live worker (<see cref="InFlight"/>), and finished
/// rows still kept (<see cref="Completed"/>, <see cref="Failed"/>: counted since the last prune, not since ever);
/// <see cref="OldestQueuedAge"/> is how long the oldest unfinished row has waited (null when none).
/// </summary>
public sealed record ReplicationDestinationStats(string Destination, long Queued, long InFlight, long Completed, long Failed, TimeSpan? OldestQueuedAge);
