using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Iam;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Clients;

/// <summary>
/// IAM denials as docker users meet them: <c>docker login</c> with an IAM user's registry password, then a push the
/// user's policies refuse is reported by docker as "denied" with AWS's sentence (ECR answers 403 DENIED on /v2/).
/// </summary>
[Collection(DockerTestGroup.Name)]
public sealed class DockerDenialTests(DockerDaemon docker) : IAsyncLifetime
{
    private const string Account = "000000000000";
    private readonly string _work = Directory.CreateTempSubdirectory("berth-docker-denial-").FullName;
    private BerthTestServer _server = null!;
    private IamCli _aws = null!;

    public async Task InitializeAsync()
    {
        _server = await BerthTestServer.StartEcrAsync();
        _aws = new IamCli(_server);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [SkippableFact]
    public async Task AReadOnlyUserPullsWithDockerButItsPushIsDenied()
    {
        ClientTools.SkipUnlessAvailable(DockerDaemon.Tool, DockerDaemon.DaemonTool, Skopeo.Tool);
        Skip.IfNot(docker.IsRunning, "the daemon was not started: a tool was missing when its fixture began");

        await _aws.RunAsync("ecr", "create-repository", "--repository-name", "denial/readonly");
        var local = await LoadAsync();
        await LoginAsync(_aws.Root);
        await docker.RunAsync("tag", local, Reference("denial/readonly", "v1"));
        await docker.RunAsync("push", Reference("denial/readonly", "v1"));
        var reader = await _aws.CreateUserWithKeyAsync("docker-reader");
        await _aws.RunAsync("iam", "attach-user-policy", "--user-name", "docker-reader", "--policy-arn", "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly");

        await LoginAsync(reader);
        await docker.RunAsync("rmi", Reference("denial/readonly", "v1"));
        var pull = await docker.RunAsync("pull", Reference("denial/readonly", "v1"));
        await docker.RunAsync("tag", local, Reference("denial/readonly", "v2"));
        var push = await FailAsync("push", Reference("denial/readonly", "v2"));

        Assert.Contains("Downloaded newer image", pull.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("denied", push, StringComparison.Ordinal);
        Assert.Contains($"User: arn:aws:iam::{Account}:user/docker-reader is not authorized to perform: ecr:", push, StringComparison.Ordinal);
        Assert.Contains("because no identity-based policy allows the ecr:", push, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ADenyStatementOnOneRepositoryStopsDockerThereOnly()
    {
        ClientTools.SkipUnlessAvailable(DockerDaemon.Tool, DockerDaemon.DaemonTool, Skopeo.Tool);
        Skip.IfNot(docker.IsRunning, "the daemon was not started: a tool was missing when its fixture began");

        await _aws.RunAsync("ecr", "create-repository", "--repository-name", "denial/open");
        await _aws.RunAsync("ecr", "create-repository", "--repository-name", "denial/guarded");
        var pusher = await _aws.CreateUserWithKeyAsync("docker-pusher");
        await _aws.RunAsync("iam", "attach-user-policy", "--user-name", "docker-pusher", "--policy-arn", "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser");
        await _aws.RunAsync("iam", "put-user-policy", "--user-name", "docker-pusher", "--policy-name", "not-guarded", "--policy-document",
            $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ecr:*","Resource":"arn:aws:ecr:us-east-1:{{Account}}:repository/denial/guarded"}]}""");
        var local = await LoadAsync();

        await LoginAsync(pusher);
        await docker.RunAsync("tag", local, Reference("denial/open", "v1"));
        await docker.RunAsync("tag", local, Reference("denial/guarded", "v1"));
        var open = await docker.RunAsync("push", Reference("denial/open", "v1"));
        var guarded = await FailAsync("push", Reference("denial/guarded", "v1"));

        Assert.Contains("digest: sha256:", open.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("denied", guarded, StringComparison.Ordinal);
        Assert.Contains(
            $"User: arn:aws:iam::{Account}:user/docker-pusher is not authorized to perform: ecr:", guarded, StringComparison.Ordinal);
        Assert.Contains($"on resource: arn:aws:ecr:us-east-1:{Account}:repository/denial/guarded with an explicit deny in an identity-based policy", guarded, StringComparison.Ordinal);
        Assert.Empty((await _aws.RunAsync("ecr", "describe-images", "--repository-name", "denial/guarded")).GetProperty("imageDetails").EnumerateArray());
    }

    private string Reference(string repository, string tag) => $"{_server.Host}/{repository}:{tag}";

    private async Task LoginAsync(AwsCredentials credentials)
    {
        var password = await new AwsCli(_server).RunRawAsync(["ecr", "get-login-password"], credentials.Environment);
        Assert.True(password.ExitCode == 0, password.StandardError);
        await docker.RunWithInputAsync(password.StandardOutput.Trim(), "login", "--username", "AWS", "--password-stdin", _server.Host);
    }

    /// <summary>Runs a docker command that must fail; returns what docker printed.</summary>
    private async Task<string> FailAsync(params string[] arguments)
    {
        try
        {
            var result = await docker.RunAsync(arguments);
            throw new Xunit.Sdk.XunitException($"docker {string.Join(' ', arguments)} succeeded but should have failed:\n{result}");
        }
        catch (ProcessFailedException e)
        {
            return e.Message;
        }
    }

    /// <summary>An OCI layout image turned into a docker-archive by skopeo and docker-loaded under a unique local name.</summary>
    private async Task<string> LoadAsync()
    {
        var layout = new OciLayoutWriter(Path.Combine(_work, "layout-" + Guid.NewGuid().ToString("N")));
        var image = TestImageFactory.WriteImage(layout);
        var tag = Guid.NewGuid().ToString("N")[..12];
        layout.Tag(image.Descriptor, tag);
        var local = $"berth-local/denial:{tag}";
        var archive = Path.Combine(_work, $"{tag}.tar");
        await Skopeo.CopyAsync($"oci:{layout.Directory}:{tag}", $"docker-archive:{archive}:{local}");
        await docker.RunAsync("load", "--input", archive);
        return local;
    }
}
