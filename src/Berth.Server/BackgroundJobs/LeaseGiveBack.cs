using Berth.Core.Leases;

namespace Berth.Server.BackgroundJobs;

internal static class LeaseGiveBack
{
    /// <summary>
    /// On a clean stop a job gives its lease back, so another node need not wait for it to expire; a failure is only
    /// reported (the lease expires by itself).
    /// </summary>
    public static async Task GiveBackAsync(this ILeaseStore leases, string name, string owner, Action<Exception> reportFailure, CancellationToken cancellationToken)
    {
        try
        {
            await leases.ReleaseAsync(name, owner, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            reportFailure(e);
        }
    }
}
