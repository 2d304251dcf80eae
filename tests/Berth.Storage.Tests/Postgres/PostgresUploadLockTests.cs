using Berth.Storage.Metadata;
using Berth.Storage.Postgres;
using Berth.Testing.Postgres;

namespace Berth.Storage.Tests.Postgres;

/// <summary>The cross-node lock on an upload: two nodes (two data sources on one database) take turns on one upload id.</summary>
[Collection(PostgresClusterGroup.Name)]
public sealed class PostgresUploadLockTests(PostgresCluster cluster)
{
    [Fact]
    public async Task ASecondNodeWaitsUntilTheFirstReleasesTheUpload()
    {
        var id = Guid.NewGuid().ToString("D");
        var connectionString = await cluster.CreateDatabaseAsync();
        await using var nodeA = new PostgresDatabase(connectionString, PostgresStores.Registry);
        await nodeA.InitializeAsync(default);
        await using var nodeB = new PostgresDatabase(connectionString, PostgresStores.Registry);
        var storeA = new SqlUploadSessionStore(nodeA);
        var storeB = new SqlUploadSessionStore(nodeB);

        var heldByA = await storeA.LockAsync(id, default);
        var waitingB = storeB.LockAsync(id, default).AsTask();
        await Task.Delay(500);
        Assert.False(waitingB.IsCompleted, "node B took an upload node A holds");

        // Another upload is not held up.
        await using (await storeB.LockAsync(Guid.NewGuid().ToString("D"), default))
        {
        }

        await heldByA.DisposeAsync();
        var heldByB = await waitingB.WaitAsync(TimeSpan.FromSeconds(10));
        await heldByB.DisposeAsync();

        // Released for good: A takes it again at once.
        await using (await storeA.LockAsync(id, default).AsTask().WaitAsync(TimeSpan.FromSeconds(10)))
        {
        }
    }

    [Fact]
    public async Task AWaitingNodeGivesUpWhenItsRequestIsCancelled()
    {
        var id = Guid.NewGuid().ToString("D");
        var connectionString = await cluster.CreateDatabaseAsync();
        await using var nodeA = new PostgresDatabase(connectionString, PostgresStores.Registry);
        await nodeA.InitializeAsync(default);
        await using var nodeB = new PostgresDatabase(connectionString, PostgresStores.Registry);
        var storeA = new SqlUploadSessionStore(nodeA);
        var storeB = new SqlUploadSessionStore(nodeB);

        await using var heldByA = await storeA.LockAsync(id, default);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await storeB.LockAsync(id, cancel.Token));
    }
}
