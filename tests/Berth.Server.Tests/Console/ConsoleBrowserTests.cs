using System.Text.Json;
using Berth.Core.AuditTrail;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Ecr;
using Berth.Server.Tests.Iam;
using Berth.Server.Tests.Infrastructure;
using Berth.Server.Tests.Registries;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Berth.Server.Tests.Console;

/// <summary>
/// The console in a real headless chromium against a real Berth, with images pushed by skopeo: sign in, browse to an
/// image and check the layer sizes shown against its manifest, open a multi-arch index and its platforms, follow a
/// signature referrer, delete a tag through the confirmation, sign out; a user allowed on one repository sees that one
/// only and is told why elsewhere; a form posted without the anti-forgery token is refused.
/// </summary>
public sealed class ConsoleBrowserTests : IAsyncLifetime
{
    private BerthTestServer _server = null!;
    private IamCli _aws = null!;
    private string _work = null!;

    public async Task InitializeAsync()
    {
        _server = await BerthTestServer.StartEcrAsync();
        _aws = new IamCli(_server);
        _work = Path.Combine(Path.GetTempPath(), "berth-console", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_work);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [SkippableFact]
    public async Task BrowseToAnImageCheckItsLayersOpenAnIndexDeleteATagAndSignOut()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool, ConsoleBrowser.Chromium);
        await using var browser = await ConsoleBrowser.StartAsync(_server);
        await _aws.RunAsync("ecr", "create-repository", "--repository-name", "web/app", "--image-tag-mutability", "IMMUTABLE");
        await CreateRepositoryAsync("tools/ci");
        var layout = new OciLayoutWriter(Path.Combine(_work, "layout"));
        var image = TestImageFactory.WriteImage(layout, layerCount: 3, layerBytes: 160 * 1024);
        layout.Tag(image.Descriptor, "v1");
        layout.Tag(image.Descriptor, "stable");
        var signature = TestImageFactory.WriteArtifact(layout, image, "application/vnd.berth.test.signature.v1+json");
        layout.Tag(new OciDescriptor(OciMediaTypes.ImageManifest, signature.ManifestDigest, signature.Manifest.Length), "signature");
        var index = TestImageFactory.WriteIndex(layout, "amd64", "arm64");
        layout.Tag(new OciDescriptor(OciMediaTypes.ImageIndex, index.IndexDigest, index.Index.Length), "multi");
        await PushAsync(layout, "v1", "web/app");
        await PushAsync(layout, "stable", "web/app");
        await PushAsync(layout, "multi", "web/app", "--all", "--preserve-digests");
        await PushAsync(layout, "signature", "web/app", "--preserve-digests");

        // Keep one image: the lifecycle preview started from the console lists the other two (the image, the signature
        // and the index count; the index's children do not) as expiring.
        await _aws.RunAsync("ecr", "put-lifecycle-policy", "--repository-name", "web/app", "--lifecycle-policy-text",
            """{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}""");
        var page = await browser.NewPageAsync();

        await ConsoleBrowser.SignInAsync(page, _server.AccessKeyId, _server.SecretAccessKey);
        Assert.Equal(["tools/ci", "web/app"], await page.Locator("table tbody tr td:first-child a").AllInnerTextsAsync());
        await ConsoleBrowser.ScreenshotAsync(page, "repositories");
        await ConsoleBrowser.AssertAccessibleAsync(page);

        // The registry: account, region, the host docker logs in to, the public registry's alias.
        await page.GetByRole(AriaRole.Link, new() { Name = "Registries" }).ClickAsync();
        Assert.Equal("000000000000", await page.Locator("#account").InnerTextAsync());
        Assert.Equal("us-east-1", await page.Locator("#region").InnerTextAsync());
        Assert.Equal(_server.Host, await page.Locator("#registry-host").InnerTextAsync());
        Assert.NotEmpty(await page.Locator("#public-alias").InnerTextAsync());
        await ConsoleBrowser.AssertAccessibleAsync(page);

        // Settings: tag mutability as created; the lifecycle preview is started from the console.
        await page.GotoAsync("/console/repository-settings?name=web%2Fapp");
        Assert.Equal("IMMUTABLE", (await page.Locator("#tag-mutability").InnerTextAsync()).Trim());
        Assert.Equal("This repository has no policy.", await page.Locator("#policy-note").InnerTextAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview the lifecycle policy now" }).ClickAsync();
        Assert.Equal("COMPLETE", await page.Locator("#preview-status").InnerTextAsync());
        Assert.Equal(2, await page.Locator("#preview-table tbody tr").CountAsync());
        await ConsoleBrowser.ScreenshotAsync(page, "repository-settings");
        await page.GotoAsync("/console/repository-settings?name=web%2Fapp");
        await ConsoleBrowser.AssertAccessibleAsync(page);
        await page.GotoAsync("/console/repositories");

        await page.GetByRole(AriaRole.Link, new() { Name = "web/app", Exact = true }).ClickAsync();
        var row = page.Locator("tbody tr", new() { HasText = "stable" });
        Assert.Contains("v1", await row.InnerTextAsync(), StringComparison.Ordinal);
        await ConsoleBrowser.ScreenshotAsync(page, "images");
        await row.Locator("a").ClickAsync();

        // Every layer's size, as shown, is the manifest's; the pull command names this server.
        var shown = await page.Locator("td.layer-size").EvaluateAllAsync<long[]>("cells => cells.map(c => Number(c.dataset.bytes))");
        Assert.Equal(image.Layers.Select(l => l.Size), shown);
        using (var manifest = JsonDocument.Parse(image.Manifest))
        {
            Assert.Equal(manifest.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("size").GetInt64()), shown);
        }

        Assert.Equal(3, await page.Locator("#layer-table .bar").CountAsync());
        Assert.Contains($"docker pull {_server.Host}/web/app@{image.ManifestDigest}", await page.Locator("#pull + pre").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains($"docker push {_server.Host}/web/app:v1", await page.Locator("#pull ~ pre.commands").First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains(image.Config.Digest, await page.Locator("#config + p").InnerTextAsync(), StringComparison.Ordinal);
        using (var config = JsonDocument.Parse(await page.Locator("#config-json").InnerTextAsync()))
        using (var pushed = JsonDocument.Parse(OciLayout.ReadBlob(layout.Directory, image.Config.Digest)))
        {
            Assert.True(JsonElement.DeepEquals(pushed.RootElement, config.RootElement));
        }

        Assert.Equal("Not replicated: no replication rule matches this repository.", await page.Locator("#replication + p").InnerTextAsync());
        Assert.Equal("This image has not been scanned.", await page.Locator("#scan + p").InnerTextAsync());
        await ConsoleBrowser.ScreenshotAsync(page, "image");
        await ConsoleBrowser.AssertAccessibleAsync(page);

        // The signature is a referrer of the image: the tree links to it, and its page names its subject's digest.
        await page.Locator("#referrer-tree a", new() { HasText = "application/vnd.berth.test.signature.v1+json" }).ClickAsync();
        Assert.Equal(signature.ManifestDigest, (await page.Locator("h1").InnerTextAsync()).Split('@')[1]);
        Assert.Contains(image.ManifestDigest, await page.Locator("#manifest + pre").InnerTextAsync(), StringComparison.Ordinal);

        // The index lists its platforms, each a link to its manifest.
        await page.GotoAsync($"/console/image?repository=web%2Fapp&digest={Uri.EscapeDataString(index.IndexDigest)}");
        Assert.Equal(["linux/amd64", "linux/arm64/v8"], await page.Locator("#platform-table tbody tr td:first-child").AllInnerTextsAsync());
        await page.Locator("#platform-table tbody tr", new() { HasText = "linux/arm64/v8" }).Locator("a").ClickAsync();
        Assert.Equal(index.Images[1].ManifestDigest, (await page.Locator("h1").InnerTextAsync()).Split('@')[1]);

        // Deleting an image asks first, then deletes it (and its tag) as BatchDeleteImage with an imageDigest does.
        await page.GotoAsync($"/console/image?repository=web%2Fapp&digest={Uri.EscapeDataString(signature.ManifestDigest)}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Delete image" }).ClickAsync();
        await ConsoleBrowser.AssertAccessibleAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete image" }).ClickAsync();
        Assert.Equal($"Image {signature.ManifestDigest} deleted.", await page.GetByRole(AriaRole.Status).InnerTextAsync());

        // Deleting a tag asks first, then deletes it as BatchDeleteImage does.
        await page.GotoAsync($"/console/image?repository=web%2Fapp&digest={Uri.EscapeDataString(image.ManifestDigest)}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Delete tag stable" }).ClickAsync();
        Assert.Equal("Delete tag stable?", await page.Locator("h1").InnerTextAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete tag stable" }).ClickAsync();
        Assert.Equal("Tag stable deleted.", await page.GetByRole(AriaRole.Status).InnerTextAsync());
        var tags = (await _aws.RunAsync("ecr", "list-images", "--repository-name", "web/app")).GetProperty("imageIds").EnumerateArray()
            .Select(i => i.TryGetProperty("imageTag", out var t) ? t.GetString() : null).OfType<string>().Order().ToList();
        Assert.Equal(["multi", "v1"], tags);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync("**/console/sign-in");
        await page.GotoAsync("/console/repositories");
        Assert.Contains("/console/sign-in", page.Url, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task AUserAllowedOnOneRepositorySeesOnlyThatOneAndIsToldWhyElsewhere()
    {
        await using var browser = await ConsoleBrowser.StartAsync(_server);
        var allowed = await CreateRepositoryAsync("team/allowed");
        await CreateRepositoryAsync("team/secret");
        var key = await _aws.CreateUserWithKeyAsync("viewer");
        await _aws.RunAsync("iam", "put-user-policy", "--user-name", "viewer", "--policy-name", "one-repository", "--policy-document",
            $$"""{"Version":"2012-10-17","Statement":[{"Sid":"ReadOne","Effect":"Allow","Action":["ecr:DescribeRepositories","ecr:DescribeImages","ecr:BatchGetImage"],"Resource":"{{allowed}}"},{"Sid":"Explain","Effect":"Allow","Action":["iam:SimulatePrincipalPolicy","cloudtrail:LookupEvents"],"Resource":"*"}]}""");
        var page = await browser.NewPageAsync(phone: true);

        await ConsoleBrowser.SignInAsync(page, key.AccessKeyId, key.SecretAccessKey);
        Assert.Equal(["team/allowed"], await page.Locator("table tbody tr td:first-child a").AllInnerTextsAsync());
        await ConsoleBrowser.ScreenshotAsync(page, "repositories-one-user-phone");
        await ConsoleBrowser.AssertAccessibleAsync(page);

        var denied = await page.GotoAsync("/console/repository?name=team%2Fsecret");
        Assert.Equal(403, denied!.Status);
        Assert.Equal(
            "User: arn:aws:iam::000000000000:user/viewer is not authorized to perform: ecr:DescribeImages on resource: arn:aws:ecr:us-east-1:000000000000:repository/team/secret because no identity-based policy allows the ecr:DescribeImages action",
            await page.GetByRole(AriaRole.Alert).InnerTextAsync());
        await page.GetByRole(AriaRole.Link, new() { Name = "Why? Explain this decision in the policy simulator" }).ClickAsync();
        Assert.Equal("implicitDeny", await page.Locator("#decision").InnerTextAsync());
        var readOne = page.Locator("#trace tbody tr", new() { HasText = "ReadOne" });
        Assert.Contains("no", await readOne.InnerTextAsync(), StringComparison.Ordinal);
        await ConsoleBrowser.ScreenshotAsync(page, "simulator-phone");

        await page.GetByLabel("Resource ARN").FillAsync(allowed);
        await page.GetByRole(AriaRole.Button, new() { Name = "Explain", Exact = true }).ClickAsync();
        Assert.Equal("allowed", await page.Locator("#decision").InnerTextAsync());
        Assert.Contains("decides", await page.Locator("#trace tbody tr", new() { HasText = "ReadOne" }).InnerTextAsync(), StringComparison.Ordinal);

        // A refused API call, explained by its request id from the audit trail: in the console and with berth explain.
        using var refused = await SignedRequests.SendAsync(_server, "DeleteRepository", """{"repositoryName":"team/allowed"}""", key.AccessKeyId, key.SecretAccessKey);
        Assert.Equal("AccessDeniedException", (await SignedRequests.ErrorAsync(refused)).Type);
        var requestId = refused.Headers.GetValues("x-amzn-RequestId").Single();
        var trail = _server.Services.GetRequiredService<IAuditTrailStore>();
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (await trail.FindByRequestIdAsync(requestId, deadline.Token) is null)
            {
                await Task.Delay(50, deadline.Token);
            }
        }

        await page.GotoAsync("/console/simulator");
        await page.GetByLabel("Request ID").FillAsync(requestId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Explain request" }).ClickAsync();
        Assert.Equal("implicitDeny", await page.Locator("#decision").InnerTextAsync());
        Assert.Contains("ecr:DeleteRepository", await page.Locator("#recorded").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("aws:SourceIp=127.0.0.1", await page.Locator("#recorded").InnerTextAsync(), StringComparison.Ordinal);
        await ConsoleBrowser.ScreenshotAsync(page, "simulator-request-phone");

        var explained = await BerthCli.RunAsync(_server.DataDirectory, "explain", requestId);
        Assert.True(explained.ExitCode == 0, explained.StandardError);
        Assert.Contains("Action:    ecr:DeleteRepository", explained.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"Resource:  {allowed}", explained.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Decision now (today's policies): implicitDeny", explained.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("- identity policy one-repository, statement ReadOne (Allow): action does not match", explained.StandardOutput, StringComparison.Ordinal);
        var missing = await BerthCli.RunAsync(_server.DataDirectory, "explain", "no-such-request");
        Assert.Equal(1, missing.ExitCode);
    }

    [SkippableFact]
    public async Task AFormPostedWithoutTheAntiForgeryTokenIsRefusedAndChangesNothing()
    {
        await using var browser = await ConsoleBrowser.StartAsync(_server);
        await CreateRepositoryAsync("forms/app");
        var page = await browser.NewPageAsync();
        await ConsoleBrowser.SignInAsync(page, _server.AccessKeyId, _server.SecretAccessKey);

        // The session cookie is sent (same browser context); only the anti-forgery token is missing.
        var forged = await page.APIRequest.PostAsync("/console/delete-tag", new APIRequestContextOptions
        {
            Form = page.APIRequest.CreateFormData().Set("repository", "forms/app").Set("tag", "v1"),
        });
        var signOut = await page.APIRequest.PostAsync("/console/sign-out");
        var repositories = await page.GotoAsync("/console/repositories");

        Assert.Equal(400, forged.Status);
        Assert.Equal(400, signOut.Status);
        Assert.Equal(200, repositories!.Status);
        Assert.EndsWith("/console/repositories", page.Url, StringComparison.Ordinal);
    }

    private async Task<string> CreateRepositoryAsync(string name) =>
        (await _aws.RunAsync("ecr", "create-repository", "--repository-name", name)).GetProperty("repository").GetProperty("repositoryArn").GetString()!;

    private async Task PushAsync(OciLayoutWriter layout, string tag, string repository, params string[] options)
    {
        var password = (await new AwsCli(_server).RunRawAsync(["ecr", "get-login-password"])).StandardOutput.Trim();
        await ProcessRunner.RunAsync(Skopeo.Tool, ["copy", "--dest-tls-verify=false", "--dest-creds", "AWS:" + password, .. options, $"oci:{layout.Directory}:{tag}", $"docker://{_server.Host}/{repository}:{tag}"]);
    }
}
