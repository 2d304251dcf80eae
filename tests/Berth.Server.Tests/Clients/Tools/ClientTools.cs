using Xunit.Abstractions;

namespace Berth.Server.Tests.Clients.Tools;

/// <summary>
/// Decides whether a real-client test can run. On a developer's machine a missing tool makes the test report Skipped
/// with the reason; in CI (CI set, or root on Debian, where scripts/test.sh installs every tool) it fails.
/// </summary>
public static class ClientTools
{
    public static bool MustBePresent =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")) ||
        (Environment.UserName == "root" && File.Exists("/etc/debian_version"));

    /// <summary>
    /// Returns when every tool is on PATH. Otherwise the test is reported Skipped with the reason (it must be a
    /// <c>[SkippableFact]</c> or <c>[SkippableTheory]</c>), or fails in CI, where scripts/test.sh installs every tool.
    /// </summary>
    public static void SkipUnlessAvailable(params string[] tools)
    {
        var missing = tools.Where(t => Find(t) is null).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var reason = $"not on PATH: {string.Join(", ", missing)} (scripts/test.sh installs them as root)";
        if (MustBePresent)
        {
            throw new InvalidOperationException($"real-client test cannot run: {reason}");
        }

        throw new SkipException(reason);
    }

    /// <summary>The tool's path, searching PATH and then the sbin directories (where Debian puts dockerd).</summary>
    public static string? Find(string tool) =>
        SearchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, tool))
            .FirstOrDefault(File.Exists);

    /// <summary>PATH plus the sbin directories, for daemons that start helpers such as runc.</summary>
    public static string SearchPath =>
        string.Join(Path.PathSeparator, [Environment.GetEnvironmentVariable("PATH") ?? string.Empty, "/usr/local/sbin", "/usr/sbin", "/sbin"]);
}
