namespace Berth.Server.Tests.Clients.Tools;

/// <summary>
/// podman or buildah, rootful, with its own containers/storage root, run root and temp dir on the vfs driver, so tests
/// never touch the machine's container storage; logins go to an auth file of its own (REGISTRY_AUTH_FILE). Disposing
/// removes them.
/// </summary>
public sealed class ContainersStorageClient : IDisposable
{
    public const string PodmanTool = "podman";
    public const string BuildahTool = "buildah";

    // podman refuses a run root longer than 50 characters, so the directory lives directly under /tmp.
    private readonly string _directory = Path.Combine("/tmp", $"berth-cs-{Guid.NewGuid().ToString("N")[..8]}");
    private readonly string _tool;
    private readonly string[] _extraOptions;

    private ContainersStorageClient(string tool, params string[] extraOptions)
    {
        _tool = tool;
        _extraOptions = extraOptions;
    }

    /// <summary>podman, with events off (there is no journald to send them to).</summary>
    public static ContainersStorageClient Podman() => new(PodmanTool, "--events-backend", "none");

    public static ContainersStorageClient Buildah() => new(BuildahTool);

    public Task<ProcessResult> RunAsync(params string[] arguments) => RunWithInputAsync(null, arguments);

    /// <summary>The same, with <paramref name="input"/> on standard input (podman login --password-stdin).</summary>
    public Task<ProcessResult> RunWithInputAsync(string? input, params string[] arguments) =>
        ProcessRunner.RunAsync(
            _tool,
            [
                "--root", Path.Combine(_directory, "root"),
                "--runroot", Path.Combine(_directory, "run"),
                "--storage-driver", "vfs",
                .. _extraOptions,
                .. arguments,
            ],
            new ProcessRunOptions
            {
                Environment = new Dictionary<string, string?>
                {
                    ["PATH"] = ClientTools.SearchPath,
                    ["TMPDIR"] = EnsureTemp(),
                    ["REGISTRY_AUTH_FILE"] = EnsureAuthFile(),
                },
                StandardInput = input,
            });

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Never ran.
        }
        catch (IOException)
        {
            // A file still in use; /tmp is cleaned by the OS.
        }
    }

    // podman 4 refuses a REGISTRY_AUTH_FILE that does not exist even for an anonymous pull; an empty one holds no login.
    private string EnsureAuthFile()
    {
        var path = Path.Combine(_directory, "auth.json");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(_directory);
            File.WriteAllText(path, "{\"auths\":{}}");
        }

        return path;
    }

    private string EnsureTemp() => Directory.CreateDirectory(Path.Combine(_directory, "tmp")).FullName;
}
