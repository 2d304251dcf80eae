using System.Net;
using System.Text.Json;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Ecr;

public sealed class LayerPushTests : IAsyncLifetime
{
    private const int Mib = 1024 * 1024;
    private BerthTestServer _server = null!;
    private EcrLayerClient _ecr = null!;

    public async Task InitializeAsync()
    {
        _server = await BerthTestServer.StartEcrAsync();
        _ecr = new EcrLayerClient(_server, _server.DataDirectory);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Boto3PushesAnImageInPartsThroughTheLayerApiAndItPullsBackByDigest()
    {
        var repository = BerthTestServer.NewRepositoryName("boto3");

        var result = await _ecr.PythonAsync(Path.Combine(AppContext.BaseDirectory, "Ecr", "layer_push.py"), _ecr.Endpoint, repository);

        Assert.True(result.ExitCode == 0, result.ToString());
        var summary = JsonDocument.Parse(result.StandardOutput).RootElement;
        var layer = summary.GetProperty("expectedLayerDigest").GetString()!;
        var config = summary.GetProperty("expectedConfigDigest").GetString()!;
        Assert.Equal(layer, summary.GetProperty("layerDigest").GetString());
        Assert.Equal(config, summary.GetProperty("configDigest").GetString());
        Assert.Equal([(5 * Mib) - 1, (11 * Mib) - 1, (11 * Mib) + 12345 - 1], summary.GetProperty("lastBytes").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(200, summary.GetProperty("manifestStatus").GetInt32());
        Assert.Equal(summary.GetProperty("expectedManifestDigest").GetString(), summary.GetProperty("manifestDigest").GetString());
        Assert.Equal(summary.GetProperty("expectedManifestDigest").GetString(), summary.GetProperty("pulledManifestDigest").GetString());
        Assert.Equal(layer, summary.GetProperty("pulled").GetProperty(layer).GetString());
        Assert.Equal(config, summary.GetProperty("pulled").GetProperty(config).GetString());
        Assert.Equal(layer, summary.GetProperty("downloaded").GetProperty(layer).GetString());
        Assert.Equal(config, summary.GetProperty("downloaded").GetProperty(config).GetString());
        Assert.Equal($"[\"{layer}\",\"AVAILABLE\",{(11 * Mib) + 12345}]", summary.GetProperty("available")[0].GetRawText().Replace(" ", string.Empty, StringComparison.Ordinal));
        Assert.Equal(0, summary.GetProperty("failures").GetArrayLength());
    }

    [Fact]
    public async Task APartThatDoesNotStartWhereTheUploadEndsIsRefusedWithTheLastValidByte()
    {
        var repository = BerthTestServer.NewRepositoryName("order");
        await _ecr.CreateRepositoryAsync(repository);
        var uploadId = await _ecr.InitiateAsync(repository);
        await _ecr.UploadPartAsync(repository, uploadId, 0, OciTestClient.RandomBytes(1000));

        var error = await _ecr.Cli.FailAsync(_ecr.UploadPartArguments(repository, uploadId, 2000, OciTestClient.RandomBytes(1000)));

        Assert.Contains("(InvalidLayerPartException) when calling the UploadLayerPart operation", error, StringComparison.Ordinal);
        Assert.Contains("not consecutive to the last byte received (999)", error, StringComparison.Ordinal);

        // boto3 sees the exception's own members.
        var script = $$"""
            import boto3, json
            ecr = boto3.client("ecr", endpoint_url="{{_ecr.Endpoint}}", region_name="us-east-1")
            try:
                ecr.upload_layer_part(repositoryName="{{repository}}", uploadId="{{uploadId}}", partFirstByte=0, partLastByte=9, layerPartBlob=b"0123456789")
            except ecr.exceptions.InvalidLayerPartException as e:
                print(json.dumps({k: e.response.get(k) for k in ("registryId", "repositoryName", "uploadId", "lastValidByteReceived")}))
            """;
        var members = await _ecr.PythonAsync("-c", script);
        Assert.True(members.ExitCode == 0, members.ToString());
        var body = JsonDocument.Parse(members.StandardOutput).RootElement;
        Assert.Equal(999, body.GetProperty("lastValidByteReceived").GetInt64());
        Assert.Equal(uploadId, body.GetProperty("uploadId").GetString());
        Assert.Equal(repository, body.GetProperty("repositoryName").GetString());

        // Nothing was written by the refused parts: the next part still starts at 1000.
        var next = await _ecr.UploadPartAsync(repository, uploadId, 1000, OciTestClient.RandomBytes(24));
        Assert.Equal(1023, next.GetProperty("lastByteReceived").GetInt64());
    }

    [Fact]
    public async Task APartOverTenMebibytesIsInvalidLayerPartAndWritesNothing()
    {
        var repository = BerthTestServer.NewRepositoryName("bigpart");
        await _ecr.CreateRepositoryAsync(repository);
        var initiated = await _ecr.Cli.RunAsync("ecr", "initiate-layer-upload", "--repository-name", repository);
        Assert.Equal(10 * Mib, initiated.GetProperty("partSize").GetInt64());
        var uploadId = initiated.GetProperty("uploadId").GetString()!;

        // ECR's quota "maximum layer part size" is 10 MiB.
        var error = await _ecr.Cli.FailAsync(_ecr.UploadPartArguments(repository, uploadId, 0, OciTestClient.RandomBytes((10 * Mib) + 1)));
        Assert.Contains(
            "(InvalidLayerPartException) when calling the UploadLayerPart operation: The layer part size is not valid: bytes 0-10485760 announced, 10485761 received (a part holds 1 to 10485760 bytes)",
            error, StringComparison.Ordinal);

        // A body too large for a 10 MiB part is refused while it is read, before it is buffered.
        var tooLarge = await _ecr.Cli.FailAsync(_ecr.UploadPartArguments(repository, uploadId, 0, OciTestClient.RandomBytes(16 * Mib)));
        Assert.Contains("(RequestEntityTooLargeException) when calling the UploadLayerPart operation", tooLarge, StringComparison.Ordinal);

        // Nothing was written: a part of exactly 10 MiB still starts at 0.
        var accepted = await _ecr.UploadPartAsync(repository, uploadId, 0, OciTestClient.RandomBytes(10 * Mib));
        Assert.Equal((10 * Mib) - 1, accepted.GetProperty("lastByteReceived").GetInt64());
    }

    [Fact]
    public async Task ANonFinalPartUnderFiveMebibytesFailsTheCompletionAndStoresNothing()
    {
        var repository = BerthTestServer.NewRepositoryName("small");
        await _ecr.CreateRepositoryAsync(repository);
        var first = OciTestClient.RandomBytes(4096);
        var second = OciTestClient.RandomBytes(100);
        var uploadId = await _ecr.InitiateAsync(repository);
        await _ecr.UploadPartAsync(repository, uploadId, 0, first);
        await _ecr.UploadPartAsync(repository, uploadId, first.Length, second);
        var digest = OciTestClient.DigestOf([.. first, .. second]);

        var error = await _ecr.Cli.FailAsync(EcrLayerClient.CompleteArguments(repository, uploadId, digest));

        Assert.Contains("(LayerPartTooSmallException) when calling the CompleteLayerUpload operation: Layer parts must be at least 5 MiB in size", error, StringComparison.Ordinal);
        await AssertMissingAsync(repository, digest);
    }

    [Fact]
    public async Task AWrongDigestAtCompletionIsAnInvalidLayerAndStoresNothing()
    {
        var repository = BerthTestServer.NewRepositoryName("digest");
        await _ecr.CreateRepositoryAsync(repository);
        var content = OciTestClient.RandomBytes(2048);
        var uploadId = await _ecr.InitiateAsync(repository);
        await _ecr.UploadPartAsync(repository, uploadId, 0, content);
        var claimed = OciTestClient.DigestOf(OciTestClient.RandomBytes(16));

        var error = await _ecr.Cli.FailAsync(EcrLayerClient.CompleteArguments(repository, uploadId, claimed));

        Assert.Contains("(InvalidLayerException) when calling the CompleteLayerUpload operation", error, StringComparison.Ordinal);
        await AssertMissingAsync(repository, claimed);
        await AssertMissingAsync(repository, OciTestClient.DigestOf(content));
    }

    [Fact]
    public async Task AnUnknownUploadIsUploadNotFoundForPartsAndCompletion()
    {
        var repository = BerthTestServer.NewRepositoryName("unknown");
        await _ecr.CreateRepositoryAsync(repository);
        var uploadId = Guid.NewGuid().ToString("D");

        var part = await _ecr.Cli.FailAsync(_ecr.UploadPartArguments(repository, uploadId, 0, OciTestClient.RandomBytes(10)));
        var complete = await _ecr.Cli.FailAsync(EcrLayerClient.CompleteArguments(repository, uploadId, OciTestClient.DigestOf([1])));

        Assert.Contains($"(UploadNotFoundException) when calling the UploadLayerPart operation: The upload with id '{uploadId}' does not exist", part, StringComparison.Ordinal);
        Assert.Contains("(UploadNotFoundException) when calling the CompleteLayerUpload operation", complete, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompletingALayerTheRepositoryAlreadyHoldsIsLayerAlreadyExists()
    {
        var repository = BerthTestServer.NewRepositoryName("exists");
        await _ecr.CreateRepositoryAsync(repository);
        var content = OciTestClient.RandomBytes(3000);
        var digest = OciTestClient.DigestOf(content);
        var first = await _ecr.InitiateAsync(repository);
        await _ecr.UploadPartAsync(repository, first, 0, content);
        var completed = await _ecr.Cli.RunAsync(EcrLayerClient.CompleteArguments(repository, first, digest));
        Assert.Equal(digest, completed.GetProperty("layerDigest").GetString());
        var second = await _ecr.InitiateAsync(repository);
        await _ecr.UploadPartAsync(repository, second, 0, content);

        var error = await _ecr.Cli.FailAsync(EcrLayerClient.CompleteArguments(repository, second, digest));

        Assert.Contains($"(LayerAlreadyExistsException) when calling the CompleteLayerUpload operation: The layer with digest '{digest}' already exists in the repository with name '{repository}'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompletingAnUploadWithoutPartsIsEmptyUpload()
    {
        var repository = BerthTestServer.NewRepositoryName("empty");
        await _ecr.CreateRepositoryAsync(repository);
        var uploadId = await _ecr.InitiateAsync(repository);

        var error = await _ecr.Cli.FailAsync(EcrLayerClient.CompleteArguments(repository, uploadId, OciTestClient.DigestOf([])));

        Assert.Contains("(EmptyUploadException) when calling the CompleteLayerUpload operation", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InitiatingAnUploadIntoAMissingRepositoryIsRepositoryNotFound()
    {
        var error = await _ecr.Cli.FailAsync("ecr", "initiate-layer-upload", "--repository-name", BerthTestServer.NewRepositoryName("missing"));

        Assert.Contains("(RepositoryNotFoundException) when calling the InitiateLayerUpload operation", error, StringComparison.Ordinal);
    }

    /// <summary>The store is unchanged: /v2/ does not know the blob and the layer API reports it missing.</summary>
    private async Task AssertMissingAsync(string repository, string digest)
    {
        using var registry = await _ecr.RegistryClientAsync();
        using var response = await registry.GetAsync($"/v2/{repository}/blobs/{digest}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var check = await _ecr.Cli.RunAsync("ecr", "batch-check-layer-availability", "--repository-name", repository, "--layer-digests", digest);
        Assert.Equal(0, check.GetProperty("layers").GetArrayLength());
        Assert.Equal("MissingLayerDigest", check.GetProperty("failures")[0].GetProperty("failureCode").GetString());
    }
}
