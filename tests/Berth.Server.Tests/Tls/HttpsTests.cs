using System.Net;
using System.Text.Json;
using Berth.Server.Hosting;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Tls;

/// <summary>
/// Berth's own HTTPS, as real clients verify it: skopeo and the aws CLI trust only the CA <c>berth certificate create</c>
/// wrote, and reach Berth by a name (no insecure flags, no loopback address).
/// </summary>
public sealed class HttpsTests : IAsyncLifetime
{
    private HttpsRegistry _registry = null!;

    public async Task InitializeAsync()
    {
        try
        {
            _registry = await HttpsRegistry.StartAsync();
        }
        catch (SkipException)
        {
            // Reported by each test: xunit 2.9 cannot skip from InitializeAsync.
        }
    }

    public async Task DisposeAsync()
    {
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task SkopeoPushesAndPullsOverVerifiedHttpsByName()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool, "aws");
        Skip.If(_registry is null, "needs root and a non-loopback address (see HttpsRegistry)");
        var repository = $"tls/{Guid.NewGuid():N}";
        AssertSucceeded(await _registry.AwsAsync(["ecr", "create-repository", "--repository-name", repository]));
        var password = await _registry.AwsAsync(["ecr", "get-login-password"]);
        AssertSucceeded(password);
        var creds = "AWS:" + password.StandardOutput.Trim();
        var layout = new OciLayoutWriter(Path.Combine(_registry.Work, "layout"));
        var image = TestImageFactory.WriteImage(layout);
        layout.Tag(image.Descriptor, "v1");
        var reference = $"docker://{_registry.Authority}/{repository}:v1";
        var copy = Path.Combine(_registry.Work, "copy");

        await ProcessRunner.RunAsync(Skopeo.Tool, ["copy", "--dest-cert-dir", _registry.TrustDirectory, "--dest-creds", creds, $"oci:{layout.Directory}:v1", reference]);
        await ProcessRunner.RunAsync(Skopeo.Tool, ["copy", "--src-cert-dir", _registry.TrustDirectory, "--src-creds", creds, reference, $"oci:{copy}:v1"]);
        var untrusted = await ProcessRunner.RunAsync(Skopeo.Tool, ["inspect", "--creds", creds, reference], new ProcessRunOptions { AllowFailure = true });

        Assert.Equal(image.ManifestDigest, OciLayout.Find(copy, "v1").Digest);
        foreach (var blob in image.Blobs)
        {
            Assert.Equal(OciLayout.ReadBlob(layout.Directory, blob.Digest), OciLayout.ReadBlob(copy, blob.Digest));
        }

        // Without the CA, skopeo refuses the certificate: verification really happened above.
        Assert.NotEqual(0, untrusted.ExitCode);
        Assert.Contains("certificate", untrusted.StandardError, StringComparison.OrdinalIgnoreCase);
    }

    [SkippableFact]
    public async Task AwsCliVerifiesTheCaBundleAndSecureTransportIsTrueOnlyOverHttps()
    {
        ClientTools.SkipUnlessAvailable("aws");
        Skip.If(_registry is null, "needs root and a non-loopback address (see HttpsRegistry)");
        var overHttp = new AwsCli(_registry.Server);
        await overHttp.RunAsync("iam", "create-user", "--user-name", "tls-only");
        await overHttp.RunAsync("iam", "put-user-policy", "--user-name", "tls-only", "--policy-name", "tls-only", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:DescribeRepositories","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}""");
        var key = (await overHttp.RunAsync("iam", "create-access-key", "--user-name", "tls-only")).GetProperty("AccessKey");
        var (id, secret) = (key.GetProperty("AccessKeyId").GetString()!, key.GetProperty("SecretAccessKey").GetString()!);

        var https = await _registry.AwsAsync(["ecr", "describe-repositories"], id, secret);
        var noBundle = await _registry.AwsAsync(["ecr", "describe-repositories"], id, secret, caBundle: false);
        var http = await overHttp.RunRawAsync(["ecr", "describe-repositories"], new Dictionary<string, string?> { ["AWS_ACCESS_KEY_ID"] = id, ["AWS_SECRET_ACCESS_KEY"] = secret });

        AssertSucceeded(https);
        using (var repositories = JsonDocument.Parse(https.StandardOutput))
        {
            Assert.Equal(JsonValueKind.Array, repositories.RootElement.GetProperty("repositories").ValueKind);
        }

        Assert.NotEqual(0, noBundle.ExitCode);
        Assert.Contains("CERTIFICATE_VERIFY_FAILED", noBundle.StandardError, StringComparison.Ordinal);
        Assert.NotEqual(0, http.ExitCode);
        Assert.Contains("AccessDeniedException", http.StandardError, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ReplacedCertificateFilesAreServedWithoutARestart()
    {
        Skip.If(_registry is null, "needs root and a non-loopback address (see HttpsRegistry)");
        using var before = await _registry.PresentedCertificateAsync();

        // A rotation as an operator (or certbot) does it: new files renamed over the old ones, the CA kept.
        Assert.Equal(0, await BerthCommandLine.RunAsync(["certificate", "create", "--host", _registry.Name, "--out", _registry.Certificates]));

        // The watcher reloads on the file events; wait for a handshake to show it (a guard, not a timing assertion).
        var giveUp = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            using var now = await _registry.PresentedCertificateAsync();
            if (now.Thumbprint != before.Thumbprint)
            {
                Assert.True(now.NotBefore >= before.NotBefore);
                break;
            }

            Assert.True(DateTime.UtcNow < giveUp, "the rotated certificate was not served within a minute");
            await Task.Delay(100);
        }

        using var health = await _registry.Server.Client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    internal static void AssertSucceeded(ProcessResult result) => Assert.True(result.ExitCode == 0, result.ToString());
}
