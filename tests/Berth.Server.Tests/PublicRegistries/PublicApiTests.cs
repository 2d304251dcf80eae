using System.Text.Json;
using System.Text.RegularExpressions;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Iam;
using Berth.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Berth.Server.Tests.PublicRegistries;

/// <summary>The ECR Public API through the real <c>aws ecr-public</c> CLI: repositories, the registry and its alias, login passwords.</summary>
public sealed partial class PublicApiTests(ITestOutputHelper output) : PublicRegistryTest(output)
{
    [SkippableFact]
    public async Task TheRegistryHasADefaultAliasAndRepositoriesLiveUnderIt()
    {
        SkipUnlessToolsAvailable();

        var registries = await Public.Aws.RunAsync("ecr-public", "describe-registries");
        var registry = Assert.Single(registries.GetProperty("registries").EnumerateArray());
        var alias = Assert.Single(registry.GetProperty("aliases").EnumerateArray());
        var name = alias.GetProperty("name").GetString()!;
        Assert.Matches(AliasPattern(), name);
        Assert.Equal("ACTIVE", alias.GetProperty("status").GetString());
        Assert.True(alias.GetProperty("primaryRegistryAlias").GetBoolean());
        Assert.True(alias.GetProperty("defaultRegistryAlias").GetBoolean());
        Assert.Equal("000000000000", registry.GetProperty("registryId").GetString());
        Assert.Equal("arn:aws:ecr-public::000000000000:registry/000000000000", registry.GetProperty("registryArn").GetString());
        Assert.Equal($"{Public.Host}/{name}", registry.GetProperty("registryUri").GetString());
        Assert.Equal(name, await Public.AliasAsync());

        var created = await Public.Aws.RunAsync("ecr-public", "create-repository", "--repository-name", "my-web-app");
        var repository = created.GetProperty("repository");
        Assert.Equal("arn:aws:ecr-public::000000000000:repository/my-web-app", repository.GetProperty("repositoryArn").GetString());
        Assert.Equal($"{Public.Host}/{name}/my-web-app", repository.GetProperty("repositoryUri").GetString());
        Assert.Equal(["repositoryArn", "registryId", "repositoryName", "repositoryUri", "createdAt"], repository.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Object, created.GetProperty("catalogData").ValueKind);
        Assert.Empty(created.GetProperty("catalogData").EnumerateObject());

        Assert.Contains("RepositoryAlreadyExistsException", await Public.Aws.FailAsync("ecr-public", "create-repository", "--repository-name", "my-web-app"), StringComparison.Ordinal);
        var described = await Public.Aws.RunAsync("ecr-public", "describe-repositories");
        Assert.Equal(["my-web-app"], described.GetProperty("repositories").EnumerateArray().Select(r => r.GetProperty("repositoryName").GetString()));

        // The public registry is not the private one of any region.
        var privateRepositories = await Public.Aws.RunAsync("ecr", "describe-repositories");
        Assert.Empty(privateRepositories.GetProperty("repositories").EnumerateArray());

        var deleted = await Public.Aws.RunAsync("ecr-public", "delete-repository", "--repository-name", "my-web-app");
        Assert.Equal("my-web-app", deleted.GetProperty("repository").GetProperty("repositoryName").GetString());
        var missing = await Public.Aws.FailAsync("ecr-public", "describe-repositories", "--repository-names", "my-web-app");
        Assert.Contains("An error occurred (RepositoryNotFoundException) when calling the DescribeRepositories operation: The repository with name 'my-web-app' does not exist in the registry with id '000000000000'", missing, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task EcrPublicIsServedInUsEast1Only()
    {
        SkipUnlessToolsAvailable();

        // The API exists in us-east-1 only; a call signed for another region gets the SigV4 scope refusal.
        var refused = await Public.Aws.FailAsync("ecr-public", "describe-registries", "--region", "eu-west-1");
        Assert.Contains(
            "An error occurred (InvalidSignatureException) when calling the DescribeRegistries operation: Credential should be scoped to a valid region, not 'eu-west-1'.",
            refused, StringComparison.Ordinal);
        Assert.Contains("InvalidSignatureException", await Public.Aws.FailAsync("ecr-public", "get-login-password", "--region", "us-west-2"), StringComparison.Ordinal);

        // ECR itself answers in every region.
        await Public.Aws.RunAsync("ecr", "describe-repositories", "--region", "eu-west-1");
    }

    [SkippableFact]
    public async Task RequestsAreValidatedAgainstTheEcrPublicModel()
    {
        SkipUnlessToolsAvailable();

        // Public repository names are at most 205 characters (private ones 256).
        var tooLong = await Public.Aws.FailAsync("ecr-public", "create-repository", "--repository-name", new string('a', 206));
        Assert.Contains("InvalidParameterException", tooLong, StringComparison.Ordinal);
        Assert.Contains("Member must have length less than or equal to 205", tooLong, StringComparison.Ordinal);
        await Public.Aws.RunAsync("ecr-public", "create-repository", "--repository-name", new string('a', 205));

        // registryId may be an alias on the layer API; an alias no registry has is RegistryNotFoundException.
        await Public.Aws.RunAsync("ecr-public", "create-repository", "--repository-name", "layers");
        var alias = await Public.AliasAsync();
        var upload = await Public.Aws.RunAsync("ecr-public", "initiate-layer-upload", "--repository-name", "layers", "--registry-id", alias);
        Assert.Matches("^[0-9a-f-]{36}$", upload.GetProperty("uploadId").GetString()!);
        var unknown = await Public.Aws.FailAsync("ecr-public", "initiate-layer-upload", "--repository-name", "layers", "--registry-id", "nosuchalias");
        Assert.Contains("RegistryNotFoundException", unknown, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ALoginPasswordNeedsBothGetAuthorizationTokenAndGetServiceBearerToken()
    {
        SkipUnlessToolsAvailable();

        var root = await Public.Aws.RunAsync("ecr-public", "get-authorization-token");
        var data = root.GetProperty("authorizationData");
        Assert.StartsWith("AWS:", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(data.GetProperty("authorizationToken").GetString()!)), StringComparison.Ordinal);
        Assert.True(data.GetProperty("expiresAt").GetDouble() > DateTimeOffset.UtcNow.AddHours(11).ToUnixTimeSeconds());

        var iam = new IamCli(Server);
        var half = await iam.CreateUserWithKeyAsync("half");
        await iam.RunAsync("iam", "put-user-policy", "--user-name", "half", "--policy-name", "p", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr-public:GetAuthorizationToken","Resource":"*"}]}""");
        var refused = await iam.FailAsAsync(half, "ecr-public", "get-login-password", "--region", "us-east-1");
        Assert.Contains(
            "An error occurred (AccessDeniedException) when calling the GetAuthorizationToken operation: User: arn:aws:iam::000000000000:user/half is not authorized to perform: sts:GetServiceBearerToken on resource: * because no identity-based policy allows the sts:GetServiceBearerToken action",
            refused, StringComparison.Ordinal);

        var full = await iam.CreateUserWithKeyAsync("full");
        await iam.RunAsync("iam", "attach-user-policy", "--user-name", "full", "--policy-arn", "arn:aws:iam::aws:policy/AmazonElasticContainerRegistryPublicFullAccess");
        Assert.NotEmpty(await Public.PasswordAsync(full.Environment));
    }

    [SkippableFact]
    public async Task ResourceTagsUseThePublicArnAndTheirLimits()
    {
        SkipUnlessToolsAvailable();

        await Public.Aws.RunAsync("ecr-public", "create-repository", "--repository-name", "tagged", "--tags", "Key=team,Value=web");
        const string arn = "arn:aws:ecr-public::000000000000:repository/tagged";
        await Public.Aws.RunAsync("ecr-public", "tag-resource", "--resource-arn", arn, "--tags", "Key=stage,Value=prod");
        var tags = await Public.Aws.RunAsync("ecr-public", "list-tags-for-resource", "--resource-arn", arn);
        Assert.Equal(["stage=prod", "team=web"], tags.GetProperty("tags").EnumerateArray().Select(t => $"{t.GetProperty("Key").GetString()}={t.GetProperty("Value").GetString()}").Order());
        await Public.Aws.RunAsync("ecr-public", "untag-resource", "--resource-arn", arn, "--tag-keys", "team");
        tags = await Public.Aws.RunAsync("ecr-public", "list-tags-for-resource", "--resource-arn", arn);
        Assert.Equal(["stage"], tags.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("Key").GetString()));

        var tooMany = await Public.Aws.FailAsync(["ecr-public", "tag-resource", "--resource-arn", arn, "--tags", .. Enumerable.Range(0, 50).Select(i => $"Key=k{i},Value=v")]);
        Assert.Contains("TooManyTagsException", tooMany, StringComparison.Ordinal);
        var privateArn = await Public.Aws.FailAsync("ecr-public", "list-tags-for-resource", "--resource-arn", "arn:aws:ecr:us-east-1:000000000000:repository/tagged");
        Assert.Contains("InvalidParameterException", privateArn, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task DescribeImageTagsPagesThroughEveryTag()
    {
        SkipUnlessToolsAvailable();

        var alias = await Public.AliasAsync();
        await Public.Aws.RunAsync("ecr-public", "create-repository", "--repository-name", "paged");
        using var client = Public.Client(await Public.BearerAsync(await Public.PasswordAsync(), $"repository:{alias}/paged:pull,push"));
        var (manifest, digest) = await client.PushImageAsync($"{alias}/paged", "a");
        foreach (var tag in (string[])["b", "c"])
        {
            using var put = await client.PutManifestAsync($"{alias}/paged", tag, manifest, OciTestClient.OciManifest);
            Assert.Equal(System.Net.HttpStatusCode.Created, put.StatusCode);
        }

        var (_, other) = await client.PushImageAsync($"{alias}/paged", "d");
        var pages = await Public.Boto3Async("""
            pages, token = [], None
            while True:
                r = ecr.describe_image_tags(repositoryName="paged", maxResults=2, **({"nextToken": token} if token else {}))
                pages.append([[t["imageTag"], t["imageDetail"]["imageDigest"], sorted(t["imageDetail"])] for t in r["imageTagDetails"]])
                token = r.get("nextToken")
                if not token:
                    break
            print(json.dumps(pages, default=str))
            """);

        var all = pages.EnumerateArray().SelectMany(p => p.EnumerateArray()).ToList();
        Assert.Equal(2, pages.GetArrayLength());
        Assert.All(pages.EnumerateArray(), p => Assert.Equal(2, p.GetArrayLength()));
        Assert.Equal(
            new[] { ("a", digest), ("b", digest), ("c", digest), ("d", other) }.OrderBy(t => t.Item2, StringComparer.Ordinal).ThenBy(t => t.Item1, StringComparer.Ordinal),
            all.Select(t => (t[0].GetString()!, t[1].GetString()!)));
        Assert.Equal(["artifactMediaType", "imageDigest", "imageManifestMediaType", "imagePushedAt", "imageSizeInBytes"], all[0][2].EnumerateArray().Select(m => m.GetString()));

        // The CLI's own pagination walks the same pages.
        var cli = await Public.Aws.RunAsync("ecr-public", "describe-image-tags", "--repository-name", "paged", "--page-size", "1");
        Assert.Equal(4, cli.GetProperty("imageTagDetails").GetArrayLength());
    }

    /// <summary>An OCI error body as "CODE: message", or the body as it came when it is not one.</summary>
    private static string Refusal(string body)
    {
        try
        {
            var error = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("errors")[0];
            return $"{error.GetProperty("code")}: {error.GetProperty("message")}";
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            return body;
        }
    }

    [SkippableFact]
    public async Task AnImageHoldsAtMostAThousandTags()
    {
        SkipUnlessToolsAvailable();

        var alias = await Public.AliasAsync();
        await Public.Aws.RunAsync("ecr-public", "create-repository", "--repository-name", "many-tags");
        using var client = Public.Client(await Public.BearerAsync(await Public.PasswordAsync(), $"repository:{alias}/many-tags:pull,push"));
        var (manifest, digest) = await client.PushImageAsync($"{alias}/many-tags", "t0");

        // 1,009 new tags pushed 8 at a time: the quota is counted under the repository's lock, so exactly 999 land.
        // Each answer as its status, a refusal with its body, so that an unexpected one shows in the failure.
        var answers = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(1, 1009), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, cancellationToken) =>
        {
            using var put = await client.PutManifestAsync($"{alias}/many-tags", $"t{i}", manifest, OciTestClient.OciManifest);
            answers.Add(put.IsSuccessStatusCode ? $"{(int)put.StatusCode}" : $"{(int)put.StatusCode} {Refusal(await put.Content.ReadAsStringAsync(cancellationToken))}");
        });
        var tooMany = $"400 TAG_INVALID: The image with digest '{digest}' already has the maximum of 1000 tags.";
        Assert.Equal(
            $"999 × 201\n10 × {tooMany}",
            string.Join('\n', answers.GroupBy(a => a).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} × {g.Key}")));

        using (var over = await client.PutManifestAsync($"{alias}/many-tags", "one-more", manifest, OciTestClient.OciManifest))
        {
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, over.StatusCode);
            Assert.Equal("TAG_INVALID", await OciTestClient.ErrorCodeAsync(over));
        }

        // Pushing a tag the image already has is not a new tag.
        using (var again = await client.PutManifestAsync($"{alias}/many-tags", "t0", manifest, OciTestClient.OciManifest))
        {
            Assert.Equal(System.Net.HttpStatusCode.Created, again.StatusCode);
        }

        var text = System.Text.Encoding.UTF8.GetString(manifest);
        var refused = await Public.Aws.FailAsync("ecr-public", "put-image", "--repository-name", "many-tags", "--image-tag", "one-more", "--image-manifest", text);
        Assert.Contains($"An error occurred (LimitExceededException) when calling the PutImage operation: The image with digest '{digest}' already has the maximum of 1000 tags.", refused, StringComparison.Ordinal);
        var image = await Public.Aws.RunAsync("ecr-public", "describe-images", "--repository-name", "many-tags");
        Assert.Equal(1000, image.GetProperty("imageDetails")[0].GetProperty("imageTags").GetArrayLength());
    }

    [GeneratedRegex("^[a-z][a-z0-9]{7}$")]
    private static partial Regex AliasPattern();
}
