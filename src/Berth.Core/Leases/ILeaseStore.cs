namespace Berth.Core.Leases;

/// <summary>
/// Named leases in the metadata store, so that background work shared by every node (upload cleanup, later garbage
/// collection, lifecycle, replication) runs on one node at a time. A lease is held by one owner until it expires;
/// the holder renews it by acquiring it again before then. A node that dies simply stops renewing: once the lease
/// has expired another node acquires it, so the work must be safe to redo from wherever the dead node stopped.
/// Safe to call concurrently from any number of nodes: at most one owner holds an unexpired lease.
/// </summary>
public interface ILeaseStore
{
    /// <summary>
    /// Takes the lease <paramref name="name"/> for <paramref name="owner"/> until <paramref name="duration"/> from now
    /// when it is free, expired or already held by <paramref name="owner"/> (a renewal); false when another owner
    /// holds it.
    /// </summary>
    ValueTask<bool> TryAcquireAsync(string name, string owner, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Gives the lease up if <paramref name="owner"/> holds it, so that another node need not wait for it to expire.</summary>
    ValueTask ReleaseAsync(string name, string owner, CancellationToken cancellationToken);
}
