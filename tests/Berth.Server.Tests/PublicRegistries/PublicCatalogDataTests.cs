using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Berth.Server.Tests.PublicRegistries;

/// <summary>Registry and repository catalog data round trips through <c>aws ecr-public</c>, the logo served at its logoUrl.</summary>
public sealed class PublicCatalogDataTests(ITestOutputHelper output) : PublicRegistryTest(output)
{
    // A PNG signature and IHDR chunk: what the API recognises a PNG logo by.
    private static readonly byte[] Logo = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 64, 0, 0, 0, 64, 8, 6, 0, 0, 0, 1, 2, 3, 4];

    [SkippableFact]
    public async Task RepositoryCatalogDataRoundTripsAndTheLogoIsServed()
    {
        SkipUnlessToolsAvailable();

        // boto3 sends the logo's bytes (the CLI installed here is v1, whose nested blobs are text).
        var created = await Public.Boto3Async($$"""
            r = ecr.create_repository(repositoryName="web", catalogData={"description": "A web app", "architectures": ["x86-64", "ARM 64"],
                "operatingSystems": ["Linux"], "logoImageBlob": bytes([{{string.Join(", ", Logo)}}]), "aboutText": "# About\nIt serves.", "usageText": "docker pull it"})
            print(json.dumps(r["catalogData"]))
            """);
        var got = (await Public.Aws.RunAsync("ecr-public", "get-repository-catalog-data", "--repository-name", "web")).GetProperty("catalogData");

        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(created), System.Text.Json.JsonSerializer.Serialize(got));
        Assert.Equal("A web app", got.GetProperty("description").GetString());
        Assert.Equal(["x86-64", "ARM 64"], got.GetProperty("architectures").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(["Linux"], got.GetProperty("operatingSystems").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("# About\nIt serves.", got.GetProperty("aboutText").GetString());
        Assert.Equal("docker pull it", got.GetProperty("usageText").GetString());
        var alias = await Public.AliasAsync();
        var logoUrl = got.GetProperty("logoUrl").GetString()!;
        Assert.StartsWith($"http://{Public.Host}/logos/{alias}/web?v=", logoUrl, StringComparison.Ordinal);
        using var client = new HttpClient();
        using var logo = await client.GetAsync(logoUrl);
        Assert.Equal("image/png", logo.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Logo, await logo.Content.ReadAsByteArrayAsync());

        // A put replaces the whole catalog data.
        var put = await Public.Aws.RunAsync("ecr-public", "put-repository-catalog-data", "--repository-name", "web", "--catalog-data", "description=Only this");
        Assert.Equal("""{"description":"Only this"}""", System.Text.Json.JsonSerializer.Serialize(put.GetProperty("catalogData")));
        got = (await Public.Aws.RunAsync("ecr-public", "get-repository-catalog-data", "--repository-name", "web")).GetProperty("catalogData");
        Assert.Equal("""{"description":"Only this"}""", System.Text.Json.JsonSerializer.Serialize(got));
        using var gone = await client.GetAsync(logoUrl);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.StatusCode);

        var notAnImage = await Public.Boto3Async("""
            try:
                ecr.put_repository_catalog_data(repositoryName="web", catalogData={"logoImageBlob": b"GIF89a not a png"})
            except ecr.exceptions.InvalidParameterException as e:
                print(json.dumps(e.response["Error"]["Message"]))
            """);
        Assert.Equal("Invalid parameter at 'logoImageBlob' failed to satisfy constraint: 'The logo must be a PNG or JPEG image'", notAnImage.GetString());
        var missing = await Public.Aws.FailAsync("ecr-public", "get-repository-catalog-data", "--repository-name", "nothing-here");
        Assert.Contains("RepositoryNotFoundException", missing, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task RegistryCatalogDataKeepsTheDisplayName()
    {
        SkipUnlessToolsAvailable();

        var empty = await Public.Aws.RunAsync("ecr-public", "get-registry-catalog-data");
        Assert.Empty(empty.GetProperty("registryCatalogData").EnumerateObject());

        var put = await Public.Aws.RunAsync("ecr-public", "put-registry-catalog-data", "--display-name", "Example Corp");
        Assert.Equal("Example Corp", put.GetProperty("registryCatalogData").GetProperty("displayName").GetString());
        var got = await Public.Aws.RunAsync("ecr-public", "get-registry-catalog-data");
        Assert.Equal("Example Corp", got.GetProperty("registryCatalogData").GetProperty("displayName").GetString());

        var tooLong = await Public.Aws.FailAsync("ecr-public", "put-registry-catalog-data", "--display-name", new string('x', 101));
        Assert.Contains("Member must have length less than or equal to 100", tooLong, StringComparison.Ordinal);
    }
}
