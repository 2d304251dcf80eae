using System.Net.Http.Headers;
using System.Text;

namespace Berth.Server.Tests.Infrastructure;

/// <summary>A /v2/ client logged in as docker login does: Basic base64("AWS:" + aws ecr get-login-password).</summary>
public static class RegistryLogin
{
    public static async Task<HttpClient> ClientAsync(BerthTestServer server, AwsCli aws)
    {
        var result = await aws.RunRawAsync(["ecr", "get-login-password"]);
        Assert.Equal(0, result.ExitCode);
        var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:" + result.StandardOutput.Trim())));
        return client;
    }
}
