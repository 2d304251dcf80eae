using System.Net;
using System.Net.Sockets;

namespace Berth.Bench;

/// <summary>
/// A round-robin TCP balancer for the real clients (skopeo, docker) on a cluster: each accepted connection goes to the
/// next node and bytes are copied both ways until both sides finish. A client's parallel layer uploads use several
/// connections, so they spread across the nodes; requests on one kept-alive connection stay on its node.
/// Runs until the process is stopped (SIGTERM), then prints how many connections each node took.
/// </summary>
internal static class TcpBalancer
{
    public static async Task RunAsync(int port, IReadOnlyList<IPEndPoint> nodes)
    {
        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start(512);
        using var stop = new CancellationTokenSource();
        using var registration = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });
        var next = 0;
        var connections = new long[nodes.Count];
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            var index = next++ % nodes.Count;
            connections[index]++;
            var node = nodes[index];
            _ = Task.Run(() => Relay(client, node));
        }
        Console.WriteLine("berth-bench balance: " + string.Join(", ", nodes.Select((n, i) => $"{n} {connections[i]} connections")));
    }

    private static async Task Relay(Socket client, IPEndPoint node)
    {
        using (client)
        using (var server = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            client.NoDelay = true;
            server.NoDelay = true;
            try
            {
                await server.ConnectAsync(node);
                await Task.WhenAll(Copy(client, server), Copy(server, client));
            }
            catch (SocketException)
            {
                // A side reset its connection: both are closed below, as a balancer would.
            }
        }
    }

    private static async Task Copy(Socket from, Socket to)
    {
        var buffer = new byte[256 * 1024];
        try
        {
            int n;
            while ((n = await from.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            {
                var sent = 0;
                while (sent < n)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None);
                }
            }
            to.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            from.Close();
            to.Close();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
