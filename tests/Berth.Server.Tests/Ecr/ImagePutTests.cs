using System.Net;
using System.Text;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Ecr;

/// <summary><c>aws ecr put-image</c> and its errors; the image it writes is the one /v2/ serves.</summary>
public sealed class ImagePutTests(EcrRegistry ecr) : IClassFixture<EcrRegistry>
{
    [Fact]
    public async Task AnImagePutWithTheCliIsPulledOverV2WithIdenticalBytes()
    {
        var repository = await ecr.NewRepositoryAsync();
        var (manifest, digest, _) = await ecr.PrepareImageAsync(repository);

        var result = await ecr.Aws.RunAsync("ecr", "put-image", "--repository-name", repository, "--image-manifest", manifest, "--image-tag", "v1");

        var image = result.GetProperty("image");
        Assert.Equal(repository, image.GetProperty("repositoryName").GetString());
        Assert.Matches("^[0-9]{12}$", image.GetProperty("registryId").GetString());
        Assert.Equal(digest, image.GetProperty("imageId").GetProperty("imageDigest").GetString());
        Assert.Equal("v1", image.GetProperty("imageId").GetProperty("imageTag").GetString());
        Assert.Equal(manifest, image.GetProperty("imageManifest").GetString());
        Assert.Equal(OciTestClient.OciManifest, image.GetProperty("imageManifestMediaType").GetString());
        using var pulled = await ecr.Registry.GetAsync($"/v2/{repository}/manifests/v1");
        Assert.Equal(HttpStatusCode.OK, pulled.StatusCode);
        Assert.Equal(Encoding.UTF8.GetBytes(manifest), await pulled.Content.ReadAsByteArrayAsync());
        Assert.Equal(digest, pulled.Headers.GetValues("Docker-Content-Digest").Single());
    }

    [Fact]
    public async Task PuttingTheSameManifestUnderTheSameTagAgainIsImageAlreadyExists()
    {
        var repository = await ecr.NewRepositoryAsync();
        var (manifest, digest, _) = await ecr.PrepareImageAsync(repository);
        await ecr.PutImageAsync(repository, manifest, "v1");

        var error = await ecr.Aws.FailAsync("ecr", "put-image", "--repository-name", repository, "--image-manifest", manifest, "--image-tag", "v1");

        Assert.Contains("(ImageAlreadyExistsException)", error, StringComparison.Ordinal);
        Assert.Contains($"Image with digest '{digest}' and tag 'v1' already exists in the repository with name '{repository}' in registry with id '", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASecondTagForAStoredManifestIsAdded()
    {
        var repository = await ecr.NewRepositoryAsync();
        var (manifest, digest, _) = await ecr.PrepareImageAsync(repository);
        await ecr.PutImageAsync(repository, manifest, "v1");

        Assert.Equal(digest, await ecr.PutImageAsync(repository, manifest, "latest"));

        var details = await ecr.Aws.RunAsync("ecr", "describe-images", "--repository-name", repository);
        var tags = details.GetProperty("imageDetails")[0].GetProperty("imageTags").EnumerateArray().Select(t => t.GetString());
        Assert.Equal(["latest", "v1"], tags.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AManifestWhoseLayersWereNeverUploadedIsLayersNotFound()
    {
        var repository = await ecr.NewRepositoryAsync();
        var missing = "sha256:" + new string('a', 64);
        var manifest = Encoding.UTF8.GetString(OciTestClient.ImageManifest(missing, 10, [(missing, 10)]));

        var error = await ecr.Aws.FailAsync("ecr", "put-image", "--repository-name", repository, "--image-manifest", manifest, "--image-tag", "v1");

        Assert.Contains("(LayersNotFoundException)", error, StringComparison.Ordinal);
        Assert.Contains(missing, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIndexWhoseChildrenAreMissingIsReferencedImagesNotFound()
    {
        var repository = await ecr.NewRepositoryAsync();
        var child = "sha256:" + new string('b', 64);
        var index = $$"""{"schemaVersion":2,"mediaType":"{{OciTestClient.OciIndex}}","manifests":[{"mediaType":"{{OciTestClient.OciManifest}}","digest":"{{child}}","size":100}]}""";

        var error = await ecr.Aws.FailAsync("ecr", "put-image", "--repository-name", repository, "--image-manifest", index, "--image-tag", "multi");

        Assert.Contains("(ReferencedImagesNotFoundException)", error, StringComparison.Ordinal);
        Assert.Contains(child, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADigestOtherThanTheManifestsIsImageDigestDoesNotMatch()
    {
        var repository = await ecr.NewRepositoryAsync();
        var (manifest, _, _) = await ecr.PrepareImageAsync(repository);

        var error = await ecr.Aws.FailAsync(
            "ecr", "put-image", "--repository-name", repository, "--image-manifest", manifest, "--image-digest", "sha256:" + new string('c', 64));

        Assert.Contains("(ImageDigestDoesNotMatchException)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheMatchingDigestIsAccepted()
    {
        var repository = await ecr.NewRepositoryAsync();
        var (manifest, digest, _) = await ecr.PrepareImageAsync(repository);

        var result = await ecr.Aws.RunAsync("ecr", "put-image", "--repository-name", repository, "--image-manifest", manifest, "--image-digest", digest);

        Assert.Equal(digest, result.GetProperty("image").GetProperty("imageId").GetProperty("imageDigest").GetString());
        Assert.False(result.GetProperty("image").GetProperty("imageId").TryGetProperty("imageTag", out _));
    }

    [Fact]
    public async Task MovingATagInAnImmutableRepositoryIsImageTagAlreadyExists()
    {
        var repository = await ecr.NewRepositoryAsync("--image-tag-mutability", "IMMUTABLE");
        var (first, _, _) = await ecr.PrepareImageAsync(repository);
        var (second, _, _) = await ecr.PrepareImageAsync(repository);
        await ecr.PutImageAsync(repository, first, "v1");

        var error = await ecr.Aws.FailAsync("ecr", "put-image", "--repository-name", repository, "--image-manifest", second, "--image-tag", "v1");

        Assert.Contains("(ImageTagAlreadyExistsException)", error, StringComparison.Ordinal);
        Assert.Contains($"The image tag 'v1' already exists in the '{repository}' repository and cannot be overwritten because the repository is immutable.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PuttingIntoARepositoryThatDoesNotExistIsRepositoryNotFound()
    {
        var error = await ecr.Aws.FailAsync("ecr", "put-image", "--repository-name", "no-such/repository", "--image-manifest", "{}", "--image-tag", "v1");

        Assert.Contains("(RepositoryNotFoundException)", error, StringComparison.Ordinal);
        Assert.Contains("The repository with name 'no-such/repository' does not exist in the registry with id '", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AManifestThatIsNotJsonIsInvalidParameter()
    {
        var repository = await ecr.NewRepositoryAsync();

        var error = await ecr.Aws.FailAsync("ecr", "put-image", "--repository-name", repository, "--image-manifest", "not json", "--image-tag", "v1");

        Assert.Contains("(InvalidParameterException)", error, StringComparison.Ordinal);
        Assert.Contains("Invalid parameter at 'imageManifest' failed to satisfy constraint", error, StringComparison.Ordinal);
    }
}
