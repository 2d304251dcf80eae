using System.CommandLine;
using Microsoft.Extensions.Options;

namespace Berth.Server.Hosting;

/// <summary>
/// The <c>berth</c> executable: <c>berth serve [--urls URL] [--data DIR]</c>, <c>berth account create|list</c>,
/// <c>berth gc [--dry-run]</c>, <c>berth replication destination|backfill|status</c>, <c>berth vulnerabilities import PATH</c>, <c>berth explain REQUEST-ID</c>.
/// </summary>
internal static class BerthCommandLine
{
    public static Task<int> RunAsync(string[] args)
    {
        var urls = new Option<string?>("--urls") { Description = "Where to listen (default http://127.0.0.1:5000); same as Berth:Urls." };
        var data = new Option<string?>("--data") { Description = "The data directory (default ./berth-data); same as Berth:DataDirectory." };
        var serve = new Command("serve", "Run the registry.") { urls, data };
        serve.SetAction((parse, cancellationToken) => ServeAsync(parse.GetValue(urls), parse.GetValue(data), cancellationToken));
        var root = new RootCommand("Berth: an Amazon ECR compatible container registry.") { serve, AccountCommands.Create(data), GarbageCollectionCommand.Create(data), ReplicationCommands.Create(data),
            VulnerabilitiesCommand.Create(data), ExplainCommand.Create(data), Tls.CertificateCommand.Create(),
            BackupCommands.CreateBackup(data), BackupCommands.CreateRestore(data) };

        // The host handles SIGINT and SIGTERM itself and stops gracefully.
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    /// <summary>The command line's settings, strongest of all configuration sources.</summary>
    public static Dictionary<string, string?> Overrides(string? urls, string? data)
    {
        var overrides = new Dictionary<string, string?>();
        if (urls is not null)
        {
            overrides["Berth:Urls"] = urls;
        }

        if (data is not null)
        {
            overrides["Berth:DataDirectory"] = data;
        }

        return overrides;
    }

    private static async Task<int> ServeAsync(string? urls, string? data, CancellationToken cancellationToken)
    {
        var overrides = Overrides(urls, data);
        WebApplication app;
        try
        {
            app = BerthApplication.Create(configuration => configuration.AddInMemoryCollection(overrides));
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OptionsValidationException or InvalidOperationException or FormatException)
        {
            await Console.Error.WriteLineAsync($"berth: cannot start: {e.Message}").ConfigureAwait(false);
            return 2;
        }

        await app.WaitForShutdownAsync(CancellationToken.None).ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        return 0;
    }
}
