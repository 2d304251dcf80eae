using System.Text.Json;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Iam;

/// <summary>The real aws CLI against a Berth server, as the root or with other credentials.</summary>
public sealed class IamCli(BerthTestServer server)
{
    private readonly AwsCli _aws = new(server);

    public AwsCredentials Root { get; } = new(server.AccessKeyId, server.SecretAccessKey);

    public Task<JsonElement> RunAsync(params string[] arguments) => RunAsAsync(Root, arguments);

    public Task<string> FailAsync(params string[] arguments) => FailAsAsync(Root, arguments);

    public async Task<JsonElement> RunAsAsync(AwsCredentials credentials, params string[] arguments)
    {
        var result = await _aws.RunRawAsync(arguments, credentials.Environment);
        if (result.ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"aws {string.Join(' ', arguments)} failed:\n{result.StandardError}");
        }

        var output = result.StandardOutput.Trim();
        using var document = JsonDocument.Parse(output.Length == 0 ? "{}" : output);
        return document.RootElement.Clone();
    }

    /// <summary>Runs a command that must fail; returns the CLI's "An error occurred (Code) when calling …: message".</summary>
    public async Task<string> FailAsAsync(AwsCredentials credentials, params string[] arguments)
    {
        var result = await _aws.RunRawAsync(arguments, credentials.Environment);
        if (result.ExitCode == 0)
        {
            throw new Xunit.Sdk.XunitException($"aws {string.Join(' ', arguments)} succeeded but should have failed:\n{result.StandardOutput}");
        }

        return result.StandardError.Trim();
    }

    /// <summary>Creates a user and an access key for it; returns the key.</summary>
    public async Task<AwsCredentials> CreateUserWithKeyAsync(string userName)
    {
        await RunAsync("iam", "create-user", "--user-name", userName);
        var key = (await RunAsync("iam", "create-access-key", "--user-name", userName)).GetProperty("AccessKey");
        return new AwsCredentials(key.GetProperty("AccessKeyId").GetString()!, key.GetProperty("SecretAccessKey").GetString()!);
    }
}
