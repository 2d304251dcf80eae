using Berth.Core.AuditTrail;
using Berth.Server.AuditTrail;
using Berth.Server.Tests.Iam;
using Berth.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Tests.AuditTrail;

/// <summary>The retention job deletes the events older than Berth:AuditTrail:Retention on the server's clock, and only those.</summary>
public sealed class AuditRetentionTests
{
    [Fact]
    public async Task EventsOlderThanTheRetentionArePrunedAndNewerOnesStay()
    {
        var clock = new AdjustableClock { Offset = TimeSpan.FromDays(365) };
        await using var server = await BerthTestServer.StartEcrAsync(
            new Dictionary<string, string?> { ["Berth:AuditTrail:Retention"] = "30.00:00:00" },
            services => services.AddSingleton<TimeProvider>(clock));
        var store = server.Services.GetRequiredService<IAuditTrailStore>();
        var now = clock.GetUtcNow();
        await store.AppendAsync([Event("old", now.AddDays(-31)), Event("recent", now.AddDays(-29))], default);

        var pruned = await server.Services.GetRequiredService<AuditRetentionJob>().PruneAsync(default);
        var left = await store.LookupAsync(new AuditQuery("000000000000", "eu-central-1", null, null, null, 50, null), default);

        Assert.Equal(1, pruned);
        Assert.Equal("recent", Assert.Single(left.Events).EventId);
    }

    private static AuditEvent Event(string id, DateTimeOffset time) =>
        new(id, time, "000000000000", "eu-central-1", "ecr.amazonaws.com", "CreateRepository", false, "root", "AKIAROOT", null, null, "{}");
}
