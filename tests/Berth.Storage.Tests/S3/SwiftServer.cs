using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Berth.Storage.Tests.S3;

/// <summary>
/// A real S3 endpoint for tests: OpenStack Swift (account, container, object and proxy servers with s3api and
/// tempauth) and memcached, started as plain processes on free 127.0.0.1 ports in a temporary directory, with one
/// bucket created. Needs the Debian packages swift-proxy, swift-account, swift-container, swift-object and memcached
/// (scripts/test.sh installs them). Disposing stops every process it started and removes the directory.
/// </summary>
public sealed class SwiftServer : IAsyncDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(120);
    private readonly List<Process> _processes = [];
    private Process? _proxy;
    private readonly SwiftConfiguration _configuration;

    private SwiftServer(SwiftConfiguration configuration)
    {
        _configuration = configuration;
        ServiceUrl = new Uri($"http://127.0.0.1:{configuration.ProxyPort}/");
    }

    public Uri ServiceUrl { get; }

    public string Bucket { get; } = "berth-" + Guid.NewGuid().ToString("N")[..12];

    public string AccessKeyId { get; } = SwiftConfiguration.AccessKeyId;

    public string SecretAccessKey { get; } = SwiftConfiguration.SecretAccessKey;

    /// <summary>Berth's settings for blobs in this server's bucket, under <paramref name="prefix"/>.</summary>
    public Dictionary<string, string?> BerthSettings(string prefix = "berth") => new()
    {
        ["Berth:Storage:Blobs:Type"] = "S3",
        ["Berth:Storage:Blobs:S3:ServiceUrl"] = ServiceUrl.ToString(),
        ["Berth:Storage:Blobs:S3:Region"] = "us-east-1",
        ["Berth:Storage:Blobs:S3:Bucket"] = Bucket,
        ["Berth:Storage:Blobs:S3:Prefix"] = prefix,
        ["Berth:Storage:Blobs:S3:AccessKeyId"] = AccessKeyId,
        ["Berth:Storage:Blobs:S3:SecretAccessKey"] = SecretAccessKey,
    };

    /// <summary>A client of the server, for checks the blob store does not offer.</summary>
    public AmazonS3Client CreateClient() => new(
        new BasicAWSCredentials(AccessKeyId, SecretAccessKey),
        new AmazonS3Config
        {
            ServiceURL = ServiceUrl.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });

    public static async Task<SwiftServer> StartAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "berth-swift", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var ports = FreePorts(5);
        var server = new SwiftServer(new SwiftConfiguration(root, ports[0], ports[1], ports[2], ports[3], ports[4]));
        try
        {
            await server.StartProcessesAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
        }

        try
        {
            Directory.Delete(_configuration.Root, recursive: true);
        }
        catch (IOException)
        {
            // The OS cleans the temp directory.
        }
    }

    /// <summary>Stops the S3 endpoint (the Swift proxy) as an outage would: requests are refused until <see cref="StartProxy"/>.</summary>
    public async Task StopProxyAsync()
    {
        var proxy = _proxy ?? throw new InvalidOperationException("the proxy is not running");
        _proxy = null;
        proxy.Kill(entireProcessTree: true);
        await proxy.WaitForExitAsync();
    }

    /// <summary>Starts the Swift proxy again after <see cref="StopProxyAsync"/>; it serves within a second or two.</summary>
    public void StartProxy() => _proxy = Start("swift-proxy-server", _configuration.ConfigPath("proxy"));

    private async Task StartProcessesAsync()
    {
        var c = _configuration;
        c.WriteFiles();
        await BuildRingAsync("account", c.AccountPort);
        await BuildRingAsync("container", c.ContainerPort);
        await BuildRingAsync("object", c.ObjectPort);
        Start("memcached", "-l", "127.0.0.1", "-p", c.MemcachedPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "0", "-u", Environment.UserName);
        foreach (var server in new[] { "account", "container", "object" })
        {
            Start($"swift-{server}-server", c.ConfigPath(server));
        }

        StartProxy();

        await CreateBucketAsync();
    }

    /// <summary>Creates the bucket, retrying while the servers are still starting.</summary>
    private async Task CreateBucketAsync()
    {
        using var client = CreateClient();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await client.PutBucketAsync(new PutBucketRequest { BucketName = Bucket });
                return;
            }
            catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException && clock.Elapsed < StartLimit)
            {
                var exited = _processes.FirstOrDefault(p => p.HasExited);
                if (exited is not null)
                {
                    throw new InvalidOperationException($"{exited.StartInfo.FileName} exited with {exited.ExitCode} while Swift started: {Logs()}");
                }

                await Task.Delay(250);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"Swift did not start in {StartLimit}: {e.Message}. {Logs()}", e);
            }
        }
    }

    private async Task BuildRingAsync(string kind, int port)
    {
        var builder = Path.Combine(_configuration.Root, $"{kind}.builder");
        await RunAsync("swift-ring-builder", builder, "create", "8", "1", "1");
        await RunAsync("swift-ring-builder", builder, "add", $"r1z1-127.0.0.1:{port}/d1", "100");

        // Exit code 1 is a warning (for example about balance), which a one-device ring always is.
        await RunAsync("swift-ring-builder", builder, "rebalance");
        if (!File.Exists(Path.ChangeExtension(builder, ".ring.gz")))
        {
            throw new InvalidOperationException($"swift-ring-builder did not write the {kind} ring");
        }
    }

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode > 1)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }

    /// <summary>Starts a long-running server with its output in a log file next to the configuration.</summary>
    private Process Start(string file, params string[] arguments)
    {
        var log = Path.Combine(_configuration.Root, Path.GetFileName(file) + ".log");
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec \"$0\" \"$@\" >>\"$LOG\" 2>&1");
        info.ArgumentList.Add(file);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["LOG"] = log;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        _processes.Add(process);
        return process;
    }

    private string Logs() => string.Join(
        "\n",
        Directory.EnumerateFiles(_configuration.Root, "*.log").Select(f => $"--- {Path.GetFileName(f)}\n{File.ReadAllText(f)}"));

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }
}
