using System.Security.Cryptography;
using Berth.Server.Tests.Durability;
using Microsoft.Data.Sqlite;

namespace Berth.Server.Tests.GarbageCollection;

/// <summary>
/// The real berth process is killed with SIGKILL in the middle of a sweep (frozen while it holds tombstones, between
/// writing a batch's tombstones and removing them, then killed), then started again on the same data directory: nothing a
/// kept image references is lost, and the restarted process finishes the sweep so that nothing unreferenced stays.
/// </summary>
public sealed class GarbageCollectionCrashTests
{
    private const int GarbageBlobs = 30_000;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    // How often the states that pass quickly (a batch's tombstones, the threads stopping) are looked at.
    private static readonly TimeSpan Quick = TimeSpan.FromMilliseconds(5);

    [Fact]
    public async Task ASweepKilledMidwayIsFinishedAfterRestartAndKeepsEveryReferencedBlob()
    {
        var data = BerthProcess.NewDataDirectory();
        var environment = new Dictionary<string, string>
        {
            ["Berth__GarbageCollection__Interval"] = "00:00:01",
            ["Berth__GarbageCollection__GracePeriod"] = "00:00:10",
        };
        var workload = new ImageWorkload();
        var blobs = Path.Combine(data, "blobs");

        await using (var berth = await BerthProcess.StartAsync(data, environment))
        {
            await workload.RunAsync([berth.Client], workers: 2, rounds: 6);

            // Garbage written straight into the layout, older than the grace period: a sweep of many batches.
            WriteGarbage(blobs, GarbageBlobs);
            // Seen holding tombstones, the process is frozen (SIGSTOP) and looked at again: if a batch finished in
            // between it runs on, else it is killed in exactly the state just seen.
            while (true)
            {
                await WaitUntilAsync(async () => await CountAsync(berth.DatabasePath, "gc_tombstones") > 0, "a sweep holds tombstones", Quick);
                await SignalAsync("STOP", berth.ProcessId);
                // kill returns once the signal is sent, not once every thread has stopped: a thread in the middle of a
                // commit could finish it after the look below (seen once under a loaded CI run: tombstones seen, none
                // after the kill). Only when every thread is in state T is the database what the kill will leave.
                await WaitUntilAsync(() => Task.FromResult(AllThreadsStopped(berth.ProcessId)), "every thread of the process is stopped", Quick);
                // A reader sees what the shared-memory WAL index says is committed; a writer stopped after writing a
                // commit frame to the WAL but before updating that index (seen in CI after the wait above was added:
                // tombstones seen, none after the kill) has a commit the reader does not see and the recovery after
                // the kill does. A copy of the files without the index is recovered from the WAL as a restart would
                // be: exactly what the kill leaves.
                if (await CountAfterCrashAsync(berth.DatabasePath, "gc_tombstones") > 0)
                {
                    break;
                }

                await SignalAsync("CONT", berth.ProcessId);
            }

            await berth.KillAsync();
        }

        var left = await StoreConsistency.AssertBlobsMatchTheirNamesAsync(blobs);
        Assert.True(left.Count > workload.ReferencedBlobs().Count, "the kill came after the sweep had finished; nothing was interrupted");
        Assert.True(await CountAsync(Path.Combine(data, "berth.db"), "gc_tombstones") > 0, "the kill left no tombstones to resume");
        await StoreConsistency.AssertDatabaseIsSoundAsync(Path.Combine(data, "berth.db"), blobs);

        await using (var restarted = await BerthProcess.StartAsync(data, environment))
        {
            var expected = workload.ReferencedBlobs();
            await WaitUntilAsync(
                async () => Directory.EnumerateFiles(Path.Combine(blobs, "sha256"), "*", SearchOption.AllDirectories).Count() == expected.Count
                    && await CountAsync(restarted.DatabasePath, "gc_tombstones") == 0,
                "the restarted process finished the sweep");

            var stored = await StoreConsistency.AssertBlobsMatchTheirNamesAsync(blobs);
            Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
            Assert.Equal(expected.Values.Sum(), stored.Sum(d => new FileInfo(Path.Combine(blobs, "sha256", d[7..9], d[7..])).Length));
            await workload.AssertKeptImagesPullAsync(restarted.Client);
            await StoreConsistency.AssertDatabaseIsSoundAsync(restarted.DatabasePath, blobs);
        }

        Directory.Delete(data, recursive: true);
    }

    private static async Task SignalAsync(string signal, int processId)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", processId.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Whether every thread of the process is stopped by a signal (state T in /proc/PID/task/TID/stat).</summary>
    private static bool AllThreadsStopped(int processId)
    {
        foreach (var task in Directory.EnumerateDirectories($"/proc/{processId}/task"))
        {
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (IOException)
            {
                continue; // a thread that ended meanwhile
            }

            // "TID (comm) S ...": the comm may hold spaces and parentheses, the state follows the last ')'.
            var state = stat[(stat.LastIndexOf(')') + 2)..].TrimStart()[0];
            if (state is not ('T' or 't'))
            {
                return false;
            }
        }

        return true;
    }

    private static void WriteGarbage(string blobs, int count)
    {
        var old = DateTime.UtcNow.AddHours(-2);
        for (var i = 0; i < count; i++)
        {
            var content = RandomNumberGenerator.GetBytes(64);
            var hex = Convert.ToHexStringLower(SHA256.HashData(content));
            var directory = Path.Combine(blobs, "sha256", hex[..2]);
            Directory.CreateDirectory(directory);
            var path = Path.Combine(directory, hex);
            File.WriteAllBytes(path, content);
            File.SetLastWriteTimeUtc(path, old);
        }
    }

    /// <summary>Counts <paramref name="table"/>'s rows as a process opening the database after a crash would see them.</summary>
    private static async Task<long> CountAfterCrashAsync(string databasePath, string table)
    {
        var copy = Directory.CreateTempSubdirectory("berth-gc-crash-");
        try
        {
            var copied = Path.Combine(copy.FullName, "berth.db");
            File.Copy(databasePath, copied);
            if (File.Exists(databasePath + "-wal"))
            {
                File.Copy(databasePath + "-wal", copied + "-wal");
            }

            return await CountAsync(copied, table, SqliteOpenMode.ReadWrite); // recovery writes the -shm it rebuilds
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }

    private static async Task<long> CountAsync(string databasePath, string table, SqliteOpenMode mode = SqliteOpenMode.ReadOnly)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = mode, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {table}";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? poll = null)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out after {Deadline} waiting until {what}");
            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(200));
        }
    }
}
