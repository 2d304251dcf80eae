using System.Text.Json;
using Berth.Server.Tests.Clients.Tools;

namespace Berth.Server.Tests.Infrastructure;

/// <summary>
/// Runs the real <c>aws</c> CLI (real SigV4) against a Berth server or endpoint: <c>aws ecr …</c> with its root key,
/// region us-east-1 and <c>--endpoint-url</c>. Returns the parsed JSON output, or the CLI's error text.
/// </summary>
public sealed class AwsCli(Uri endpoint, string accessKeyId, string secretAccessKey)
{
    public AwsCli(BerthTestServer server)
        : this(server.BaseAddress, server.AccessKeyId, server.SecretAccessKey)
    {
    }

    /// <summary>Runs a command that must succeed; returns its JSON output (an empty object when it prints none).</summary>
    public async Task<JsonElement> RunAsync(params string[] arguments)
    {
        var result = await RunRawAsync(arguments);
        if (result.ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"aws {string.Join(' ', arguments)} failed:\n{result.StandardError}");
        }

        var output = result.StandardOutput.Trim();
        using var document = JsonDocument.Parse(output.Length == 0 ? "{}" : output);
        return document.RootElement.Clone();
    }

    /// <summary>Runs a command that must fail; returns the CLI's "An error occurred (Code) …: message" text.</summary>
    public async Task<string> FailAsync(params string[] arguments)
    {
        var result = await RunRawAsync(arguments);
        if (result.ExitCode == 0)
        {
            throw new Xunit.Sdk.XunitException($"aws {string.Join(' ', arguments)} succeeded but should have failed:\n{result.StandardOutput}");
        }

        return result.StandardError.Trim();
    }

    public Task<ProcessResult> RunRawAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, string? input = null)
    {
        var env = new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = accessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = secretAccessKey,
            ["AWS_DEFAULT_REGION"] = "us-east-1",
            ["AWS_REGION"] = "us-east-1",
            ["AWS_PAGER"] = string.Empty,
            ["AWS_CONFIG_FILE"] = "/dev/null",
            ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            env[key] = value;
        }

        string[] command = [.. arguments, "--endpoint-url", endpoint.ToString().TrimEnd('/'), "--output", "json"];
        return input is null && AwsCliHost.IsAvailable
            ? AwsCliHost.RunAsync(command, env, TimeSpan.FromMinutes(2))
            : ProcessRunner.RunAsync("aws", command, new ProcessRunOptions { Environment = env, AllowFailure = true, StandardInput = input, Timeout = TimeSpan.FromMinutes(2) });
    }
}
