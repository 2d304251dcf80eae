using System.Net.Http.Headers;
using System.Text;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Registries;

/// <summary>
/// An ECR-mode server with a second account, 111111111111, created by the real <c>berth account create</c> on the
/// server's data directory (the database is shared, as for an operator running the command beside a server).
/// </summary>
public class MultiRegistryFixture : IAsyncLifetime
{
    public const string Default = "000000000000";
    public const string Second = "111111111111";

    public BerthTestServer Server { get; private set; } = null!;

    public string SecondKeyId { get; } = "AKIASECOND" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    public string SecondSecret { get; } = Guid.NewGuid().ToString("N") + "Second";

    public ProcessResult Created { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Server = await BerthTestServer.StartEcrAsync(Settings);
        Created = await BerthCli.RunAsync(Server.DataDirectory, "account", "create", Second, "--access-key-id", SecondKeyId, "--secret-access-key", SecondSecret);
    }

    public virtual Task DisposeAsync() => Server.DisposeAsync().AsTask();

    /// <summary>Settings a derived fixture adds to the server's.</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    /// <summary>The aws CLI as the root of <paramref name="account"/> in <paramref name="region"/>.</summary>
    public Task<ProcessResult> AwsAsync(string account, string region, params string[] arguments) =>
        new AwsCli(Server).RunRawAsync(arguments, new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = account == Second ? SecondKeyId : Server.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = account == Second ? SecondSecret : Server.SecretAccessKey,
            ["AWS_DEFAULT_REGION"] = region,
            ["AWS_REGION"] = region,
        });

    /// <summary>The registry password of <paramref name="account"/>'s root in <paramref name="region"/>.</summary>
    public async Task<string> PasswordAsync(string account, string region)
    {
        var result = await AwsAsync(account, region, "ecr", "get-login-password");
        Assert.True(result.ExitCode == 0, result.StandardError);
        return result.StandardOutput.Trim();
    }

    /// <summary>A /v2/ request to the registry host <paramref name="host"/> (sent to the server, Host header set).</summary>
    public async Task<HttpResponseMessage> GetAsync(string host, string path, string? password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Server.BaseAddress, path));
        request.Headers.Host = host;
        if (password is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:" + password)));
        }

        return await Server.Client.SendAsync(request);
    }

    public string HostOf(string account, string region) => $"{account}.dkr.ecr.{region}.localhost:{Server.BaseAddress.Port}";
}
