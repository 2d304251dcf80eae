using System.CommandLine;
using System.Globalization;
using Berth.Core.GarbageCollection;
using Berth.Server.BackgroundJobs;
using Berth.Storage;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Berth.Server.Hosting;

/// <summary>
/// <c>berth gc [--data DIR] [--dry-run] [--grace-period TIME]</c>: one garbage-collection cycle by hand, against the
/// stores the configuration names (a data directory, or a cluster's PostgreSQL and S3 through Berth__… settings),
/// safe while servers run. With <c>--dry-run</c> it prints each blob and abandoned upload it would remove and the
/// bytes, and changes nothing. On a terminal it draws a progress bar. Exit codes: 0 done, 1 another process holds
/// the garbage-collection lease, 2 cannot start (bad configuration or option).
/// </summary>
internal static class GarbageCollectionCommand
{
    public static Command Create(Option<string?> data)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would be removed, and the bytes; change nothing." };
        var grace = new Option<string?>("--grace-period")
        {
            Description = "Unlink only links older than this, remove only blobs unreferenced for longer than this (d.hh:mm:ss); default Berth:GarbageCollection:GracePeriod.",
        };
        var command = new Command("gc", "Run one garbage-collection cycle: unlink blobs no image of their repository references, delete blobs nothing references and what abandoned uploads left.") { data, dryRun, grace };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(data), parse.GetValue(dryRun), parse.GetValue(grace), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string? data, bool dryRun, string? graceText, CancellationToken cancellationToken)
    {
        TimeSpan? graceOverride = null;
        if (graceText is not null)
        {
            if (!TimeSpan.TryParse(graceText, CultureInfo.InvariantCulture, out var parsed) || parsed < TimeSpan.Zero)
            {
                await Console.Error.WriteLineAsync($"berth: --grace-period '{graceText}' is not a non-negative time span (d.hh:mm:ss, e.g. 01:00:00).").ConfigureAwait(false);
                return 2;
            }

            graceOverride = parsed;
        }

        var app = await CommandHost.OpenAsync(data, verifyMasterKey: false, cancellationToken).ConfigureAwait(false);
        if (app is null)
        {
            return 2;
        }

        await using (app.ConfigureAwait(false))
        {
            var grace = graceOverride ?? app.Services.GetRequiredService<IOptions<BerthOptions>>().Value.GarbageCollection.GracePeriod;
            var collector = app.Services.GetRequiredService<GarbageCollector>();
            GarbageCollectionReport? report = null;
            async Task CycleAsync(CancellationToken ct) => report = await WithProgressAsync(p => collector.RunAsync(grace, dryRun, p, ct)).ConfigureAwait(false);

            if (dryRun)
            {
                // Reads only: no lease needed, and a running sweep does not stop it.
                await CycleAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var lease = app.Services.GetRequiredService<GarbageCollectionLease>();
                if (!await lease.TryRunAsync(CycleAsync, cancellationToken).ConfigureAwait(false))
                {
                    await Console.Error.WriteLineAsync("berth: another process holds the garbage-collection lease (a cycle is running); try again later.").ConfigureAwait(false);
                    return 1;
                }

                await lease.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
            }

            Print(report!, grace);
            return 0;
        }
    }

    private static void Print(GarbageCollectionReport report, TimeSpan grace)
    {
        var verb = report.DryRun ? "would remove" : "removed";
        if (report.DryRun)
        {
            foreach (var link in report.Unlinked)
            {
                Console.WriteLine($"would unlink blob {link.Digest} from repository {link.Repository} of {link.Registry.AccountId}/{link.Registry.Region} (no image of it references the blob)");
            }

            foreach (var blob in report.Removed)
            {
                Console.WriteLine($"{verb} blob {blob.Digest} {blob.Size} bytes");
            }

            foreach (var upload in report.UploadsRemoved)
            {
                Console.WriteLine($"{verb} upload {upload}");
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(report.DryRun ? "Would unlink" : "Unlinked")} {report.Unlinked.Count} blobs from repositories whose images no longer reference them."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(report.DryRun ? "Would remove" : "Removed")} {report.Removed.Count} blobs ({report.BytesRemoved} bytes) and {report.UploadsRemoved.Count} abandoned uploads; " +
            $"{report.BlobsExamined} blobs examined, {report.Waiting} unreferenced for less than the grace period ({grace:c}); {report.Duration.TotalSeconds:0.###} s."));
        if (report.Leftovers.Count > 0 || report.UnfinishedWritesAborted > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(report.DryRun ? "Would remove" : "Removed")} {report.Leftovers.Count} unused staged pieces ({report.Leftovers.Bytes} bytes) of idle uploads and " +
                $"{(report.DryRun ? "would abort" : "aborted")} {report.UnfinishedWritesAborted} unfinished multipart writes."));
        }

        if (report.TombstonesResumed > 0)
        {
            Console.WriteLine($"Finished {report.TombstonesResumed} deletions an interrupted cycle had started.");
        }
    }

    /// <summary>Runs the cycle under a Spectre.Console progress display when stdout is a terminal; plainly otherwise.</summary>
    private static async Task<GarbageCollectionReport> WithProgressAsync(Func<IProgress<GarbageCollectionProgress>?, Task<GarbageCollectionReport>> run)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            return await run(null).ConfigureAwait(false);
        }

        return await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async context => await run(new PhaseProgress(context)).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>One bar per phase; a phase whose total is not known yet spins.</summary>
    private sealed class PhaseProgress(ProgressContext context) : IProgress<GarbageCollectionProgress>
    {
        private readonly Dictionary<string, ProgressTask> _tasks = [];

        public void Report(GarbageCollectionProgress value)
        {
            if (!_tasks.TryGetValue(value.Phase, out var task))
            {
                foreach (var other in _tasks.Values)
                {
                    other.StopTask();
                }

                task = context.AddTask(value.Phase);
                _tasks[value.Phase] = task;
            }

            task.IsIndeterminate = value.Total is null;
            task.MaxValue = Math.Max(1, value.Total ?? value.Done);
            task.Value = value.Done;
            if (value.Total is { } total && value.Done >= total)
            {
                task.Value = task.MaxValue;
                task.StopTask();
            }
        }
    }
}
