using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Berth.Server.Tests.Durability;

/// <summary>
/// The real <c>berth</c> executable in its own process (<c>dotnet berth.dll serve</c>, the berth.dll that the project
/// reference copies next to the test assembly), on 127.0.0.1 and a port of its choosing, so that a test can kill it
/// with SIGKILL and start it again on the same data directory.
/// </summary>
public sealed partial class BerthProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private BerthProcess(Process process, string dataDirectory)
    {
        _process = process;
        DataDirectory = dataDirectory;
    }

    public string DataDirectory { get; }

    /// <summary>Where the filesystem blob store keeps its files.</summary>
    public string BlobsDirectory => Path.Combine(DataDirectory, "blobs");

    public string DatabasePath => Path.Combine(DataDirectory, "berth.db");

    public HttpClient Client { get; private set; } = null!;

    /// <summary>Everything the process wrote to stdout and stderr so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static string NewDataDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "berth-durability", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>The operating system's id of the process.</summary>
    public int ProcessId => _process.Id;

    /// <summary>
    /// Starts berth on <paramref name="dataDirectory"/> and returns once it printed where it listens.
    /// <paramref name="environment"/> adds or overrides <c>Berth__…</c> variables (another metadata store, for one).
    /// </summary>
    public static async Task<BerthProcess> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var executable = Path.Combine(AppContext.BaseDirectory, "berth.dll");
        Assert.True(File.Exists(executable), $"{executable} is missing; the test project references Berth.Server so the build copies it");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { executable, "serve", "--urls", "http://127.0.0.1:0", "--data", dataDirectory },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["DOTNET_NOLOGO"] = "1";

        // These tests are about the store, not about ECR admission: an open registry that creates repositories on push.
        start.Environment["Berth__RequireRegistryAuthentication"] = "false";
        start.Environment["Berth__CreateRepositoryOnPush"] = "true";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var berth = new BerthProcess(process, dataDirectory);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => berth.Observe(e.Data, listening);
        process.ErrorDataReceived += (_, e) => berth.Observe(e.Data, null);
        process.Exited += (_, _) =>
        {
            // Exited can be raised before the last lines of stdout and stderr were handed to the handlers above; the
            // parameterless WaitForExit returns once both streams reached their end, so the message is complete.
            process.WaitForExit();
            listening.TrySetException(new InvalidOperationException($"berth exited before listening:\n{berth.Output}"));
        };
        process.EnableRaisingEvents = true;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            var address = await listening.Task.WaitAsync(StartTimeout);
            berth.Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
            using var health = await berth.Client.GetAsync(new Uri("/healthz", UriKind.Relative));
            health.EnsureSuccessStatusCode();
            return berth;
        }
        catch
        {
            await berth.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL: no shutdown hook, no flush, no finally block of the server runs.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        // The client stays usable until disposal so that requests in flight fail as a dead server makes them fail.
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        Client?.Dispose();
        _process.Dispose();
    }

    private void Observe(string? line, TaskCompletionSource<Uri>? listening)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (listening is not null && ListeningBanner().Match(line) is { Success: true } match)
        {
            listening.TrySetResult(new Uri(match.Groups["url"].Value.TrimEnd('/') + "/"));
        }
    }

    [GeneratedRegex(@"Berth listening on (?<url>http://[^;,\s]+)", RegexOptions.CultureInvariant)]
    private static partial Regex ListeningBanner();
}
