using System.CommandLine;
using System.Globalization;
using Berth.Storage;
using Spectre.Console;

namespace Berth.Server.Hosting;

/// <summary>
/// <c>berth backup --data DIR --to PATH</c> and <c>berth restore --from PATH --data DIR</c> for the embedded store
/// (SQLite + filesystem blobs; <see cref="EmbeddedBackup"/> explains why the copy is consistent while pushes go on).
/// They read the same settings as <c>serve</c> (appsettings.json, <c>Berth__…</c> variables, <c>--data</c>), without
/// opening the stores the way a server does. Exit codes: 0 done, 1 failed (a referenced blob vanished, a damaged blob,
/// a restore over existing data), 2 bad options or a deployment these commands do not cover (PostgreSQL, S3).
/// </summary>
internal static class BackupCommands
{
    public static Command CreateBackup(Option<string?> data)
    {
        var to = new Option<string>("--to") { Description = "The backup directory (created; an earlier backup there is updated).", Required = true };
        var backup = new Command("backup", "Copy the embedded store (SQLite + blobs) while the server runs.") { data, to };
        backup.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(data), async (paths, ct) =>
        {
            var destination = Path.GetFullPath(parse.GetValue(to)!);
            var report = await WithProgressAsync(progress => EmbeddedBackup.BackupAsync(paths.Database, paths.Blobs, paths.MasterKeyFile, destination, progress, ct)).ConfigureAwait(false);
            if (report.Missing.Count > 0)
            {
                await Console.Error.WriteLineAsync($"berth: backup incomplete: {report.Missing.Count} blobs the snapshot refers to were deleted while it ran (garbage collection), e.g. {report.Missing[0]}; run the backup again.").ConfigureAwait(false);
                return 1;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Backed up {paths.Database} and {paths.Blobs} to {destination}: {report.BlobsCopied} blobs copied ({report.BytesCopied} bytes), {report.BlobsSkipped} already there."));
            if (paths.MasterKeyFile is null)
            {
                Console.WriteLine("The master key comes from Berth:MasterKey, not a file: keep it with the backup, which cannot be read without it.");
            }

            return 0;
        }, cancellationToken));
        return backup;
    }

    public static Command CreateRestore(Option<string?> data)
    {
        var from = new Option<string>("--from") { Description = "A directory written by 'berth backup'.", Required = true };
        var restore = new Command("restore", "Restore a backup into a fresh data directory.") { from, data };
        restore.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(data), async (paths, ct) =>
        {
            var source = Path.GetFullPath(parse.GetValue(from)!);
            await EmbeddedBackup.RestoreAsync(source, paths.Database, paths.Blobs, paths.MasterKeyFile ?? Path.Combine(paths.DataDirectory, EmbeddedBackup.MasterKeyFile), ct).ConfigureAwait(false);
            Console.WriteLine($"Restored {source} into {paths.DataDirectory}; start it with 'berth serve --data {paths.DataDirectory}'.");
            return 0;
        }, cancellationToken));
        return restore;
    }

    private static async Task<int> RunAsync(string? data, Func<StorePaths, CancellationToken, Task<int>> action, CancellationToken cancellationToken)
    {
        StorePaths paths;
        try
        {
            paths = StorePaths.Read(data);
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync($"berth: {e.Message}").ConfigureAwait(false);
            return 2;
        }

        try
        {
            return await action(paths, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or InvalidDataException or Microsoft.Data.Sqlite.SqliteException)
        {
            await Console.Error.WriteLineAsync($"berth: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>Under a Spectre.Console progress bar when stdout is a terminal; plainly otherwise.</summary>
    private static async Task<EmbeddedBackup.BackupReport> WithProgressAsync(Func<IProgress<(int Done, int Total)>?, Task<EmbeddedBackup.BackupReport>> run)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            return await run(null).ConfigureAwait(false);
        }

        return await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("blobs");
                return await run(new Progress<(int Done, int Total)>(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                })).ConfigureAwait(false);
            }).ConfigureAwait(false);
    }

    /// <summary>Where the embedded store of this configuration lives.</summary>
    private sealed record StorePaths(string DataDirectory, string Database, string Blobs, string? MasterKeyFile)
    {
        public static StorePaths Read(string? data)
        {
            var configuration = new ConfigurationBuilder()
                .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
                .AddEnvironmentVariables()
                .AddInMemoryCollection(BerthCommandLine.Overrides(null, data))
                .Build();
            var options = configuration.GetSection(BerthOptions.Section).Get<BerthOptions>() ?? new BerthOptions();
            var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
            if (storage.Metadata.Type != "Sqlite" || storage.Blobs.Type != "FileSystem")
            {
                throw new InvalidOperationException(
                    "'berth backup' and 'berth restore' cover the embedded store (Berth:Storage:Metadata:Type Sqlite, Berth:Storage:Blobs:Type FileSystem); " +
                    "back up PostgreSQL and S3 with their own tools (see the README, \"Backups\").");
            }

            var directory = Path.GetFullPath(options.DataDirectory);
            return new StorePaths(
                directory,
                Resolve(directory, storage.Metadata.Sqlite.Path, EmbeddedBackup.DatabaseFile),
                Resolve(directory, storage.Blobs.FileSystem.Root, EmbeddedBackup.BlobsDirectory),
                string.IsNullOrEmpty(options.MasterKey) ? Path.Combine(directory, EmbeddedBackup.MasterKeyFile) : null);
        }

        private static string Resolve(string directory, string? configured, string defaultName) =>
            Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? Path.Combine(directory, defaultName) : Path.Combine(directory, configured));
    }
}
