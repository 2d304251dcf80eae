using System.Threading.Channels;
using Berth.Core.AuditTrail;
using Berth.Core.Credentials;
using Berth.Server.AuditTrail;
using Berth.Server.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Server.Tests.AuditTrail;

/// <summary>
/// The writer stores an event of a quiet server at once, and what arrives during Berth:AuditTrail:WriteInterval after a
/// write together in the next one; a stop drains what is queued.
/// </summary>
public sealed class AuditTrailWriterTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task EventsArrivingWithinTheIntervalAreStoredTogetherAfterIt()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-06T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var store = new RecordingStore();
        var options = new BerthOptions();
        options.AuditTrail.WriteInterval = TimeSpan.FromSeconds(1);
        var writer = new AuditTrailWriter(store, Options.Create(options), clock, NullLogger<AuditTrailWriter>.Instance);
        await writer.StartAsync(default);

        Assert.True(writer.Enqueue(Record("first", clock)));
        Assert.Equal(["first"], await store.Batches.Reader.ReadAsync().AsTask().WaitAsync(Guard));

        // The writer now waits out the interval on the (fake) clock: events queued meanwhile, even seconds apart in real
        // time, are not written one by one.
        Assert.True(writer.Enqueue(Record("second", clock)));
        await Task.Delay(200);
        Assert.True(writer.Enqueue(Record("third", clock)));
        Assert.False(store.Batches.Reader.TryPeek(out _));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["second", "third"], await store.Batches.Reader.ReadAsync().AsTask().WaitAsync(Guard));

        // A stop stores what is still queued, without waiting for the interval.
        Assert.True(writer.Enqueue(Record("fourth", clock)));
        await writer.StopAsync(default);
        Assert.Equal(["fourth"], await store.Batches.Reader.ReadAsync().AsTask().WaitAsync(Guard));
    }

    private static AuditRecord Record(string name, TimeProvider clock)
    {
        var record = AuditRecord.Begin(new DefaultHttpContext(), "ecr.amazonaws.com", name, readOnly: true, clock.GetUtcNow());
        record.Principal = new Principal("000000000000", "arn:aws:iam::000000000000:root", "AKIAAUDITWRITERTEST1");
        return record;
    }

    private sealed class RecordingStore : IAuditTrailStore
    {
        public Channel<List<string>> Batches { get; } = Channel.CreateUnbounded<List<string>>();

        public ValueTask AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
        {
            Batches.Writer.TryWrite(events.Select(e => e.EventName).ToList());
            return ValueTask.CompletedTask;
        }

        public ValueTask<AuditPage> LookupAsync(AuditQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<int> PruneAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<AuditEvent?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
