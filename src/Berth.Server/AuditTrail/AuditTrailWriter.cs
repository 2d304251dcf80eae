using System.Threading.Channels;
using Berth.Core.AuditTrail;
using Berth.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Berth.Server.AuditTrail;

/// <summary>
/// Takes finished <see cref="AuditRecord"/>s off the request path and stores them in batches. A request only adds its
/// record to a bounded in-memory queue (Berth:AuditTrail:QueueCapacity); this loop builds the CloudTrail JSON and
/// writes everything queued, up to Berth:AuditTrail:BatchSize events per transaction, then waits out the rest of
/// Berth:AuditTrail:WriteInterval (100 ms) from the write's start: a quiet server writes an event at once, a busy one
/// commits a few times per interval instead of once per event or two (each commit costs every SQLite reader its cached
/// pages). What a crash loses: the records still queued, i.e. those of requests answered in the last moments (one
/// interval and one write, typically ~100 ms) before a kill -9 or power loss; a clean stop drains the queue first. A
/// full queue (a store slower than the request rate for long) drops new records and logs how many, rather than slowing
/// or failing requests; a store failure is retried with the batch kept.
/// </summary>
internal sealed partial class AuditTrailWriter : BackgroundService
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);
    private readonly Channel<AuditRecord> _queue;
    private readonly IAuditTrailStore _store;
    private readonly AuditTrailOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AuditTrailWriter> _logger;
    private long _dropped;

    // A batch that failed to store is kept and written first.
    private List<AuditRecord>? _pending;

    public AuditTrailWriter(IAuditTrailStore store, IOptions<BerthOptions> options, TimeProvider time, ILogger<AuditTrailWriter> logger)
    {
        _store = store;
        _options = options.Value.AuditTrail;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<AuditRecord>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
        });
    }

    /// <summary>Queues a finished record; never waits. False (and counted) when the queue is full.</summary>
    public bool Enqueue(AuditRecord record)
    {
        if (_queue.Writer.TryWrite(record))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        return false;
    }

    /// <summary>Stores everything queued so far, in transactions of BatchSize (each write of the loop, and a clean stop).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        while (_queue.Reader.Count > 0)
        {
            await WriteBatchAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                var started = _time.GetTimestamp();
                try
                {
                    await FlushAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogWriteFailed(_logger, e);
                    await Task.Delay(TimeSpan.FromSeconds(1), _time, stoppingToken).ConfigureAwait(false);
                }

                if (_options.WriteInterval - _time.GetElapsedTime(started) is { Ticks: > 0 } rest)
                {
                    await Task.Delay(rest, _time, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // A clean stop: what is queued is written below.
        }

        using var drain = new CancellationTokenSource(DrainTimeout);
        try
        {
            await FlushAsync(drain.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or System.Data.Common.DbException)
        {
            LogDrainFailed(_logger, _queue.Reader.Count, e);
        }
    }

    private async Task WriteBatchAsync(CancellationToken cancellationToken)
    {
        _pending ??= [];
        while (_pending.Count < _options.BatchSize && _queue.Reader.TryRead(out var record))
        {
            _pending.Add(record);
        }

        if (_pending.Count == 0)
        {
            return;
        }

        var events = _pending.Select(CloudTrailEventJson.Build).ToList();
        await _store.AppendAsync(events, cancellationToken).ConfigureAwait(false);
        _pending = null;
        if (Interlocked.Exchange(ref _dropped, 0) is var dropped and > 0)
        {
            LogDropped(_logger, dropped, _options.QueueCapacity);
        }
    }

    [LoggerMessage(EventId = 140, Level = LogLevel.Error, Message = "Storing audit events failed; retrying")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 141, Level = LogLevel.Warning, Message = "The audit queue was full ({Capacity}): {Count} audit events were dropped")]
    private static partial void LogDropped(ILogger logger, long count, int capacity);

    [LoggerMessage(EventId = 142, Level = LogLevel.Error, Message = "{Count} queued audit events could not be stored before the stop")]
    private static partial void LogDrainFailed(ILogger logger, int count, Exception exception);
}
