using System.Net;
using System.Text;
using System.Text.Json;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Ecr;

/// <summary>250 images read back in pages of 100 with the CLI's own paginator and with explicit tokens.</summary>
public sealed class ImagePagingTests(EcrRegistry ecr) : IClassFixture<EcrRegistry>
{
    private const int Tagged = 200;
    private const int Untagged = 50;

    [Fact]
    public async Task TwoHundredFiftyImagesAreReadInPagesOfOneHundred()
    {
        var repository = await ecr.NewRepositoryAsync();
        var pushed = await PushImagesAsync(repository);

        var described = await ecr.Aws.RunAsync("ecr", "describe-images", "--repository-name", repository, "--page-size", "100");
        var listed = await ecr.Aws.RunAsync("ecr", "list-images", "--repository-name", repository, "--page-size", "100");
        var untagged = await ecr.Aws.RunAsync("ecr", "list-images", "--repository-name", repository, "--page-size", "100", "--filter", "tagStatus=UNTAGGED");

        Assert.Equal(pushed.Order(StringComparer.Ordinal), Digests(described, "imageDetails").Order(StringComparer.Ordinal));
        Assert.Equal(pushed.Order(StringComparer.Ordinal), Digests(listed, "imageIds").Order(StringComparer.Ordinal));
        Assert.Equal(Untagged, Digests(untagged, "imageIds").Count);
    }

    [Fact]
    public async Task StartingTokensWalkThePagesWithoutGapsOrRepeats()
    {
        var repository = await ecr.NewRepositoryAsync();
        var pushed = await PushImagesAsync(repository);
        var seen = new List<string>();
        var pages = new List<int>();
        string? token = null;

        do
        {
            string[] starting = token is null ? [] : ["--starting-token", token];
            var page = await ecr.Aws.RunAsync(["ecr", "describe-images", "--repository-name", repository, "--max-items", "100", .. starting]);
            var digests = Digests(page, "imageDetails");
            seen.AddRange(digests);
            pages.Add(digests.Count);
            token = page.TryGetProperty("NextToken", out var next) ? next.GetString() : null;
        }
        while (token is not null);

        Assert.Equal([100, 100, 50], pages);
        Assert.Equal(pushed.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ATokenNotIssuedByTheRegistryIsInvalidParameter()
    {
        var repository = await ecr.NewRepositoryAsync();

        var result = await ecr.Boto3Async($$"""
try:
    ecr.list_images(repositoryName="{{repository}}", nextToken="not-a-token")
    print(json.dumps("accepted"))
except ecr.exceptions.ClientError as e:
    print(json.dumps(e.response["Error"]["Code"]))
""");

        Assert.Equal("InvalidParameterException", result.GetString());
    }

    [Fact]
    public async Task ATokenFromAnotherRepositoryOrOperationIsInvalidParameter()
    {
        var first = await ecr.NewRepositoryAsync();
        var second = await ecr.NewRepositoryAsync();
        foreach (var repository in (string[])[first, second])
        {
            for (var i = 0; i < 2; i++)
            {
                var (manifest, _, _) = await ecr.PrepareImageAsync(repository);
                await ecr.PutImageAsync(repository, manifest, "t" + i);
            }
        }

        var result = await ecr.Boto3Async($$"""
def code(call):
    try:
        call()
        return "accepted"
    except ecr.exceptions.ClientError as e:
        return e.response["Error"]["Code"] + ": " + e.response["Error"]["Message"]
listed = ecr.list_images(repositoryName="{{first}}", maxResults=1)["nextToken"]
described = ecr.describe_images(repositoryName="{{first}}", maxResults=1)["nextToken"]
print(json.dumps([
    code(lambda: ecr.list_images(repositoryName="{{second}}", nextToken=listed)),
    code(lambda: ecr.describe_images(repositoryName="{{second}}", nextToken=described)),
    code(lambda: ecr.describe_images(repositoryName="{{first}}", nextToken=listed)),
    len(ecr.list_images(repositoryName="{{first}}", nextToken=listed)["imageIds"]),
]))
""");

        var invalid = "InvalidParameterException: Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid NextToken'";
        Assert.Equal(invalid, result[0].GetString());
        Assert.Equal(invalid, result[1].GetString());
        Assert.Equal(invalid, result[2].GetString());
        Assert.Equal(1, result[3].GetInt32());

        // The same through the CLI's paginator: a starting token of one repository's listing does not work for another.
        var page = await ecr.Aws.RunAsync("ecr", "list-images", "--repository-name", first, "--page-size", "1", "--max-items", "1");
        var token = page.GetProperty("NextToken").GetString()!;
        var refused = await ecr.Aws.FailAsync("ecr", "list-images", "--repository-name", second, "--starting-token", token);
        Assert.Contains("An error occurred (InvalidParameterException) when calling the ListImages operation: Invalid parameter at 'nextToken'", refused, StringComparison.Ordinal);
        var rest = await ecr.Aws.RunAsync("ecr", "list-images", "--repository-name", first, "--starting-token", token);
        Assert.Single(rest.GetProperty("imageIds").EnumerateArray());
    }

    /// <summary>Pushes 200 tagged and 50 untagged manifests over /v2/ (one config and layer, distinct annotations).</summary>
    private async Task<List<string>> PushImagesAsync(string repository)
    {
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
        var layer = OciTestClient.RandomBytes(100);
        var configDigest = await ecr.Registry.PushBlobAsync(repository, config);
        var layerDigest = await ecr.Registry.PushBlobAsync(repository, layer);
        var digests = new List<string>();
        for (var i = 0; i < Tagged + Untagged; i++)
        {
            var manifest = OciTestClient.ImageManifest(
                configDigest, config.Length, [(layerDigest, layer.Length)], annotations: new Dictionary<string, string> { ["n"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            var digest = OciTestClient.DigestOf(manifest);
            using var response = await ecr.Registry.PutManifestAsync(repository, i < Tagged ? $"t{i}" : digest, manifest, OciTestClient.OciManifest);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            digests.Add(digest);
        }

        return digests;
    }

    private static List<string> Digests(JsonElement result, string member) =>
        [.. result.GetProperty(member).EnumerateArray().Select(i => i.GetProperty("imageDigest").GetString()!)];
}
