using System.Diagnostics.Metrics;
using Berth.Core.Replication;

namespace Berth.Server.BackgroundJobs;

/// <summary>
/// The outbox per destination as observable gauges of the meter <c>Berth.Replication</c> (for an exporter to read):
/// <c>berth.replication.queued</c>, <c>.in_flight</c>, <c>.completed</c>, <c>.failed</c> (rows kept since the last
/// prune) and <c>.oldest_queued_age</c> (seconds), each tagged <c>destination</c>. They report the snapshot
/// <see cref="ReplicationJob"/> took last (every Berth:Replication:StatsInterval).
/// </summary>
internal sealed class ReplicationMetrics : IDisposable
{
    public const string MeterName = "Berth.Replication";
    private readonly Meter _meter;
    private volatile IReadOnlyList<ReplicationDestinationStats> _snapshot = [];

    public ReplicationMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _meter.CreateObservableGauge("berth.replication.queued", () => Measure(s => s.Queued), description: "Replications waiting, per destination");
        _meter.CreateObservableGauge("berth.replication.in_flight", () => Measure(s => s.InFlight), description: "Replications claimed by a live worker");
        _meter.CreateObservableGauge("berth.replication.completed", () => Measure(s => s.Completed), description: "COMPLETE replications kept in the outbox");
        _meter.CreateObservableGauge("berth.replication.failed", () => Measure(s => s.Failed), description: "FAILED replications kept in the outbox");
        _meter.CreateObservableGauge("berth.replication.oldest_queued_age", () => Measure(s => s.OldestQueuedAge?.TotalSeconds ?? 0), unit: "s", description: "Age of the oldest unfinished replication");
    }

    public void Update(IReadOnlyList<ReplicationDestinationStats> snapshot) => _snapshot = snapshot;

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<double>> Measure(Func<ReplicationDestinationStats, double> value) =>
        _snapshot.Select(s => new Measurement<double>(value(s), new KeyValuePair<string, object?>("destination", s.Destination)));
}
