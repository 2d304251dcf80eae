using Berth.Core.Leases;

namespace Berth.Server.BackgroundJobs;

/// <summary>
/// The lease <see cref="Name"/> under which one process of a cluster at a time runs garbage collection (the server's
/// job or <c>berth gc</c>). It is held for <see cref="Duration"/> and renewed every third of it while a cycle runs,
/// so a cycle may take longer than the lease, and a process killed mid-cycle frees it within <see cref="Duration"/>.
/// The lease only keeps two sweepers from doing the same work: a sweep is safe without it (tombstones are taken per
/// blob under the database's locks, deletions are idempotent).
/// </summary>
internal sealed class GarbageCollectionLease(ILeaseStore leases, NodeIdentity node)
{
    public const string Name = "garbage-collection";

    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);

    /// <summary>Runs <paramref name="work"/> holding the lease; false, without running it, when another process holds it.</summary>
    public async Task<bool> TryRunAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        if (!await leases.TryAcquireAsync(Name, node.Id, Duration, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        using var lost = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var done = new CancellationTokenSource();
        var renewal = RenewAsync(lost, done.Token);
        try
        {
            await work(lost.Token).ConfigureAwait(false);
        }
        finally
        {
            await done.CancelAsync().ConfigureAwait(false);
            await renewal.ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Gives the lease up, so that another node need not wait for it to expire.</summary>
    public ValueTask ReleaseAsync(CancellationToken cancellationToken) => leases.ReleaseAsync(Name, node.Id, cancellationToken);

    /// <summary>Renews until the work is done; a renewal refused (another node took the lease) stops the work.</summary>
    private async Task RenewAsync(CancellationTokenSource lost, CancellationToken done)
    {
        using var timer = new PeriodicTimer(Duration / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(done).ConfigureAwait(false))
            {
                if (!await leases.TryAcquireAsync(Name, node.Id, Duration, done).ConfigureAwait(false))
                {
                    await lost.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (done.IsCancellationRequested)
        {
        }
    }
}
