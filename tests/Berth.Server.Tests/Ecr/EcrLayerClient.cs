using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Ecr;

/// <summary>
/// What the layer API tests drive an ECR-mode server with: the aws CLI (parts passed as fileb:// files), a /v2/
/// client holding the registry token of <c>aws ecr get-login-password</c>, curl, and boto3 scripts run by python3.
/// </summary>
public sealed class EcrLayerClient(BerthTestServer server, string workDirectory)
{
    public AwsCli Cli { get; } = new(server);

    public async Task CreateRepositoryAsync(string repository) => await Cli.RunAsync("ecr", "create-repository", "--repository-name", repository);

    public async Task<string> InitiateAsync(string repository) =>
        (await Cli.RunAsync("ecr", "initiate-layer-upload", "--repository-name", repository)).GetProperty("uploadId").GetString()!;

    public string[] UploadPartArguments(string repository, string uploadId, long firstByte, byte[] part) =>
    [
        "ecr", "upload-layer-part", "--repository-name", repository, "--upload-id", uploadId,
        "--part-first-byte", firstByte.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--part-last-byte", (firstByte + part.Length - 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--layer-part-blob", "fileb://" + WriteFile(part),
    ];

    public async Task<JsonElement> UploadPartAsync(string repository, string uploadId, long firstByte, byte[] part) =>
        await Cli.RunAsync(UploadPartArguments(repository, uploadId, firstByte, part));

    public static string[] CompleteArguments(string repository, string uploadId, string digest) =>
        ["ecr", "complete-layer-upload", "--repository-name", repository, "--upload-id", uploadId, "--layer-digests", digest];

    /// <summary>An HttpClient for /v2/ with Basic AWS:&lt;token&gt; from <c>aws ecr get-login-password</c>.</summary>
    public async Task<HttpClient> RegistryClientAsync()
    {
        var result = await Cli.RunRawAsync(["ecr", "get-login-password"]);
        Assert.Equal(0, result.ExitCode);
        var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:" + result.StandardOutput.Trim())));
        return client;
    }

    /// <summary>Downloads a URL with curl; returns the HTTP status and the file holding the body.</summary>
    public async Task<(int Status, string File)> CurlAsync(string url, string? range = null)
    {
        var file = Path.Combine(workDirectory, Guid.NewGuid().ToString("N"));
        List<string> arguments = ["-sS", "-o", file, "-w", "%{http_code}", url];
        if (range is not null)
        {
            arguments.AddRange(["-r", range]);
        }

        var result = await ProcessRunner.RunAsync("curl", arguments);
        return (int.Parse(result.StandardOutput.Trim(), System.Globalization.CultureInfo.InvariantCulture), file);
    }

    /// <summary>Runs a python3 script of this folder (or inline code with "-c") with the server's credentials.</summary>
    public Task<ProcessResult> PythonAsync(params string[] arguments) =>
        ProcessRunner.RunAsync("python3", arguments, new ProcessRunOptions
        {
            AllowFailure = true,
            Timeout = TimeSpan.FromMinutes(3),
            Environment = new Dictionary<string, string?>
            {
                ["AWS_ACCESS_KEY_ID"] = server.AccessKeyId,
                ["AWS_SECRET_ACCESS_KEY"] = server.SecretAccessKey,
                ["AWS_DEFAULT_REGION"] = "us-east-1",
                ["AWS_CONFIG_FILE"] = "/dev/null",
                ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
                ["AWS_EC2_METADATA_DISABLED"] = "true",
            },
        });

    public string Endpoint => server.BaseAddress.ToString().TrimEnd('/');

    private string WriteFile(byte[] content)
    {
        var path = Path.Combine(workDirectory, Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, content);
        return path;
    }
}
