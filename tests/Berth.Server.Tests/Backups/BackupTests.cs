using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Durability;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Backups;

/// <summary>
/// <c>berth backup</c> of a running berth while images are being pushed, <c>berth restore</c> into a fresh directory,
/// and a berth on the restored data: every image pushed before the backup began comes back byte for byte, and every
/// image the restored registry lists pulls whole (no manifest refers to a blob the backup lacks).
/// </summary>
public sealed class BackupTests : IAsyncLifetime
{
    private readonly string _work = Directory.CreateTempSubdirectory("berth-backup-tests-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(_work, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task BackupTakenDuringAPushLoopRestoresImagesThatPullByteIdentical()
    {
        var data = Path.Combine(_work, "data");
        var backup = Path.Combine(_work, "backup");
        var restored = Path.Combine(_work, "restored");
        var pushed = new List<PushedImage>();
        ProcessResult backupRun;
        int completedBeforeBackup;
        await using (var source = await BerthProcess.StartAsync(data))
        {
            using var stop = new CancellationTokenSource();
            var loop = PushLoopAsync(source.Client, pushed, stop.Token);
            while (Count(pushed) < 5)
            {
                await Task.WhenAny(loop, Task.Delay(20));
                Assert.False(loop.IsFaulted, loop.Exception?.ToString());
            }

            completedBeforeBackup = Count(pushed);
            backupRun = await BerthAsync("backup", "--data", data, "--to", backup);
            await stop.CancelAsync();
            await loop;
        }

        Assert.True(backupRun.ExitCode == 0, backupRun.ToString());
        var restore = await BerthAsync("restore", "--from", backup, "--data", restored);
        Assert.True(restore.ExitCode == 0, restore.ToString());

        await using var target = await BerthProcess.StartAsync(restored);
        foreach (var image in pushed.Take(completedBeforeBackup))
        {
            Assert.Equal(image.Manifest, await target.Client.GetByteArrayAsync(new Uri($"/v2/{image.Repository}/manifests/v1", UriKind.Relative)));
            Assert.Equal(image.Config, await target.Client.GetByteArrayAsync(new Uri($"/v2/{image.Repository}/blobs/{OciTestClient.DigestOf(image.Config)}", UriKind.Relative)));
            Assert.Equal(image.Layer, await target.Client.GetByteArrayAsync(new Uri($"/v2/{image.Repository}/blobs/{OciTestClient.DigestOf(image.Layer)}", UriKind.Relative)));
        }

        // Whatever else the snapshot caught (pushes that finished during the backup) is whole too.
        var pulled = 0;
        foreach (var repository in await ListAsync(target.Client, "/v2/_catalog?n=10000", "repositories"))
        {
            // A push caught between its blobs and its manifest left a repository without the tag: nothing to pull.
            if (!(await ListAsync(target.Client, $"/v2/{repository}/tags/list", "tags")).Contains("v1"))
            {
                continue;
            }

            var manifest = await target.Client.GetByteArrayAsync(new Uri($"/v2/{repository}/manifests/v1", UriKind.Relative));
            using var document = JsonDocument.Parse(manifest);
            var blobs = document.RootElement.GetProperty("layers").EnumerateArray().Append(document.RootElement.GetProperty("config"));
            foreach (var blob in blobs)
            {
                var digest = blob.GetProperty("digest").GetString()!;
                var bytes = await target.Client.GetByteArrayAsync(new Uri($"/v2/{repository}/blobs/{digest}", UriKind.Relative));
                Assert.Equal(digest, OciTestClient.DigestOf(bytes));
            }

            pulled++;
        }

        Assert.True(pulled >= completedBeforeBackup, $"{pulled} images restored, {completedBeforeBackup} pushed before the backup");
        Assert.Contains("Backed up", backupRun.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestoreRefusesADataDirectoryThatHoldsADatabase()
    {
        var data = Path.Combine(_work, "data");
        await using (await BerthProcess.StartAsync(data))
        {
        }

        var backup = await BerthAsync("backup", "--data", data, "--to", Path.Combine(_work, "backup"));
        var restore = await BerthAsync("restore", "--from", Path.Combine(_work, "backup"), "--data", data);

        Assert.Equal(0, backup.ExitCode);
        Assert.Equal(1, restore.ExitCode);
        Assert.Contains("restore only into a fresh data directory", restore.StandardError, StringComparison.Ordinal);
    }

    private sealed record PushedImage(string Repository, byte[] Manifest, byte[] Config, byte[] Layer);

    private static int Count(List<PushedImage> pushed)
    {
        lock (pushed)
        {
            return pushed.Count;
        }
    }

    /// <summary>Pushes one image after another (a config, a 256 KiB layer, a manifest) until stopped.</summary>
    private static async Task PushLoopAsync(HttpClient client, List<PushedImage> pushed, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var repository = $"loop/{Guid.NewGuid():N}";
            var config = Encoding.UTF8.GetBytes($"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"nonce\":\"{Guid.NewGuid()}\"}}");
            var layer = RandomNumberGenerator.GetBytes(256 * 1024);
            var configDigest = await client.PushBlobAsync(repository, config);
            var layerDigest = await client.PushBlobAsync(repository, layer);
            var manifest = OciTestClient.ImageManifest(configDigest, config.Length, [(layerDigest, layer.Length)]);
            using var response = await client.PutManifestAsync(repository, "v1", manifest, OciTestClient.OciManifest);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            lock (pushed)
            {
                pushed.Add(new PushedImage(repository, manifest, config, layer));
            }
        }
    }

    private static async Task<List<string>> ListAsync(HttpClient client, string path, string property)
    {
        using var document = JsonDocument.Parse(await client.GetStringAsync(new Uri(path, UriKind.Relative)));
        return document.RootElement.TryGetProperty(property, out var list) && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray().Select(e => e.GetString()!)]
            : [];
    }

    private static Task<ProcessResult> BerthAsync(params string[] arguments) =>
        ProcessRunner.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "berth.dll"), .. arguments], new ProcessRunOptions { AllowFailure = true });
}
