namespace Berth.Server.Tests.Clients.Tools;

/// <summary>
/// Rootful podman with its own storage root, run root and temp dir (vfs driver, no events), so tests never touch the
/// machine's container storage. Disposing removes them.
/// </summary>
public sealed class Podman : IDisposable
{
    public const string Tool = "podman";

    // podman refuses a run root longer than 50 characters, so the directory lives directly under /tmp.
    private readonly string _directory = Path.Combine("/tmp", $"berth-pm-{Guid.NewGuid().ToString("N")[..8]}");

    public Task<ProcessResult> RunAsync(params string[] arguments) =>
        ProcessRunner.RunAsync(
            Tool,
            [
                "--root", Path.Combine(_directory, "root"),
                "--runroot", Path.Combine(_directory, "run"),
                "--tmpdir", Path.Combine(_directory, "tmp"),
                "--storage-driver", "vfs",
                "--events-backend", "none",
                .. arguments,
            ],
            new ProcessRunOptions { Environment = new Dictionary<string, string?> { ["PATH"] = ClientTools.SearchPath } });

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // podman never ran.
        }
        catch (IOException)
        {
            // A file still in use; /tmp is cleaned by the OS.
        }
    }
}
