using System.Threading.Channels;

namespace Berth.Server.PullThroughCache;

/// <summary>
/// One upstream fetch of a blob, shared by every client of this node that asks for it while it runs. Clients that
/// join before the first byte has gone out receive the bytes as they arrive (each through a bounded queue of
/// <see cref="QueueChunks"/> chunks, so a slow client slows the fetch rather than filling memory); later ones wait
/// for the blob to be stored and are served from the store. Thread-safe.
/// </summary>
internal sealed class BlobFlight
{
    private const int QueueChunks = 16;
    private readonly Lock _gate = new();
    private readonly List<Subscriber> _subscribers = [];
    private readonly TaskCompletionSource<long?> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<long> _stored = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _flowing;

    /// <summary>The upstream's Content-Length once its response arrived (null: unknown, nothing streams); faults when the upstream refused.</summary>
    public Task<long?> Started => _started.Task;

    /// <summary>The stored size once the blob is at its address; faults when the fetch failed (nothing is stored then).</summary>
    public Task<long> Stored => _stored.Task;

    /// <summary>A queue of the blob's bytes from the start, or null when bytes have already gone out (wait for <see cref="Stored"/>).</summary>
    public Subscriber? TrySubscribe()
    {
        lock (_gate)
        {
            if (_flowing)
            {
                return null;
            }

            var subscriber = new Subscriber(this);
            _subscribers.Add(subscriber);
            return subscriber;
        }
    }

    internal void Start(long? size)
    {
        if (size is null)
        {
            Close(null);
        }

        _started.TrySetResult(size);
    }

    /// <summary>Hands a chunk (which nobody modifies afterwards) to every subscriber, waiting for those whose queue is full.</summary>
    internal async ValueTask BroadcastAsync(byte[] chunk)
    {
        Subscriber[] subscribers;
        lock (_gate)
        {
            _flowing = true;
            subscribers = [.. _subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            try
            {
                await subscriber.Queue.Writer.WriteAsync(chunk, subscriber.Gone).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
            {
                Leave(subscriber);
            }
        }
    }

    internal void Finish(long size)
    {
        Close(null);
        _started.TrySetResult(size);
        _stored.TrySetResult(size);
    }

    internal void Fail(Exception error)
    {
        Close(error);
        _started.TrySetException(error);
        _stored.TrySetException(error);
    }

    private void Close(Exception? error)
    {
        Subscriber[] subscribers;
        lock (_gate)
        {
            _flowing = true;
            subscribers = [.. _subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            subscriber.Queue.Writer.TryComplete(error);
        }
    }

    private void Leave(Subscriber subscriber)
    {
        lock (_gate)
        {
            _subscribers.Remove(subscriber);
        }

        subscriber.Queue.Writer.TryComplete();
    }

    /// <summary>One client's view of the flight: its queue of chunks; disposing it leaves the flight.</summary>
    internal sealed class Subscriber(BlobFlight flight) : IDisposable
    {
        private readonly CancellationTokenSource _gone = new();

        public Channel<byte[]> Queue { get; } = Channel.CreateBounded<byte[]>(
            new BoundedChannelOptions(QueueChunks) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

        internal CancellationToken Gone => _gone.Token;

        public void Dispose()
        {
            // Not disposed: the flight may still be waiting on the token; a source without a timer holds nothing.
            _gone.Cancel();
            flight.Leave(this);
        }
    }
}
