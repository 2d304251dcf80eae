using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.PublicRegistries;

/// <summary>
/// The pieces a public registry test needs: the aws CLI for <c>aws ecr-public</c>, the account's alias, a registry
/// password, tokens from <c>/token/</c> and HTTP clients on the public host.
/// </summary>
public sealed class PublicRegistryClient(BerthTestServer server)
{
    public AwsCli Aws { get; } = new(server);

    public string Host => server.PublicHost;

    /// <summary>The account's alias, as describe-registries reports it.</summary>
    public async Task<string> AliasAsync() =>
        (await Aws.RunAsync("ecr-public", "describe-registries")).GetProperty("registries")[0].GetProperty("aliases")[0].GetProperty("name").GetString()!;

    /// <summary><c>aws ecr-public get-login-password --region us-east-1</c>, with the root key unless credentials are given.</summary>
    public async Task<string> PasswordAsync(IReadOnlyDictionary<string, string?>? credentials = null)
    {
        var result = await Aws.RunRawAsync(["ecr-public", "get-login-password", "--region", "us-east-1"], credentials);
        Assert.True(result.ExitCode == 0, result.StandardError);
        return result.StandardOutput.Trim();
    }

    /// <summary>An HTTP client on the public host, with a Bearer token when one is given.</summary>
    public HttpClient Client(string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://{Host}/"), Timeout = TimeSpan.FromMinutes(2) };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    /// <summary>GET /token/ with the scopes (and Basic AWS:password when given); asserts 200 and returns the JSON.</summary>
    public async Task<JsonElement> TokenAsync(string? password, params string[] scopes)
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/token/?service={Host}&offline_token=true&client_id=tests" + string.Concat(scopes.Select(s => "&scope=" + Uri.EscapeDataString(s))));
        if (password is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:" + password)));
        }

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    /// <summary>Runs python with <c>ecr = boto3.client("ecr-public", …)</c> as the root, then <paramref name="body"/>; returns the JSON it prints.</summary>
    public async Task<JsonElement> Boto3Async(string body)
    {
        var script = $"import boto3, json\necr = boto3.client(\"ecr-public\", endpoint_url=\"{server.BaseAddress.ToString().TrimEnd('/')}\", region_name=\"us-east-1\")\n" + body;
        var result = await ProcessRunner.RunAsync("python3", ["-c", script], new ProcessRunOptions
        {
            AllowFailure = true,
            Environment = new Dictionary<string, string?>
            {
                ["AWS_ACCESS_KEY_ID"] = server.AccessKeyId,
                ["AWS_SECRET_ACCESS_KEY"] = server.SecretAccessKey,
                ["AWS_CONFIG_FILE"] = "/dev/null",
                ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
                ["AWS_EC2_METADATA_DISABLED"] = "true",
            },
        });
        Assert.True(result.ExitCode == 0, result.ToString());
        using var document = JsonDocument.Parse(result.StandardOutput);
        return document.RootElement.Clone();
    }

    /// <summary>The token of <see cref="TokenAsync"/>.</summary>
    public async Task<string> BearerAsync(string? password, params string[] scopes) => (await TokenAsync(password, scopes)).GetProperty("token").GetString()!;
}
