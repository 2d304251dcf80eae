using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Iam;
using Berth.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Berth.Server.Tests.PublicRegistries;

/// <summary>
/// The public /v2/ face header by header: the Bearer challenge, /token/ in its GET and POST forms, token scopes. A high
/// anonymous rate, so that only the rate limit test (with its own server) meets it.
/// </summary>
public sealed class PublicBearerFlowTests(ITestOutputHelper output) : PublicRegistryTest(output, AnonymousRate(1000))
{
    [SkippableFact]
    public async Task TheChallengeTheTokenAndAPushThenAnAnonymousPull()
    {
        SkipUnlessToolsAvailable();

        var alias = await Public.AliasAsync();
        await Public.Aws.RunAsync("ecr-public", "create-repository", "--repository-name", "app");
        using (var anonymous = Public.Client())
        using (var challenge = await anonymous.GetAsync("/v2/"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, challenge.StatusCode);
            Assert.Equal($"Bearer realm=\"http://{Public.Host}/token/\",service=\"{Public.Host}\",scope=\"aws\"", challenge.Headers.WwwAuthenticate.ToString());
            Assert.Equal("UNAUTHORIZED", await OciTestClient.ErrorCodeAsync(challenge));
        }

        var password = await Public.PasswordAsync();
        var token = await Public.TokenAsync(password, $"repository:{alias}/app:pull,push");
        Assert.Equal(token.GetProperty("token").GetString(), token.GetProperty("access_token").GetString());
        Assert.Equal(3600, token.GetProperty("expires_in").GetInt32());
        Assert.Equal(password, token.GetProperty("refresh_token").GetString());

        using var pusher = Public.Client(token.GetProperty("token").GetString());
        using (var @base = await pusher.GetAsync("/v2/"))
        {
            Assert.Equal(HttpStatusCode.OK, @base.StatusCode);
        }

        var (manifest, digest) = await pusher.PushImageAsync($"{alias}/app", "v1");
        using (var upload = await pusher.PostAsync($"/v2/{alias}/app/blobs/uploads/", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
            Assert.StartsWith($"/v2/{alias}/app/blobs/uploads/", upload.Headers.Location!.OriginalString, StringComparison.Ordinal);

            // The public face's pushes are in the audit trail as ECR Public calls, as the private face's are ECR's.
            var recorded = await RecordedAsync(upload.Headers.GetValues("x-amzn-RequestId").Single());
            Assert.Equal(("ecr-public.amazonaws.com", "InitiateLayerUpload", "app"), (recorded.EventSource, recorded.EventName, recorded.ResourceName));
        }

        // Anyone may pull, with an anonymous token; it does not allow a push.
        var pull = await Public.BearerAsync(null, $"repository:{alias}/app:pull,push");
        using var puller = Public.Client(pull);
        using (var served = await puller.GetAsync($"/v2/{alias}/app/manifests/v1"))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal(manifest, await served.Content.ReadAsByteArrayAsync());
            Assert.Equal(digest, served.Headers.GetValues("Docker-Content-Digest").Single());
        }

        using (var refused = await puller.PostAsync($"/v2/{alias}/app/blobs/uploads/", null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal(
                $"Bearer realm=\"http://{Public.Host}/token/\",service=\"{Public.Host}\",scope=\"repository:{alias}/app:pull,push\",error=\"insufficient_scope\"",
                refused.Headers.WwwAuthenticate.ToString());
        }

        // The GetAuthorizationToken value itself is a Bearer token too, as ECR Public's HTTP API documents.
        var authorizationToken = (await Public.Aws.RunAsync("ecr-public", "get-authorization-token")).GetProperty("authorizationData").GetProperty("authorizationToken").GetString();
        using var direct = Public.Client(authorizationToken);
        using (var tags = await direct.GetAsync($"/v2/{alias}/app/tags/list"))
        {
            Assert.Equal(HttpStatusCode.OK, tags.StatusCode);
            Assert.Contains("\"v1\"", await tags.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Basic credentials are not how the public registries are used.
        using var basic = Public.Client();
        basic.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", authorizationToken);
        using var denied = await basic.GetAsync($"/v2/{alias}/app/tags/list");
        Assert.Equal(HttpStatusCode.BadRequest, denied.StatusCode);
        Assert.Equal("DENIED", await OciTestClient.ErrorCodeAsync(denied));
    }

    private async Task<Berth.Core.AuditTrail.AuditEvent> RecordedAsync(string requestId)
    {
        var trail = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Berth.Core.AuditTrail.IAuditTrailStore>(Server.Services);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (await trail.FindByRequestIdAsync(requestId, deadline.Token) is { } stored)
            {
                return stored;
            }

            await Task.Delay(50, deadline.Token);
        }
    }

    [SkippableFact]
    public async Task ATokenForOneRepositoryIsRefusedOnAnother()
    {
        SkipUnlessToolsAvailable();

        var alias = await Public.AliasAsync();
        await Public.Aws.RunAsync("ecr-public", "create-repository", "--repository-name", "repo-a");
        await Public.Aws.RunAsync("ecr-public", "create-repository", "--repository-name", "repo-b");
        var password = await Public.PasswordAsync();
        using var forB = Public.Client(await Public.BearerAsync(password, $"repository:{alias}/repo-b:pull,push"));
        await forB.PushImageAsync($"{alias}/repo-b", "latest");

        using var forA = Public.Client(await Public.BearerAsync(password, $"repository:{alias}/repo-a:pull,push"));
        using var pull = await forA.GetAsync($"/v2/{alias}/repo-b/manifests/latest");
        Assert.Equal(HttpStatusCode.Unauthorized, pull.StatusCode);
        Assert.Contains($"scope=\"repository:{alias}/repo-b:pull\",error=\"insufficient_scope\"", pull.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        using var push = await forA.PostAsync($"/v2/{alias}/repo-b/blobs/uploads/", null);
        Assert.Equal(HttpStatusCode.Unauthorized, push.StatusCode);

        // A tampered token is no token.
        using var tampered = Public.Client(await Public.BearerAsync(password, $"repository:{alias}/repo-a:pull") + "x");
        using var refused = await tampered.GetAsync($"/v2/{alias}/repo-a/tags/list");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [SkippableFact]
    public async Task DockersPostFormsExchangeARefreshTokenOrAPassword()
    {
        SkipUnlessToolsAvailable();

        var alias = await Public.AliasAsync();
        await Public.Aws.RunAsync("ecr-public", "create-repository", "--repository-name", "oauth");
        var refreshToken = (await Public.TokenAsync(await Public.PasswordAsync(), "aws")).GetProperty("refresh_token").GetString()!;

        using var client = Public.Client();
        using var refreshed = await client.PostAsync("/token/", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["service"] = Public.Host,
            ["scope"] = $"repository:{alias}/oauth:pull,push",
            ["client_id"] = "docker",
        }));
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        using var json = JsonDocument.Parse(await refreshed.Content.ReadAsStringAsync());
        Assert.Equal($"repository:{alias}/oauth:pull,push", json.RootElement.GetProperty("scope").GetString());
        Assert.False(json.RootElement.TryGetProperty("refresh_token", out _));
        using var pusher = Public.Client(json.RootElement.GetProperty("access_token").GetString());
        await pusher.PushImageAsync($"{alias}/oauth", "v1");

        using var withPassword = await client.PostAsync("/token/", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = "AWS",
            ["password"] = refreshToken,
            ["access_type"] = "offline",
            ["service"] = Public.Host,
            ["scope"] = $"repository:{alias}/oauth:pull",
            ["client_id"] = "docker",
        }));
        using var passwordJson = JsonDocument.Parse(await withPassword.Content.ReadAsStringAsync());
        Assert.Equal($"repository:{alias}/oauth:pull", passwordJson.RootElement.GetProperty("scope").GetString());
        Assert.Equal(refreshToken, passwordJson.RootElement.GetProperty("refresh_token").GetString());

        using var bad = await client.PostAsync("/token/", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken[..^2] + "xx",
            ["service"] = Public.Host,
        }));
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
    }

    [SkippableFact]
    public async Task AUserWithoutPushPermissionGetsAPullOnlyToken()
    {
        SkipUnlessToolsAvailable();

        var alias = await Public.AliasAsync();
        await Public.Aws.RunAsync("ecr-public", "create-repository", "--repository-name", "readonly");
        var iam = new IamCli(Server);
        var reader = await iam.CreateUserWithKeyAsync("reader");
        await iam.RunAsync("iam", "put-user-policy", "--user-name", "reader", "--policy-name", "login", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr-public:GetAuthorizationToken","sts:GetServiceBearerToken"],"Resource":"*"}]}""");
        var token = await Public.TokenAsync(await Public.PasswordAsync(reader.Environment), $"repository:{alias}/readonly:pull,push");

        using var client = Public.Client(token.GetProperty("token").GetString());
        using (var tags = await client.GetAsync($"/v2/{alias}/readonly/tags/list"))
        {
            Assert.Equal(HttpStatusCode.OK, tags.StatusCode);
        }

        using var push = await client.PostAsync($"/v2/{alias}/readonly/blobs/uploads/", null);
        Assert.Equal(HttpStatusCode.Unauthorized, push.StatusCode);
        Assert.Contains("insufficient_scope", push.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        // With the push actions on the repository, the same user gets push.
        await iam.RunAsync("iam", "attach-user-policy", "--user-name", "reader", "--policy-arn", "arn:aws:iam::aws:policy/AmazonElasticContainerRegistryPublicPowerUser");
        using var pusher = Public.Client(await Public.BearerAsync(await Public.PasswordAsync(reader.Environment), $"repository:{alias}/readonly:pull,push"));
        await pusher.PushImageAsync($"{alias}/readonly", "v1");

        // Deleting the user's key ends its tokens at once.
        await iam.RunAsync("iam", "delete-access-key", "--user-name", "reader", "--access-key-id", reader.AccessKeyId);
        using var revoked = await pusher.GetAsync($"/v2/{alias}/readonly/manifests/v1");
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
    }

    [SkippableFact]
    public async Task PrivateRepositoriesStayPrivateToAnonymousCallers()
    {
        SkipUnlessToolsAvailable();

        var alias = await Public.AliasAsync();
        await Public.Aws.RunAsync("ecr", "create-repository", "--repository-name", "internal");
        using var privateClient = new HttpClient { BaseAddress = Server.BaseAddress };
        using (var anonymous = await privateClient.GetAsync("/v2/internal/tags/list"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.StartsWith("Basic ", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        // Through the public host the alias reaches the public registry only, where no such repository exists.
        using var client = Public.Client(await Public.BearerAsync(null, $"repository:{alias}/internal:pull"));
        using var notPublic = await client.GetAsync($"/v2/{alias}/internal/tags/list");
        Assert.Equal(HttpStatusCode.NotFound, notPublic.StatusCode);
        Assert.Equal("NAME_UNKNOWN", await OciTestClient.ErrorCodeAsync(notPublic));

        // An unknown alias gets no grant at all.
        var nothing = await Public.TokenAsync(null, "repository:nosuchalias/internal:pull");
        using var unknown = Public.Client(nothing.GetProperty("token").GetString());
        using var refused = await unknown.GetAsync("/v2/nosuchalias/internal/tags/list");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("UNAUTHORIZED", await OciTestClient.ErrorCodeAsync(refused));
    }
}
