namespace Berth.Server.Tests.Clients.Tools;

/// <summary>
/// One containerd for the ctr tests, started as a plain root process with its own config, root, state, opt directory
/// and gRPC socket under a short temp path. The CRI plugin is disabled: it wants CNI and a full kubelet environment,
/// and ctr's image commands need only the content store, metadata and a snapshotter.
/// </summary>
public sealed class ContainerdDaemon : IAsyncLifetime
{
    public const string Tool = "ctr";
    public const string DaemonTool = "containerd";

    // unix socket paths must stay under 108 bytes.
    private readonly string _root = Path.Combine("/tmp", $"berth-ctd-{Guid.NewGuid().ToString("N")[..8]}");
    private DaemonProcess? _daemon;

    public bool IsRunning => _daemon is not null;

    private string Socket => Path.Combine(_root, "containerd.sock");

    public async Task InitializeAsync()
    {
        if (ClientTools.Find(DaemonTool) is null || ClientTools.Find(Tool) is null)
        {
            return;
        }

        Directory.CreateDirectory(_root);
        var config = Path.Combine(_root, "config.toml");
        await File.WriteAllTextAsync(config, $"""
            version = 2
            root = "{_root}/root"
            state = "{_root}/state"
            disabled_plugins = ["io.containerd.grpc.v1.cri"]

            [grpc]
              address = "{Socket}"

            [ttrpc]
              address = "{Socket}.ttrpc"

            [debug]
              address = ""

            [metrics]
              address = ""

            [plugins."io.containerd.internal.v1.opt"]
              path = "{_root}/opt"
            """);
        _daemon = DaemonProcess.Start(
            ClientTools.Find(DaemonTool)!,
            ["--config", config],
            readyLine: "containerd successfully booted",
            new ProcessRunOptions { Environment = new Dictionary<string, string?> { ["PATH"] = ClientTools.SearchPath } });
        await _daemon.WaitUntilReadyAsync(TimeSpan.FromMinutes(1));
        await RunAsync("version");
    }

    /// <summary>ctr --address SOCKET ARGS; throws with the output (and the daemon's log) on failure.</summary>
    public async Task<ProcessResult> RunAsync(params string[] arguments)
    {
        try
        {
            return await ProcessRunner.RunAsync(Tool, ["--address", Socket, .. arguments]);
        }
        catch (ProcessFailedException e)
        {
            var log = _daemon?.Log ?? string.Empty;
            throw new ProcessFailedException($"{e.Message}\n--- containerd log (tail) ---\n{(log.Length <= 4000 ? log : log[^4000..])}", e);
        }
    }

    public async Task DisposeAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A snapshot mount may linger briefly after the daemon stops; /tmp is cleaned by the OS.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
