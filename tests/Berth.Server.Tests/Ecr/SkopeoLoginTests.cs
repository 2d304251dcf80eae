using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Ecr;

/// <summary>The seeds' workflow with skopeo: create-repository, get-login-password | skopeo login, copy, inspect.</summary>
public sealed class SkopeoLoginTests : IAsyncLifetime
{
    private BerthTestServer _server = null!;
    private AwsCli _aws = null!;
    private string _work = null!;

    public async Task InitializeAsync()
    {
        _server = await BerthTestServer.StartEcrAsync(new Dictionary<string, string?> { ["Berth:PublicHost"] = "registry.example.test:5000" });
        _aws = new AwsCli(_server);
        _work = Directory.CreateTempSubdirectory("berth-skopeo-login-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [SkippableFact]
    public async Task SkopeoLogsInWithTheEcrPasswordAndItsPushShowsInDescribeImages()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool, "aws");

        var created = await _aws.RunAsync("ecr", "create-repository", "--repository-name", "skopeo/app");
        Assert.Equal("registry.example.test:5000/skopeo/app", created.GetProperty("repository").GetProperty("repositoryUri").GetString());
        var password = (await _aws.RunRawAsync(["ecr", "get-login-password"])).StandardOutput.Trim();
        var authFile = Path.Combine(_work, "auth.json");
        await ProcessRunner.RunAsync(Skopeo.Tool, ["login", "--authfile", authFile, "--tls-verify=false", "--username", "AWS", "--password-stdin", _server.Host],
            new ProcessRunOptions { StandardInput = password });

        var layout = new OciLayoutWriter(Path.Combine(_work, "layout"));
        var image = TestImageFactory.WriteImage(layout);
        layout.Tag(image.Descriptor, "v1");
        await Skopeo.CopyAsync($"oci:{layout.Directory}:v1", $"docker://{_server.Host}/skopeo/app:v1", "--authfile", authFile);
        var described = await _aws.RunAsync("ecr", "describe-images", "--repository-name", "skopeo/app");
        var anonymous = await ProcessRunner.RunAsync(Skopeo.Tool, ["inspect", "--tls-verify=false", "--no-creds", $"docker://{_server.Host}/skopeo/app:v1"],
            new ProcessRunOptions { AllowFailure = true });

        var detail = Assert.Single(described.GetProperty("imageDetails").EnumerateArray());
        Assert.Equal(image.Descriptor.Digest, detail.GetProperty("imageDigest").GetString());
        Assert.NotEqual(0, anonymous.ExitCode);
    }
}
