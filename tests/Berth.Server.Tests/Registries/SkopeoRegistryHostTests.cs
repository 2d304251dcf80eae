using System.Text.Json;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;

namespace Berth.Server.Tests.Registries;

/// <summary>
/// skopeo pushing to and pulling from <c>&lt;account&gt;.dkr.ecr.&lt;region&gt;.localhost:&lt;port&gt;</c>. Such names
/// do not resolve through glibc here, so skopeo's HTTP proxy is Berth itself: Go sends the absolute URI with the
/// registry name as Host and never resolves it, and nothing on the machine (such as /etc/hosts) is changed.
/// </summary>
public sealed class SkopeoRegistryHostTests(MultiRegistryFixture fixture) : IClassFixture<MultiRegistryFixture>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("berth-skopeo-hosts-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [SkippableFact]
    public async Task SkopeoPushesToAndPullsFromARegistryNamedByItsHost()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool, "aws");

        var create = await fixture.AwsAsync(MultiRegistryFixture.Second, "eu-west-1", "ecr", "create-repository", "--repository-name", "skopeo/app");
        Assert.True(create.ExitCode == 0, create.StandardError);
        var sameNameElsewhere = await fixture.AwsAsync(MultiRegistryFixture.Default, "eu-west-1", "ecr", "create-repository", "--repository-name", "skopeo/app");
        Assert.True(sameNameElsewhere.ExitCode == 0, sameNameElsewhere.StandardError);
        var password = await fixture.PasswordAsync(MultiRegistryFixture.Second, "eu-west-1");
        var host = fixture.HostOf(MultiRegistryFixture.Second, "eu-west-1");

        var layout = new OciLayoutWriter(Path.Combine(_work, "layout"));
        var image = TestImageFactory.WriteImage(layout);
        layout.Tag(image.Descriptor, "v1");
        await SkopeoAsync("copy", "--dest-tls-verify=false", "--dest-creds", "AWS:" + password, $"oci:{layout.Directory}:v1", $"docker://{host}/skopeo/app:v1");
        var inspected = await SkopeoAsync("inspect", "--tls-verify=false", "--creds", "AWS:" + password, $"docker://{host}/skopeo/app:v1");
        await SkopeoAsync("copy", "--src-tls-verify=false", "--src-creds", "AWS:" + password, $"docker://{host}/skopeo/app:v1", $"oci:{Path.Combine(_work, "pulled")}:v1");
        var described = await fixture.AwsAsync(MultiRegistryFixture.Second, "eu-west-1", "ecr", "describe-images", "--repository-name", "skopeo/app");
        var otherAccount = await fixture.AwsAsync(MultiRegistryFixture.Default, "eu-west-1", "ecr", "describe-images", "--repository-name", "skopeo/app");

        using (var inspection = JsonDocument.Parse(inspected.StandardOutput))
        {
            Assert.Equal(image.Descriptor.Digest, inspection.RootElement.GetProperty("Digest").GetString());
        }

        Assert.True(File.Exists(Path.Combine(_work, "pulled", "index.json")));
        using var details = JsonDocument.Parse(described.StandardOutput);
        Assert.Equal(image.Descriptor.Digest, Assert.Single(details.RootElement.GetProperty("imageDetails").EnumerateArray()).GetProperty("imageDigest").GetString());
        using var empty = JsonDocument.Parse(otherAccount.StandardOutput);
        Assert.Empty(empty.RootElement.GetProperty("imageDetails").EnumerateArray());
    }

    private Task<ProcessResult> SkopeoAsync(params string[] arguments) =>
        ProcessRunner.RunAsync(Skopeo.Tool, arguments, new ProcessRunOptions
        {
            Environment = new Dictionary<string, string?>
            {
                ["HTTP_PROXY"] = fixture.Server.BaseAddress.ToString().TrimEnd('/'),
                ["http_proxy"] = fixture.Server.BaseAddress.ToString().TrimEnd('/'),
                ["NO_PROXY"] = null,
                ["no_proxy"] = null,
            },
        });
}
