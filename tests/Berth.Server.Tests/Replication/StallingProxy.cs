using System.Net;
using System.Net.Sockets;

namespace Berth.Server.Tests.Replication;

/// <summary>
/// A TCP proxy in front of a registry that forwards everything until <c>threshold</c> bytes went from clients to the
/// registry, then holds further client bytes (an upload in the middle of a blob) until <see cref="Release"/>:
/// a test can kill the client while it is known to be mid-copy, without guessing with time.
/// </summary>
public sealed class StallingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly long _threshold;
    private readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private long _forwarded;

    public StallingProxy(Uri upstream, long threshold)
    {
        _upstream = new IPEndPoint(IPAddress.Parse(upstream.Host), upstream.Port);
        _threshold = threshold;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>Completes when a client byte past the threshold is being held.</summary>
    public Task Stalled => _stalled.Task;

    public long Forwarded => Interlocked.Read(ref _forwarded);

    public void Release() => _released.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        Release();
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => RelayAsync(client));
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                await upstream.ConnectAsync(_upstream, _stop.Token);
                var fromClient = PumpAsync(client.GetStream(), upstream.GetStream(), counted: true);
                var toClient = PumpAsync(upstream.GetStream(), client.GetStream(), counted: false);
                await Task.WhenAny(fromClient, toClient);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // One side went away (the client was killed): the other is closed with it.
            }
        }
    }

    private async Task PumpAsync(Stream from, Stream to, bool counted)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            if (counted && Interlocked.Add(ref _forwarded, read) > _threshold && !_released.Task.IsCompleted)
            {
                _stalled.TrySetResult();
                await _released.Task.WaitAsync(_stop.Token);
            }

            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }
}
