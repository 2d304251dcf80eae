using System.Net;
using System.Text.Json;
using Berth.Server.Tests.Ecr;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Lifecycle;

/// <summary>
/// Archived images with the real aws CLI: listed and described only with an imageStatus filter that asks for them,
/// their status and archive time in ImageDetail, their layers ARCHIVED in BatchCheckLayerAvailability, and restored by
/// pushing the same image again (the user guide: "restored as an active image by manually selecting it to be restored
/// or by re-pushing the image to the repository").
/// </summary>
public sealed class ArchivedImageTests(EcrRegistry ecr) : IClassFixture<EcrRegistry>
{
    [Fact]
    public async Task ArchivedImagesAreListedAndDescribedOnlyWhenTheImageStatusFilterAsksForThem()
    {
        var repository = await ecr.NewRepositoryAsync();
        var (activeManifest, _, _) = await ecr.PrepareImageAsync(repository);
        var (archivedManifest, _, _) = await ecr.PrepareImageAsync(repository);
        var active = await ecr.PutImageAsync(repository, activeManifest, "active");
        var archived = await ecr.PutImageAsync(repository, archivedManifest, "old");
        await ecr.Aws.RunAsync("ecr", "update-image-storage-class", "--repository-name", repository, "--image-id", "imageTag=old", "--target-storage-class", "ARCHIVE");

        Assert.Equal([active], await ListAsync(repository));
        Assert.Equal([active], await ListAsync(repository, "imageStatus=ACTIVE"));
        Assert.Equal([archived], await ListAsync(repository, "imageStatus=ARCHIVED"));
        Assert.Equal(new[] { active, archived }.Order(StringComparer.Ordinal), await ListAsync(repository, "imageStatus=ANY"));
        Assert.Empty(await ListAsync(repository, "imageStatus=ACTIVATING"));
        Assert.Equal([archived], await ListAsync(repository, "tagStatus=TAGGED,imageStatus=ARCHIVED"));
        Assert.Empty(await ListAsync(repository, "tagStatus=UNTAGGED,imageStatus=ARCHIVED"));

        var described = await DescribeAsync(repository);
        var onlyArchived = await DescribeAsync(repository, "--filter", "imageStatus=ARCHIVED");
        var byId = await DescribeAsync(repository, "--image-ids", "imageTag=old");

        Assert.Equal([active], described.Select(d => d.GetProperty("imageDigest").GetString()));
        Assert.Equal("ACTIVE", described[0].GetProperty("imageStatus").GetString());
        Assert.False(described[0].TryGetProperty("lastArchivedAt", out _));
        Assert.Equal([archived], onlyArchived.Select(d => d.GetProperty("imageDigest").GetString()));
        Assert.Equal("ARCHIVED", onlyArchived[0].GetProperty("imageStatus").GetString());
        Assert.True(onlyArchived[0].GetProperty("lastArchivedAt").GetDouble() > 0);
        Assert.Equal(["old"], onlyArchived[0].GetProperty("imageTags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("ARCHIVED", Assert.Single(byId).GetProperty("imageStatus").GetString());
    }

    [Fact]
    public async Task TheLayersOfAnArchivedImageAreArchivedInBatchCheckLayerAvailability()
    {
        var repository = await ecr.NewRepositoryAsync();
        var (activeManifest, _, _) = await ecr.PrepareImageAsync(repository);
        var (archivedManifest, _, _) = await ecr.PrepareImageAsync(repository);
        await ecr.PutImageAsync(repository, activeManifest, "active");
        await ecr.PutImageAsync(repository, archivedManifest, "old");
        await ecr.Aws.RunAsync("ecr", "update-image-storage-class", "--repository-name", repository, "--image-id", "imageTag=old", "--target-storage-class", "ARCHIVE");
        var (activeLayer, archivedLayer) = (LayerOf(activeManifest), LayerOf(archivedManifest));

        var checkedLayers = await ecr.Aws.RunAsync("ecr", "batch-check-layer-availability", "--repository-name", repository, "--layer-digests", activeLayer, archivedLayer);

        var availability = checkedLayers.GetProperty("layers").EnumerateArray()
            .ToDictionary(l => l.GetProperty("layerDigest").GetString()!, l => l.GetProperty("layerAvailability").GetString());
        Assert.Equal("AVAILABLE", availability[activeLayer]);
        Assert.Equal("ARCHIVED", availability[archivedLayer]);

        await ecr.Aws.RunAsync("ecr", "update-image-storage-class", "--repository-name", repository, "--image-id", "imageTag=old", "--target-storage-class", "STANDARD");
        var restored = await ecr.Aws.RunAsync("ecr", "batch-check-layer-availability", "--repository-name", repository, "--layer-digests", archivedLayer);
        Assert.Equal("AVAILABLE", restored.GetProperty("layers")[0].GetProperty("layerAvailability").GetString());
    }

    [Fact]
    public async Task PushingAnArchivedImageAgainRestoresIt()
    {
        var repository = await ecr.NewRepositoryAsync();
        var (manifest, digest, _) = await ecr.PrepareImageAsync(repository);
        await ecr.PutImageAsync(repository, manifest, "v1");
        await ecr.Aws.RunAsync("ecr", "update-image-storage-class", "--repository-name", repository, "--image-id", "imageTag=v1", "--target-storage-class", "ARCHIVE");
        using (var refused = await ecr.Registry.GetAsync(new Uri($"/v2/{repository}/manifests/v1", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }

        using (var pushed = await ecr.Registry.PutManifestAsync(repository, "v1", System.Text.Encoding.UTF8.GetBytes(manifest), OciTestClient.OciManifest))
        {
            Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
        }

        var detail = Assert.Single(await DescribeAsync(repository, "--image-ids", $"imageDigest={digest}"));
        Assert.Equal("ACTIVE", detail.GetProperty("imageStatus").GetString());
        Assert.True(detail.GetProperty("lastActivatedAt").GetDouble() >= detail.GetProperty("lastArchivedAt").GetDouble());
        Assert.Equal([digest], await ListAsync(repository));
        using var pulled = await ecr.Registry.GetAsync(new Uri($"/v2/{repository}/manifests/v1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, pulled.StatusCode);
        Assert.Equal(manifest, await pulled.Content.ReadAsStringAsync());
    }

    private async Task<List<string>> ListAsync(string repository, string? filter = null)
    {
        string[] options = filter is null ? [] : ["--filter", filter];
        var listed = await ecr.Aws.RunAsync(["ecr", "list-images", "--repository-name", repository, .. options]);
        return [.. listed.GetProperty("imageIds").EnumerateArray().Select(i => i.GetProperty("imageDigest").GetString()!).Distinct().Order(StringComparer.Ordinal)];
    }

    private async Task<List<JsonElement>> DescribeAsync(string repository, params string[] options)
    {
        var described = await ecr.Aws.RunAsync(["ecr", "describe-images", "--repository-name", repository, .. options]);
        return [.. described.GetProperty("imageDetails").EnumerateArray()];
    }

    private static string LayerOf(string manifest)
    {
        using var document = JsonDocument.Parse(manifest);
        return document.RootElement.GetProperty("layers")[0].GetProperty("digest").GetString()!;
    }
}
