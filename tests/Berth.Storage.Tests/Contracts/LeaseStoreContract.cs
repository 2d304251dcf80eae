using Berth.Core.Leases;

namespace Berth.Storage.Tests.Contracts;

/// <summary>What every <see cref="ILeaseStore"/> must do: one holder at a time, renewal, release, takeover after expiry.</summary>
public abstract class LeaseStoreContract
{
    /// <summary>Two stores over one database, as two nodes see it.</summary>
    protected abstract Task<(ILeaseStore NodeA, ILeaseStore NodeB)> CreateAsync();

    [Fact]
    public async Task OneOwnerHoldsALeaseUntilItReleasesIt()
    {
        var (a, b) = await CreateAsync();
        var name = $"job-{Guid.NewGuid():N}";

        Assert.True(await a.TryAcquireAsync(name, "node-a", TimeSpan.FromMinutes(5), default));
        Assert.False(await b.TryAcquireAsync(name, "node-b", TimeSpan.FromMinutes(5), default));
        Assert.True(await a.TryAcquireAsync(name, "node-a", TimeSpan.FromMinutes(5), default));
        await b.ReleaseAsync(name, "node-b", default);
        Assert.False(await b.TryAcquireAsync(name, "node-b", TimeSpan.FromMinutes(5), default));

        await a.ReleaseAsync(name, "node-a", default);
        Assert.True(await b.TryAcquireAsync(name, "node-b", TimeSpan.FromMinutes(5), default));
        Assert.False(await a.TryAcquireAsync(name, "node-a", TimeSpan.FromMinutes(5), default));
        Assert.True(await a.TryAcquireAsync($"other-{name}", "node-a", TimeSpan.FromMinutes(5), default));
    }

    [Fact]
    public async Task AnExpiredLeaseIsTakenOverByAnotherOwner()
    {
        var (a, b) = await CreateAsync();
        var name = $"job-{Guid.NewGuid():N}";

        Assert.True(await a.TryAcquireAsync(name, "node-a", TimeSpan.FromMinutes(5), default));
        Assert.False(await b.TryAcquireAsync(name, "node-b", TimeSpan.FromMinutes(5), default));
        // The last renewal of a node that stopped long ago: its lease ended before now (no sleeping on a loaded machine).
        Assert.True(await a.TryAcquireAsync(name, "node-a", TimeSpan.FromSeconds(-1), default));

        Assert.True(await b.TryAcquireAsync(name, "node-b", TimeSpan.FromMinutes(5), default));
        Assert.False(await a.TryAcquireAsync(name, "node-a", TimeSpan.FromMinutes(5), default));
    }

    [Fact]
    public async Task OwnersRacingForAFreeLeaseGetItOnce()
    {
        var (a, b) = await CreateAsync();
        var name = $"job-{Guid.NewGuid():N}";

        var attempts = Enumerable.Range(0, 16)
            .Select(i => Task.Run(async () => await (i % 2 == 0 ? a : b).TryAcquireAsync(name, $"node-{i}", TimeSpan.FromMinutes(5), default)));
        var results = await Task.WhenAll(attempts);

        Assert.Single(results, acquired => acquired);
    }
}
