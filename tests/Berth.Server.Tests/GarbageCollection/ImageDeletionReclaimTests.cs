using System.Text.RegularExpressions;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;
using Berth.Server.Tests.Registries;

namespace Berth.Server.Tests.GarbageCollection;

/// <summary>
/// Deleting an image gives back the bytes only it used: two images sharing a base layer are pushed with skopeo to a
/// server that behaves as ECR, one is deleted (aws ecr batch-delete-image, or a lifecycle rule), and a collection
/// (<c>berth gc</c> beside the running server, or the server's own job) deletes that image's config and own layer
/// from the blob store, keeps the shared layer, and the other image still pulls byte-identical.
/// </summary>
public sealed partial class ImageDeletionReclaimTests
{
    [SkippableFact]
    public async Task BerthGcReclaimsTheLayersOnlyABatchDeletedImageUsedAndTheDryRunReportsTheSameFigures()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool);
        await using var server = await BerthTestServer.StartEcrAsync();
        var pushed = await PushTwoImagesAsync(server);

        await pushed.Aws.RunAsync("ecr", "batch-delete-image", "--repository-name", pushed.Repository, "--image-ids", "imageTag=deleted");
        var gone = pushed.Deleted.Blobs.Where(b => !pushed.Kept.Blobs.Contains(b)).ToList();
        Assert.Equal(2, gone.Count);
        var bytes = gone.Sum(b => b.Size);

        var dryRun = await BerthCli.RunAsync(server.DataDirectory, "gc", "--dry-run", "--grace-period", "00:00:00");

        Assert.True(dryRun.ExitCode == 0, dryRun.StandardError);
        Assert.Contains("Would unlink 2 blobs from repositories whose images no longer reference them.", dryRun.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"Would remove 2 blobs ({bytes} bytes)", dryRun.StandardOutput, StringComparison.Ordinal);
        foreach (var blob in gone)
        {
            Assert.Contains($"would unlink blob {blob.Digest} from repository {pushed.Repository} of ", dryRun.StandardOutput, StringComparison.Ordinal);
            Assert.Contains($"would remove blob {blob.Digest} {blob.Size} bytes", dryRun.StandardOutput, StringComparison.Ordinal);
        }

        Assert.All(pushed.Deleted.Blobs.Concat(pushed.Kept.Blobs), b => Assert.True(File.Exists(BlobPath(server, b)), b.Digest));

        var run = await BerthCli.RunAsync(server.DataDirectory, "gc", "--grace-period", "00:00:00");

        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Contains("Unlinked 2 blobs from repositories whose images no longer reference them.", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"Removed 2 blobs ({bytes} bytes)", run.StandardOutput, StringComparison.Ordinal);
        Assert.All(gone, b => Assert.False(File.Exists(BlobPath(server, b)), b.Digest));
        Assert.All(pushed.Kept.Blobs, b => Assert.True(File.Exists(BlobPath(server, b)), b.Digest));
        await AssertPullsByteIdenticalAsync(server, pushed);

        // Nothing left to do: a second cycle finds nothing.
        var again = await BerthCli.RunAsync(server.DataDirectory, "gc", "--grace-period", "00:00:00");
        Assert.Contains("Unlinked 0 blobs", again.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Removed 0 blobs (0 bytes)", again.StandardOutput, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task TheServersJobsExpireAnImageByItsLifecyclePolicyAndReclaimTheLayersOnlyItUsed()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool);

        // A grace period of a few seconds: a push's blobs stay linked while its manifest is on its way.
        await using var server = await BerthTestServer.StartEcrAsync(new Dictionary<string, string?>
        {
            ["Berth:Lifecycle:Interval"] = "00:00:01",
            ["Berth:GarbageCollection:Interval"] = "00:00:01",
            ["Berth:GarbageCollection:GracePeriod"] = "00:00:03",
        });
        var pushed = await PushTwoImagesAsync(server);
        var gone = pushed.Deleted.Blobs.Where(b => !pushed.Kept.Blobs.Contains(b)).ToList();

        await pushed.Aws.RunAsync(
            "ecr", "put-lifecycle-policy", "--repository-name", pushed.Repository, "--lifecycle-policy-text",
            """{"rules":[{"rulePriority":1,"description":"keep only the newest image","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}""");

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (gone.Any(b => File.Exists(BlobPath(server, b))) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Assert.All(gone, b => Assert.False(File.Exists(BlobPath(server, b)), b.Digest));
        Assert.All(pushed.Kept.Blobs, b => Assert.True(File.Exists(BlobPath(server, b)), b.Digest));
        var images = await pushed.Aws.RunAsync("ecr", "list-images", "--repository-name", pushed.Repository);
        Assert.Equal(["kept"], images.GetProperty("imageIds").EnumerateArray().Select(i => i.GetProperty("imageTag").GetString()));
        await AssertPullsByteIdenticalAsync(server, pushed);
    }

    /// <summary>Pushes "deleted" then "kept", each a base layer they share, a layer of its own and a config.</summary>
    private static async Task<Pushed> PushTwoImagesAsync(BerthTestServer server)
    {
        var aws = new AwsCli(server);
        var repository = BerthTestServer.NewRepositoryName("reclaim");
        await aws.RunAsync("ecr", "create-repository", "--repository-name", repository);
        var password = (await aws.RunRawAsync(["ecr", "get-login-password"])).StandardOutput.Trim();
        var layout = new OciLayoutWriter(Path.Combine(server.DataDirectory, "test-layout"));
        var baseImage = TestImageFactory.WriteImage(layout, layerCount: 1);
        var deleted = TestImageFactory.WriteImage(layout, layerCount: 1, onTopOf: baseImage);
        var kept = TestImageFactory.WriteImage(layout, layerCount: 1, onTopOf: baseImage);
        layout.Tag(deleted.Descriptor, "deleted");
        layout.Tag(kept.Descriptor, "kept");
        var host = server.BaseAddress.Authority;
        foreach (var tag in new[] { "deleted", "kept" })
        {
            await Skopeo.CopyAsync($"oci:{layout.Directory}:{tag}", $"docker://{host}/{repository}:{tag}", "--dest-creds", "AWS:" + password);
        }

        Assert.Equal(deleted.Layers[0], kept.Layers[0]);
        return new Pushed(aws, repository, password, layout.Directory, deleted, kept);
    }

    private static async Task AssertPullsByteIdenticalAsync(BerthTestServer server, Pushed pushed)
    {
        var copy = pushed.Layout + "-pulled";
        await Skopeo.CopyAsync($"docker://{server.BaseAddress.Authority}/{pushed.Repository}:kept", $"oci:{copy}:kept", "--src-creds", "AWS:" + pushed.Password);
        Assert.Equal(pushed.Kept.ManifestDigest, OciLayout.Find(copy, "kept").Digest);
        Assert.Equal(pushed.Kept.Manifest, OciLayout.ReadBlob(copy, pushed.Kept.ManifestDigest));
        foreach (var blob in pushed.Kept.Blobs)
        {
            Assert.Equal(OciLayout.ReadBlob(pushed.Layout, blob.Digest), OciLayout.ReadBlob(copy, blob.Digest));
        }
    }

    private static string BlobPath(BerthTestServer server, OciDescriptor blob)
    {
        var hex = HexOf().Match(blob.Digest).Groups[1].Value;
        return Path.Combine(server.DataDirectory, "blobs", "sha256", hex[..2], hex);
    }

    [GeneratedRegex("^sha256:([0-9a-f]{64})\\z")]
    private static partial Regex HexOf();

    private sealed record Pushed(AwsCli Aws, string Repository, string Password, string Layout, TestImage Deleted, TestImage Kept);
}
