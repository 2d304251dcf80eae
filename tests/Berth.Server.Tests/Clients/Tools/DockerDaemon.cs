namespace Berth.Server.Tests.Clients.Tools;

/// <summary>
/// One dockerd for the docker tests, started as a plain root process (no systemd) with its own data root, exec root,
/// pid file and unix socket under a short temp path, no networking set-up and the vfs storage driver, so it leaves
/// the machine as it found it. The docker CLI gets its own DOCKER_CONFIG (docker manifest keeps state there).
/// </summary>
public sealed class DockerDaemon : IAsyncLifetime
{
    public const string Tool = "docker";
    public const string DaemonTool = "dockerd";

    // unix socket paths must stay under 108 bytes, so the directory is short rather than under the test temp dir.
    private readonly string _root = Path.Combine("/tmp", $"berth-dk-{Guid.NewGuid().ToString("N")[..8]}");
    private DaemonProcess? _daemon;

    public bool IsRunning => _daemon is not null;

    /// <summary>The daemon's address for other clients (DOCKER_HOST of docker-compose).</summary>
    public string Address => $"unix://{Socket}";

    private string Socket => Path.Combine(_root, "docker.sock");

    public async Task InitializeAsync()
    {
        if (ClientTools.Find(DaemonTool) is null || ClientTools.Find(Tool) is null)
        {
            return;
        }

        Directory.CreateDirectory(Path.Combine(_root, "config"));
        _daemon = DaemonProcess.Start(
            ClientTools.Find(DaemonTool)!,
            [
                "--iptables=false", "--ip6tables=false", "--bridge=none", "--storage-driver=vfs",
                "--data-root", Path.Combine(_root, "data"),
                "--exec-root", Path.Combine(_root, "exec"),
                "--pidfile", Path.Combine(_root, "docker.pid"),
                "--config-file", WriteEmptyDaemonConfig(),
                "-H", $"unix://{Socket}",
            ],
            readyLine: "API listen on",
            new ProcessRunOptions { Environment = new Dictionary<string, string?> { ["PATH"] = ClientTools.SearchPath } });
        await _daemon.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        await RunAsync("info");
    }

    /// <summary>docker -H unix://SOCKET ARGS; throws with the output (and the daemon's log) on failure.</summary>
    public Task<ProcessResult> RunAsync(params string[] arguments) => RunWithInputAsync(null, arguments);

    /// <summary>The same, with <paramref name="input"/> on standard input (docker login --password-stdin).</summary>
    public async Task<ProcessResult> RunWithInputAsync(string? input, params string[] arguments)
    {
        var options = new ProcessRunOptions
        {
            Environment = new Dictionary<string, string?> { ["DOCKER_CONFIG"] = Path.Combine(_root, "config") },
            StandardInput = input,
        };
        try
        {
            return await ProcessRunner.RunAsync(Tool, ["-H", $"unix://{Socket}", .. arguments], options);
        }
        catch (ProcessFailedException e)
        {
            throw new ProcessFailedException($"{e.Message}\n--- dockerd log (tail) ---\n{Tail(_daemon?.Log ?? string.Empty)}", e);
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
            // vfs layers or a mount may linger briefly after the daemon stops; /tmp is cleaned by the OS.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }

    // An explicit empty config keeps a host /etc/docker/daemon.json (mirrors, hosts) out of the test daemon.
    private string WriteEmptyDaemonConfig()
    {
        var path = Path.Combine(_root, "daemon.json");
        File.WriteAllText(path, "{}");
        return path;
    }

    private static string Tail(string log) => log.Length <= 4000 ? log : log[^4000..];
}
