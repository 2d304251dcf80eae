using System.Security.Cryptography;
using Berth.Server.Tests.Durability;
using Berth.Server.Tests.Registries;

namespace Berth.Server.Tests.GarbageCollection;

/// <summary>The real <c>berth gc</c> on a data directory: a dry run lists and keeps, a run removes, bad options are refused.</summary>
public sealed class GarbageCollectionCommandTests
{
    [Fact]
    public async Task ADryRunPrintsTheBlobAndItsBytesAndARunRemovesItWhileReferencedBlobsStay()
    {
        var data = BerthProcess.NewDataDirectory();
        var kept = new ImageWorkload();
        await using (var berth = await BerthProcess.StartAsync(data))
        {
            await kept.RunAsync([berth.Client], workers: 1, rounds: 1);
        }

        var garbage = RandomNumberGenerator.GetBytes(777);
        var hex = Convert.ToHexStringLower(SHA256.HashData(garbage));
        var path = Path.Combine(data, "blobs", "sha256", hex[..2], hex);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, garbage);

        var dryRun = await BerthCli.RunAsync(data, "gc", "--dry-run", "--grace-period", "00:00:00");

        Assert.True(dryRun.ExitCode == 0, dryRun.StandardError);
        Assert.Contains($"would remove blob sha256:{hex} 777 bytes", dryRun.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Would remove 1 blobs (777 bytes)", dryRun.StandardOutput, StringComparison.Ordinal);
        Assert.True(File.Exists(path));

        var run = await BerthCli.RunAsync(data, "gc", "--grace-period", "00:00:00");

        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Contains("Removed 1 blobs (777 bytes)", run.StandardOutput, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
        Assert.Equal(
            kept.ReferencedBlobs().Keys.Order(StringComparer.Ordinal),
            (await StoreConsistency.AssertBlobsMatchTheirNamesAsync(Path.Combine(data, "blobs"))).Order(StringComparer.Ordinal));
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task AGracePeriodThatIsNotATimeSpanIsRefusedNamingTheOption()
    {
        var data = BerthProcess.NewDataDirectory();

        var result = await BerthCli.RunAsync(data, "gc", "--grace-period", "an hour");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--grace-period 'an hour' is not a non-negative time span", result.StandardError, StringComparison.Ordinal);
        Directory.Delete(data, recursive: true);
    }
}
