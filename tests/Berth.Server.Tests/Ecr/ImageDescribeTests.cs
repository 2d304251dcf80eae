using System.Net;
using System.Text.Json;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Ecr;

/// <summary><c>aws ecr describe-images</c> and <c>list-images</c>: what /v2/ pushed, filters and errors.</summary>
public sealed class ImageDescribeTests(EcrRegistry ecr) : IClassFixture<EcrRegistry>
{
    [Fact]
    public async Task AnImagePushedOverV2IsDescribedWithItsDigestTagsSizeAndMediaType()
    {
        var repository = await ecr.NewRepositoryAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        var (manifest, digest) = await ecr.Registry.PushImageAsync(repository, "v1");
        using (await ecr.Registry.PutManifestAsync(repository, "stable", manifest, OciTestClient.OciManifest))
        {
        }

        var detail = (await ecr.Aws.RunAsync("ecr", "describe-images", "--repository-name", repository)).GetProperty("imageDetails").EnumerateArray().Single();

        Assert.Equal(digest, detail.GetProperty("imageDigest").GetString());
        Assert.Equal(["stable", "v1"], detail.GetProperty("imageTags").EnumerateArray().Select(t => t.GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(ConfigAndLayerSize(manifest), detail.GetProperty("imageSizeInBytes").GetInt64());
        Assert.Equal(OciTestClient.OciManifest, detail.GetProperty("imageManifestMediaType").GetString());
        Assert.Equal("application/vnd.oci.image.config.v1+json", detail.GetProperty("artifactMediaType").GetString());
        Assert.Equal(repository, detail.GetProperty("repositoryName").GetString());
        Assert.InRange(DateTimeOffset.FromUnixTimeMilliseconds((long)(detail.GetProperty("imagePushedAt").GetDouble() * 1000)), before, DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.False(detail.TryGetProperty("lastRecordedPullTime", out _));
    }

    [Fact]
    public async Task AnIndexIsDescribedWithItsLargestChildsSize()
    {
        var repository = await ecr.NewRepositoryAsync();
        var (small, smallDigest) = await ecr.Registry.PushImageAsync(repository, "small");
        var config = System.Text.Encoding.UTF8.GetBytes("{\"architecture\":\"arm64\",\"os\":\"linux\"}");
        var layer = OciTestClient.RandomBytes(5000);
        var large = OciTestClient.ImageManifest(
            await ecr.Registry.PushBlobAsync(repository, config), config.Length, [(await ecr.Registry.PushBlobAsync(repository, layer), layer.Length)]);
        using (var put = await ecr.Registry.PutManifestAsync(repository, "large", large, OciTestClient.OciManifest))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        var index = OciTestClient.Index([(smallDigest, small.Length), (OciTestClient.DigestOf(large), large.Length)]);
        using (var put = await ecr.Registry.PutManifestAsync(repository, "multi", index, OciTestClient.OciIndex))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        var outer = OciTestClient.Index([(OciTestClient.DigestOf(index), index.Length)], childMediaType: OciTestClient.OciIndex);
        using (var put = await ecr.Registry.PutManifestAsync(repository, "nested", outer, OciTestClient.OciIndex))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        // ECR's ImageDetail: "If the image is a manifest list, this will be the max size of all manifests in the list."
        var largest = Math.Max(ConfigAndLayerSize(small), ConfigAndLayerSize(large));
        Assert.Equal(config.Length + 5000, largest);
        Assert.Equal(largest, (await DescribeOneAsync(repository, "multi")).GetProperty("imageSizeInBytes").GetInt64());
        Assert.Equal(largest, (await DescribeOneAsync(repository, "nested")).GetProperty("imageSizeInBytes").GetInt64());
        Assert.Equal(ConfigAndLayerSize(small), (await DescribeOneAsync(repository, "small")).GetProperty("imageSizeInBytes").GetInt64());
    }

    [Fact]
    public async Task APullOverV2IsRecordedAsLastRecordedPullTime()
    {
        var repository = await ecr.NewRepositoryAsync();
        await ecr.Registry.PushImageAsync(repository, "v1");
        using (var head = new HttpRequestMessage(HttpMethod.Head, $"/v2/{repository}/manifests/v1"))
        using (var headResponse = await ecr.Registry.SendAsync(head))
        {
            Assert.Equal(HttpStatusCode.OK, headResponse.StatusCode);
        }

        var unpulled = await DescribeOneAsync(repository, "v1");
        using (var pull = await ecr.Registry.GetAsync($"/v2/{repository}/manifests/v1"))
        {
            Assert.Equal(HttpStatusCode.OK, pull.StatusCode);
        }

        var pulled = await DescribeOneAsync(repository, "v1");

        Assert.False(unpulled.TryGetProperty("lastRecordedPullTime", out _));
        Assert.True(pulled.GetProperty("lastRecordedPullTime").GetDouble() >= pulled.GetProperty("imagePushedAt").GetDouble());
    }

    [Fact]
    public async Task TagStatusFiltersSeparateTaggedFromUntaggedImages()
    {
        var repository = await ecr.NewRepositoryAsync();
        var (_, tagged) = await ecr.Registry.PushImageAsync(repository, "v1");
        var untagged = await PushUntaggedAsync(repository);

        Assert.Equal([untagged], await DescribedDigestsAsync(repository, "UNTAGGED"));
        Assert.Equal([tagged], await DescribedDigestsAsync(repository, "TAGGED"));
        Assert.Equal(new[] { tagged, untagged }.Order(StringComparer.Ordinal), await DescribedDigestsAsync(repository, "ANY"));
        var listed = await ecr.Aws.RunAsync("ecr", "list-images", "--repository-name", repository, "--filter", "tagStatus=UNTAGGED");
        var id = listed.GetProperty("imageIds").EnumerateArray().Single();
        Assert.Equal(untagged, id.GetProperty("imageDigest").GetString());
        Assert.False(id.TryGetProperty("imageTag", out _));
    }

    [Fact]
    public async Task ListImagesHasOneEntryPerTagAndOnePerUntaggedImage()
    {
        var repository = await ecr.NewRepositoryAsync();
        var (manifest, tagged) = await ecr.Registry.PushImageAsync(repository, "a");
        using (await ecr.Registry.PutManifestAsync(repository, "b", manifest, OciTestClient.OciManifest))
        {
        }

        var untagged = await PushUntaggedAsync(repository);

        var listed = await ecr.Aws.RunAsync("ecr", "list-images", "--repository-name", repository);

        var ids = listed.GetProperty("imageIds").EnumerateArray()
            .Select(i => (i.GetProperty("imageDigest").GetString(), i.TryGetProperty("imageTag", out var t) ? t.GetString() : null))
            .ToHashSet();
        Assert.Equal([(tagged, "a"), (tagged, "b"), (untagged, null)], ids);
    }

    [Fact]
    public async Task DescribingAnImageThatDoesNotExistIsImageNotFound()
    {
        var repository = await ecr.NewRepositoryAsync();

        var error = await ecr.Aws.FailAsync("ecr", "describe-images", "--repository-name", repository, "--image-ids", "imageTag=nope");

        Assert.Contains("(ImageNotFoundException)", error, StringComparison.Ordinal);
        Assert.Contains(
            $"The image with imageId {{imageDigest:'null', imageTag:'nope'}} does not exist within the repository with name '{repository}' in the registry with id '",
            error,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Boto3SeesTheExceptionCodesAndTheSubjectOfAReferrer()
    {
        var repository = await ecr.NewRepositoryAsync();
        var (subjectManifest, subject) = await ecr.Registry.PushImageAsync(repository, "v1");
        var (_, referrer) = await ecr.Registry.PushImageAsync(
            repository, "sig", subject: new { mediaType = OciTestClient.OciManifest, digest = subject, size = subjectManifest.Length }, artifactType: "application/example.sig");

        var result = await ecr.Boto3Async($$"""
out = {}
d = ecr.describe_images(repositoryName="{{repository}}", imageIds=[{"imageDigest": "{{referrer}}"}])["imageDetails"][0]
out["subject"] = d.get("subjectManifestDigest")
for name, call in [("image", lambda: ecr.describe_images(repositoryName="{{repository}}", imageIds=[{"imageTag": "missing"}])),
                   ("repository", lambda: ecr.list_images(repositoryName="missing/repo"))]:
    try:
        call()
    except ecr.exceptions.ClientError as e:
        out[name] = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
print(json.dumps(out))
""");

        Assert.Equal(subject, result.GetProperty("subject").GetString());
        Assert.Equal("ImageNotFoundException", result.GetProperty("image")[0].GetString());
        Assert.Equal(400, result.GetProperty("image")[1].GetInt32());
        Assert.Equal("RepositoryNotFoundException", result.GetProperty("repository")[0].GetString());
    }

    /// <summary>Pushes an image under a temporary tag and deletes the tag over /v2/, leaving the image untagged.</summary>
    private async Task<string> PushUntaggedAsync(string repository)
    {
        var (_, digest) = await ecr.Registry.PushImageAsync(repository, "tmp");
        using var deleted = await ecr.Registry.DeleteAsync($"/v2/{repository}/manifests/tmp");
        Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
        return digest;
    }

    private async Task<JsonElement> DescribeOneAsync(string repository, string tag) =>
        (await ecr.Aws.RunAsync("ecr", "describe-images", "--repository-name", repository, "--image-ids", $"imageTag={tag}"))
            .GetProperty("imageDetails").EnumerateArray().Single();

    private async Task<IEnumerable<string?>> DescribedDigestsAsync(string repository, string tagStatus) =>
        (await ecr.Aws.RunAsync("ecr", "describe-images", "--repository-name", repository, "--filter", $"tagStatus={tagStatus}"))
            .GetProperty("imageDetails").EnumerateArray().Select(d => d.GetProperty("imageDigest").GetString()).Order(StringComparer.Ordinal);

    private static long ConfigAndLayerSize(byte[] manifest)
    {
        using var document = JsonDocument.Parse(manifest);
        return document.RootElement.GetProperty("config").GetProperty("size").GetInt64()
            + document.RootElement.GetProperty("layers").EnumerateArray().Sum(l => l.GetProperty("size").GetInt64());
    }
}
