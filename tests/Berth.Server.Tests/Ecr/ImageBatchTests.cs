using System.Net;
using System.Text;
using System.Text.Json;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Ecr;

/// <summary><c>aws ecr batch-get-image</c> and <c>batch-delete-image</c>: images, failures and what is left.</summary>
public sealed class ImageBatchTests(EcrRegistry ecr) : IClassFixture<EcrRegistry>
{
    [Fact]
    public async Task BatchGetImageReturnsTheManifestsFoundAndAFailurePerOtherId()
    {
        var repository = await ecr.NewRepositoryAsync();
        var (manifest, digest) = await ecr.Registry.PushImageAsync(repository, "v1");
        var other = "sha256:" + new string('d', 64);

        var result = await ecr.Aws.RunAsync(
            "ecr", "batch-get-image", "--repository-name", repository,
            "--image-ids", "imageTag=v1", "imageTag=nope", "imageDigest=sha256:XYZ", $"imageTag=v1,imageDigest={other}");

        var image = result.GetProperty("images").EnumerateArray().Single();
        Assert.Equal(Encoding.UTF8.GetString(manifest), image.GetProperty("imageManifest").GetString());
        Assert.Equal(digest, image.GetProperty("imageId").GetProperty("imageDigest").GetString());
        Assert.Equal("v1", image.GetProperty("imageId").GetProperty("imageTag").GetString());
        Assert.Equal(OciTestClient.OciManifest, image.GetProperty("imageManifestMediaType").GetString());
        var failures = result.GetProperty("failures").EnumerateArray().ToList();
        Assert.Equal(["ImageNotFound", "InvalidImageDigest", "ImageTagDoesNotMatchDigest"], failures.Select(f => f.GetProperty("failureCode").GetString()));
        Assert.Equal("Requested image not found", failures[0].GetProperty("failureReason").GetString());
        Assert.Equal("nope", failures[0].GetProperty("imageId").GetProperty("imageTag").GetString());
        Assert.Equal("sha256:XYZ", failures[1].GetProperty("imageId").GetProperty("imageDigest").GetString());
    }

    [Fact]
    public async Task BatchGetImageRecordsThePull()
    {
        var repository = await ecr.NewRepositoryAsync();
        await ecr.Registry.PushImageAsync(repository, "v1");

        await ecr.Aws.RunAsync("ecr", "batch-get-image", "--repository-name", repository, "--image-ids", "imageTag=v1");

        var detail = (await ecr.Aws.RunAsync("ecr", "describe-images", "--repository-name", repository)).GetProperty("imageDetails")[0];
        Assert.True(detail.TryGetProperty("lastRecordedPullTime", out _));
    }

    [Fact]
    public async Task AnImageOfAMediaTypeTheCallerDoesNotAcceptIsAFailureWhenItCannotBeConverted()
    {
        var repository = await ecr.NewRepositoryAsync();

        // Annotations have no place in a Docker manifest.
        await ecr.Registry.PushImageAsync(repository, "v1", annotations: new Dictionary<string, string> { ["a"] = "b" });

        var result = await ecr.Aws.RunAsync(
            "ecr", "batch-get-image", "--repository-name", repository, "--image-ids", "imageTag=v1",
            "--accepted-media-types", OciTestClient.DockerManifest);

        Assert.Empty(result.GetProperty("images").EnumerateArray());
        Assert.Equal("ImageNotFound", result.GetProperty("failures")[0].GetProperty("failureCode").GetString());
    }

    [Fact]
    public async Task AnImageAskedForByTagInTheOtherFormatIsConvertedButNotByDigest()
    {
        var repository = await ecr.NewRepositoryAsync();
        var (oci, digest) = await ecr.Registry.PushImageAsync(repository, "v1");

        var byTag = await ecr.Aws.RunAsync(
            "ecr", "batch-get-image", "--repository-name", repository, "--image-ids", "imageTag=v1",
            "--accepted-media-types", OciTestClient.DockerManifest);
        var byDigest = await ecr.Aws.RunAsync(
            "ecr", "batch-get-image", "--repository-name", repository, "--image-ids", $"imageDigest={digest}", $"imageTag=v1,imageDigest={digest}",
            "--accepted-media-types", OciTestClient.DockerManifest);

        var image = Assert.Single(byTag.GetProperty("images").EnumerateArray());
        Assert.Empty(byTag.GetProperty("failures").EnumerateArray());
        Assert.Equal(OciTestClient.DockerManifest, image.GetProperty("imageManifestMediaType").GetString());
        var manifest = Encoding.UTF8.GetBytes(image.GetProperty("imageManifest").GetString()!);
        Assert.Equal(OciTestClient.DigestOf(manifest), image.GetProperty("imageId").GetProperty("imageDigest").GetString());
        Assert.Equal("v1", image.GetProperty("imageId").GetProperty("imageTag").GetString());
        using (var document = JsonDocument.Parse(manifest))
        {
            Assert.Equal("application/vnd.docker.image.rootfs.diff.tar.gzip", document.RootElement.GetProperty("layers")[0].GetProperty("mediaType").GetString());
        }

        // The same bytes as /v2/ serves to a Docker-only Accept.
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{repository}/manifests/v1"))
        {
            request.Headers.Accept.ParseAdd(OciTestClient.DockerManifest);
            using var response = await ecr.Registry.SendAsync(request);
            Assert.Equal(manifest, await response.Content.ReadAsByteArrayAsync());
        }

        Assert.Empty(byDigest.GetProperty("images").EnumerateArray());
        Assert.Equal(["ImageNotFound", "ImageNotFound"], byDigest.GetProperty("failures").EnumerateArray().Select(f => f.GetProperty("failureCode").GetString()));
        Assert.NotEqual(oci, manifest);
    }

    [Fact]
    public async Task DeletingTagsRemovesTheImageWithItsLastTag()
    {
        var repository = await ecr.NewRepositoryAsync();
        var (manifest, digest) = await ecr.Registry.PushImageAsync(repository, "a");
        using (var tagged = await ecr.Registry.PutManifestAsync(repository, "b", manifest, OciTestClient.OciManifest))
        {
            Assert.Equal(HttpStatusCode.Created, tagged.StatusCode);
        }

        var first = await ecr.Aws.RunAsync("ecr", "batch-delete-image", "--repository-name", repository, "--image-ids", "imageTag=a");
        var remaining = await ListAsync(repository);
        var second = await ecr.Aws.RunAsync("ecr", "batch-delete-image", "--repository-name", repository, "--image-ids", "imageTag=b", "imageTag=a");

        Assert.Equal([(digest, "a")], Ids(first.GetProperty("imageIds")));
        Assert.Equal([(digest, "b")], remaining);
        Assert.Equal([(digest, "b")], Ids(second.GetProperty("imageIds")));
        Assert.Equal("ImageNotFound", second.GetProperty("failures")[0].GetProperty("failureCode").GetString());
        Assert.Empty(await ListAsync(repository));
        using var gone = await ecr.Registry.GetAsync($"/v2/{repository}/manifests/{digest}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task DeletingByDigestRemovesTheImageAndEveryTag()
    {
        var repository = await ecr.NewRepositoryAsync();
        var (manifest, digest) = await ecr.Registry.PushImageAsync(repository, "x");
        using (await ecr.Registry.PutManifestAsync(repository, "y", manifest, OciTestClient.OciManifest))
        {
        }

        var result = await ecr.Aws.RunAsync("ecr", "batch-delete-image", "--repository-name", repository, "--image-ids", $"imageDigest={digest}");

        Assert.Equal([(digest, "x"), (digest, "y")], Ids(result.GetProperty("imageIds")));
        Assert.Empty(result.GetProperty("failures").EnumerateArray());
        Assert.Empty(await ListAsync(repository));
    }

    [Fact]
    public async Task AnImageListedByAnIndexIsNotDeletedUntilTheIndexIs()
    {
        var repository = await ecr.NewRepositoryAsync();
        var (child, childDigest) = await ecr.Registry.PushImageAsync(repository, "child");
        var index = OciTestClient.Index([(childDigest, child.Length)]);
        using (var pushed = await ecr.Registry.PutManifestAsync(repository, "multi", index, OciTestClient.OciIndex))
        {
            Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
        }

        var refused = await ecr.Aws.RunAsync("ecr", "batch-delete-image", "--repository-name", repository, "--image-ids", $"imageDigest={childDigest}");
        var deleted = await ecr.Aws.RunAsync(
            "ecr", "batch-delete-image", "--repository-name", repository, "--image-ids", $"imageDigest={OciTestClient.DigestOf(index)}", $"imageDigest={childDigest}");

        var failure = refused.GetProperty("failures").EnumerateArray().Single();
        Assert.Equal("ImageReferencedByManifestList", failure.GetProperty("failureCode").GetString());
        Assert.Contains(OciTestClient.DigestOf(index), failure.GetProperty("failureReason").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, deleted.GetProperty("imageIds").GetArrayLength());
        Assert.Empty(deleted.GetProperty("failures").EnumerateArray());
    }

    [Fact]
    public async Task BatchOperationsOnAMissingRepositoryAreRepositoryNotFound()
    {
        var error = await ecr.Aws.FailAsync("ecr", "batch-delete-image", "--repository-name", "missing/repo", "--image-ids", "imageTag=v1");

        Assert.Contains("(RepositoryNotFoundException)", error, StringComparison.Ordinal);
    }

    private async Task<List<(string?, string?)>> ListAsync(string repository) =>
        Ids((await ecr.Aws.RunAsync("ecr", "list-images", "--repository-name", repository)).GetProperty("imageIds"));

    private static List<(string?, string?)> Ids(JsonElement ids) =>
        [.. ids.EnumerateArray().Select(i => (i.GetProperty("imageDigest").GetString(), i.TryGetProperty("imageTag", out var t) ? t.GetString() : null))];
}
