using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Tests.Ecr;

/// <summary>
/// An ECR-mode Berth shared by one test class: the real <c>aws</c> CLI against it, and an HTTP client for /v2/ that
/// authenticates as docker does after <c>aws ecr get-login-password</c> (Basic "AWS:&lt;password&gt;").
/// Tests create their own repositories (<see cref="NewRepositoryAsync"/>), so they never share data.
/// </summary>
public sealed class EcrRegistry : IAsyncLifetime
{
    /// <summary>Service overrides for the server (a fixed clock); a class fixture has none.</summary>
    public Action<IServiceCollection>? Services { get; init; }

    public BerthTestServer Server { get; private set; } = null!;

    public AwsCli Aws { get; private set; } = null!;

    /// <summary>/v2/ with the registry token of the account root.</summary>
    public HttpClient Registry { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await BerthTestServer.StartEcrAsync(services: Services);
        Aws = new AwsCli(Server);
        var login = await Aws.RunRawAsync(["ecr", "get-login-password"]);
        Assert.Equal(0, login.ExitCode);
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:" + login.StandardOutput.Trim()));
        Registry = new HttpClient { BaseAddress = Server.BaseAddress };
        Registry.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", credentials);
    }

    public async Task DisposeAsync()
    {
        Registry.Dispose();
        await Server.DisposeAsync();
    }

    public async Task<string> NewRepositoryAsync(params string[] options)
    {
        var name = BerthTestServer.NewRepositoryName("ecr");
        await Aws.RunAsync(["ecr", "create-repository", "--repository-name", name, .. options]);
        return name;
    }

    /// <summary>Pushes a config and a layer over /v2/ and returns an OCI image manifest over them (not pushed).</summary>
    public async Task<(string Manifest, string Digest, long ImageSize)> PrepareImageAsync(string repository, string configMediaType = "application/vnd.oci.image.config.v1+json", object? subject = null, string? artifactType = null)
    {
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"nonce\":\"" + Guid.NewGuid() + "\"}");
        var layer = OciTestClient.RandomBytes(1000);
        var configDigest = await Registry.PushBlobAsync(repository, config);
        var layerDigest = await Registry.PushBlobAsync(repository, layer);
        var manifest = OciTestClient.ImageManifest(configDigest, config.Length, [(layerDigest, layer.Length)], subject, artifactType, configMediaType: configMediaType);
        return (Encoding.UTF8.GetString(manifest), OciTestClient.DigestOf(manifest), config.Length + layer.Length);
    }

    /// <summary><c>aws ecr put-image</c>; returns the image digest.</summary>
    public async Task<string> PutImageAsync(string repository, string manifest, string? tag = null)
    {
        string[] tagArguments = tag is null ? [] : ["--image-tag", tag];
        var result = await Aws.RunAsync(["ecr", "put-image", "--repository-name", repository, "--image-manifest", manifest, .. tagArguments]);
        return result.GetProperty("image").GetProperty("imageId").GetProperty("imageDigest").GetString()!;
    }

    /// <summary>Runs a boto3 snippet (with <c>ecr</c> a client for this server) and returns what it prints as JSON.</summary>
    public async Task<JsonElement> Boto3Async(string script)
    {
        var program = $"""
            import boto3, json, sys
            ecr = boto3.client("ecr", endpoint_url="{Server.BaseAddress.ToString().TrimEnd('/')}", region_name="us-east-1",
                aws_access_key_id="{Server.AccessKeyId}", aws_secret_access_key="{Server.SecretAccessKey}")
            {script}
            """;
        var result = await ProcessRunner.RunAsync("python3", ["-c", program], new ProcessRunOptions { AllowFailure = true });
        Assert.True(result.ExitCode == 0, result.StandardError);
        using var document = JsonDocument.Parse(result.StandardOutput);
        return document.RootElement.Clone();
    }
}
