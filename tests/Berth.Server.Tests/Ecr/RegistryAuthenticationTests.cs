using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Ecr;

public sealed class RegistryAuthenticationTests : IAsyncLifetime
{
    private BerthTestServer _server = null!;
    private AwsCli _aws = null!;

    public async Task InitializeAsync()
    {
        _server = await BerthTestServer.StartEcrAsync();
        _aws = new AwsCli(_server);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task V2WithoutCredentialsIsA401WithABasicChallenge()
    {
        using var response = await _server.Client.GetAsync("/v2/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal($"Basic realm=\"http://{_server.Host}/\",service=\"ecr.amazonaws.com\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("UNAUTHORIZED", await OciTestClient.ErrorCodeAsync(response));
    }

    [Fact]
    public async Task TheLoginPasswordOpensV2AndGetAuthorizationTokenHasTwelveHours()
    {
        var token = (await _aws.RunAsync("ecr", "get-authorization-token")).GetProperty("authorizationData")[0];
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(token.GetProperty("authorizationToken").GetString()!));
        var expiresIn = DateTimeOffset.FromUnixTimeMilliseconds((long)(token.GetProperty("expiresAt").GetDouble() * 1000)) - DateTimeOffset.UtcNow;

        Assert.StartsWith("AWS:", decoded, StringComparison.Ordinal);
        Assert.Equal($"http://{_server.Host}", token.GetProperty("proxyEndpoint").GetString());
        Assert.InRange(expiresIn, TimeSpan.FromHours(11.9), TimeSpan.FromHours(12));
        using var response = await SendAsync("/v2/", decoded);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ATamperedTokenOrAnotherUserIsA401()
    {
        var password = (await _aws.RunRawAsync(["ecr", "get-login-password"])).StandardOutput.Trim();
        var tampered = password[..^2] + (password[^2] == 'A' ? "B" : "A") + password[^1];

        using var bad = await SendAsync("/v2/", "AWS:" + tampered);
        using var user = await SendAsync("/v2/", "admin:" + password);

        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, user.StatusCode);
    }

    [Fact]
    public async Task ATokenOfAnotherRegionIsDenied()
    {
        var password = (await _aws.RunRawAsync(["ecr", "get-login-password"])).StandardOutput.Trim();
        await using var europe = await BerthTestServer.StartEcrAsync(new Dictionary<string, string?>
        {
            ["Berth:DataDirectory"] = _server.DataDirectory,
            ["Berth:Region"] = "eu-west-1",
        });

        using var response = await SendAsync("/v2/", "AWS:" + password, europe);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("DENIED", await OciTestClient.ErrorCodeAsync(response));
    }

    private async Task<HttpResponseMessage> SendAsync(string path, string credentials, BerthTestServer? server = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return await (server ?? _server).Client.SendAsync(request);
    }
}
