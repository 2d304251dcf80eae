using Berth.Server.Tests.Clients.Tools;

namespace Berth.Server.Tests.Registries;

/// <summary>The real <c>berth</c> executable (<c>dotnet berth.dll …</c>, built next to the tests) on a data directory.</summary>
public static class BerthCli
{
    public static Task<ProcessResult> RunAsync(string dataDirectory, params string[] arguments) =>
        ProcessRunner.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "berth.dll"), .. arguments, "--data", dataDirectory],
            new ProcessRunOptions { AllowFailure = true, Timeout = TimeSpan.FromMinutes(2), Environment = new Dictionary<string, string?> { ["Logging__LogLevel__Default"] = "Warning" } });
}
