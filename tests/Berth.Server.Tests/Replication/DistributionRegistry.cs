using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Berth.Server.Tests.Replication;

/// <summary>
/// CNCF Distribution (Debian's <c>docker-registry</c>) on 127.0.0.1 and a free port, storing in its own temp
/// directory; <see cref="StopAsync"/> and <see cref="StartAsync()"/> again keep the port and the content.
/// </summary>
public sealed class DistributionRegistry : IAsyncDisposable
{
    public const string Executable = "/usr/bin/docker-registry";
    private readonly string _directory;
    private readonly string _config;
    private Process? _process;

    private DistributionRegistry(string directory, int port)
    {
        _directory = directory;
        Port = port;
        _config = Path.Combine(directory, "config.yml");
        File.WriteAllText(_config, $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {Path.Combine(directory, "data")}
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{port}
            """);
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}/");

    public string Host => $"127.0.0.1:{Port}";

    public static async Task<DistributionRegistry> StartNewAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "berth-distribution", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var registry = new DistributionRegistry(directory, FreePort());
        await registry.StartAsync();
        return registry;
    }

    /// <summary>Starts the process and returns once /v2/ answers.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(Executable) { ArgumentList = { "serve", _config }, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var response = await client.GetAsync(new Uri(Address, "v2/"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (attempt < 100 && !_process.HasExited)
            {
                // Not listening yet.
            }

            Assert.False(_process.HasExited, "docker-registry exited at start");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL: the registry is gone until <see cref="StartAsync()"/>.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
