using System.Net;
using System.Net.Sockets;
using Berth.Server.Tests.Clients.Tools;

namespace Berth.Server.Tests.PullThroughCache;

/// <summary>
/// CNCF Distribution (Debian's <c>docker-registry</c>) on 127.0.0.1 and a free port, with htpasswd basic auth, as the
/// upstream of a pull through cache. Its own temporary directory holds the config, the password file and the blobs.
/// </summary>
public sealed class DistributionRegistry : IAsyncDisposable
{
    public const string Tool = "docker-registry";
    public const string User = "puller";

    private readonly DaemonProcess _process;

    private DistributionRegistry(DaemonProcess process, string directory, int port, string password)
    {
        _process = process;
        Directory = directory;
        Port = port;
        Password = password;
    }

    public string Directory { get; }

    public int Port { get; }

    public string Password { get; }

    /// <summary>"127.0.0.1:PORT".</summary>
    public string Host => $"127.0.0.1:{Port}";

    public static async Task<DistributionRegistry> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "berth-distribution", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var password = Guid.NewGuid().ToString("N");
        // Distribution reads bcrypt entries only; glibc's crypt(3) makes them (Python's crypt module calls it).
        var hash = (await ProcessRunner.RunAsync("python3", ["-W", "ignore", "-c",
            "import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))", password])).StandardOutput.Trim();
        await File.WriteAllTextAsync(Path.Combine(directory, "htpasswd"), $"{User}:{hash}\n");
        var port = FreePort();
        await File.WriteAllTextAsync(Path.Combine(directory, "config.yml"), $"""
            version: 0.1
            log:
              level: info
            storage:
              filesystem:
                rootdirectory: {directory}/data
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{port}
            auth:
              htpasswd:
                realm: upstream
                path: {directory}/htpasswd
            """);
        var process = DaemonProcess.Start(Tool, ["serve", Path.Combine(directory, "config.yml")], "listening on");
        await process.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        return new DistributionRegistry(process, directory, port, password);
    }

    /// <summary>skopeo copy of an OCI layout's tag into this registry, with its credentials, keeping the digests.</summary>
    public Task PushAsync(string layoutDirectory, string tag, string repository, string remoteTag) =>
        Skopeo.CopyAsync($"oci:{layoutDirectory}:{tag}", $"docker://{Host}/{repository}:{remoteTag}", "--all", "--preserve-digests", "--dest-creds", $"{User}:{Password}");

    public async ValueTask DisposeAsync()
    {
        await _process.StopAsync();
        await _process.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // The OS cleans the temp directory.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
