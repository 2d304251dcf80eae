using System.CommandLine;
using System.Globalization;
using Berth.Core.Scanning;
using Berth.Core.Scanning.Feed;
using Berth.Storage;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Berth.Server.Hosting;

/// <summary>
/// <c>berth vulnerabilities import PATH [--data DIR]</c>: imports an OSV feed (a zip such as osv.dev's
/// <c>Debian/all.zip</c>, or a directory of record files) into the metadata store the configuration names, safe while
/// servers run. Its time becomes the vulnerabilitySourceUpdatedAt of later scans, and images of CONTINUOUS_SCAN
/// repositories are queued for a rescan. On a terminal it draws a progress bar. Exit codes: 0 done, 1 the path is
/// not there, 2 cannot start.
/// </summary>
internal static class VulnerabilitiesCommand
{
    public static Command Create(Option<string?> data)
    {
        var path = new Argument<string>("PATH") { Description = "An OSV zip (e.g. osv.dev's Debian/all.zip) or a directory of OSV JSON records." };
        var import = new Command("import", "Import an OSV vulnerability feed for image scanning; nothing is fetched from the network.") { path, data };
        import.SetAction((parse, cancellationToken) => ImportAsync(parse.GetValue(path)!, parse.GetValue(data), cancellationToken));
        return new Command("vulnerabilities", "Manage the offline vulnerability feed image scans match against.") { import };
    }

    private static async Task<int> ImportAsync(string path, string? data, CancellationToken cancellationToken)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            await Console.Error.WriteLineAsync($"berth: no OSV zip or directory at '{path}'.").ConfigureAwait(false);
            return 1;
        }

        var app = await CommandHost.OpenAsync(data, verifyMasterKey: false, cancellationToken).ConfigureAwait(false);
        if (app is null)
        {
            return 2;
        }

        await using (app.ConfigureAwait(false))
        {
            var importer = new OsvFeedImporter(app.Services.GetRequiredService<IVulnerabilityFeed>(), app.Services.GetRequiredService<TimeProvider>());
            OsvImportReport report;
            if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
            {
                report = await importer.ImportAsync(path, null, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                report = await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .StartAsync(async context =>
                    {
                        var task = context.AddTask("Importing OSV records");
                        var progress = new Progress<(int Done, int Total)>(p =>
                        {
                            task.MaxValue = Math.Max(1, p.Total);
                            task.Value = p.Done;
                        });
                        var result = await importer.ImportAsync(path, progress, cancellationToken).ConfigureAwait(false);
                        task.Value = task.MaxValue;
                        return result;
                    }).ConfigureAwait(false);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Imported {report.Imported} vulnerability records ({report.Skipped} files skipped) in {report.Duration.TotalSeconds:0.###} s; " +
                $"vulnerabilitySourceUpdatedAt {report.ImportedAt:O}; {report.RescansQueued} continuous rescans queued."));
            return 0;
        }
    }
}
