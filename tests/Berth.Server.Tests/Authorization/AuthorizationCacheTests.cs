using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Berth.Core.Iam;
using Berth.Server.Tests.Iam;
using Berth.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Tests.Authorization;

/// <summary>
/// The bound on what /v2/ authorization reuses (Berth:AuthorizationCacheSeconds, 1 s by default): a change made behind
/// this node's back (by another node sharing the store; here, straight in the store) applies once the bound has passed,
/// and at once with the cache off. Changes through this node's own API apply on the next request (AccessKeyTests,
/// RegistryPolicyEnforcementTests).
/// </summary>
public sealed class AuthorizationCacheTests : IAsyncLifetime
{
    private const string Account = "000000000000";
    private readonly AdjustableClock _clock = new();
    private BerthTestServer _server = null!;
    private BerthTestServer _uncached = null!;

    public async Task InitializeAsync()
    {
        _server = await BerthTestServer.StartEcrAsync(services: services => services.AddSingleton<TimeProvider>(_clock));
        _uncached = await BerthTestServer.StartEcrAsync(new Dictionary<string, string?> { ["Berth:AuthorizationCacheSeconds"] = "0" });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _uncached.DisposeAsync();
    }

    [Fact]
    public async Task AKeyDeactivatedElsewhereStopsItsRegistryTokenOnceTheBoundHasPassed()
    {
        var (client, key) = await UserClientAsync(_server, "elsewhere-key");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/v2/", UriKind.Relative))).StatusCode);

        await SetStatusBehindTheServersBackAsync(_server, "elsewhere-key", key.AccessKeyId, "Inactive");
        _clock.Offset += TimeSpan.FromSeconds(1.01);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/v2/", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task AnIdentityPolicyRemovedElsewhereStopsAllowingOnceTheBoundHasPassed()
    {
        var repository = BerthTestServer.NewRepositoryName("cache");
        await new IamCli(_server).RunAsync("ecr", "create-repository", "--repository-name", repository);
        var (client, _) = await UserClientAsync(_server, "elsewhere-policy");
        var tags = new Uri($"/v2/{repository}/tags/list", UriKind.Relative);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(tags)).StatusCode);

        var entities = _server.Services.GetRequiredService<IIamEntityStore>();
        var user = await entities.FindAsync(Account, IamEntityKind.User, "elsewhere-policy", CancellationToken.None);
        Assert.True(await entities.DeleteInlinePolicyAsync(user!, "ecr", CancellationToken.None));
        _clock.Offset += TimeSpan.FromSeconds(1.01);

        using var refused = await client.GetAsync(tags);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("is not authorized to perform: ecr:ListImages", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithTheCacheOffAChangeElsewhereAppliesToTheNextRequest()
    {
        var (client, key) = await UserClientAsync(_uncached, "uncached");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/v2/", UriKind.Relative))).StatusCode);

        await SetStatusBehindTheServersBackAsync(_uncached, "uncached", key.AccessKeyId, "Inactive");

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/v2/", UriKind.Relative))).StatusCode);
    }

    /// <summary>A user allowed ecr:* by an inline policy named "ecr", and a client sending its registry token.</summary>
    private static async Task<(HttpClient Client, AwsCredentials Key)> UserClientAsync(BerthTestServer server, string userName)
    {
        var aws = new IamCli(server);
        var key = await aws.CreateUserWithKeyAsync(userName);
        await aws.RunAsync("iam", "put-user-policy", "--user-name", userName, "--policy-name", "ecr", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}""");
        var login = await new AwsCli(server).RunRawAsync(["ecr", "get-login-password"], key.Environment);
        Assert.Equal(0, login.ExitCode);
        var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:" + login.StandardOutput.Trim())));
        return (client, key);
    }

    private static async Task SetStatusBehindTheServersBackAsync(BerthTestServer server, string userName, string accessKeyId, string status)
    {
        var keys = server.Services.GetRequiredService<IAccessKeyStore>();
        Assert.True(await keys.SetStatusAsync($"arn:aws:iam::{Account}:user/{userName}", accessKeyId, status, CancellationToken.None));
    }
}
