using System.Net;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Ecr;

/// <summary>DescribeRegistry, GetAccountSetting and PutAccountSetting through the real aws CLI, and what BLOB_MOUNTING does to /v2/ mounts.</summary>
public sealed class RegistrySettingsTests : IAsyncLifetime
{
    private BerthTestServer _server = null!;
    private AwsCli _aws = null!;

    public async Task InitializeAsync()
    {
        _server = await BerthTestServer.StartEcrAsync();
        _aws = new AwsCli(_server);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task DescribeRegistryReturnsTheAccountAndNoReplicationRules()
    {
        var result = await _aws.RunAsync("ecr", "describe-registry");

        Assert.Equal("000000000000", result.GetProperty("registryId").GetString());
        Assert.Equal(0, result.GetProperty("replicationConfiguration").GetProperty("rules").GetArrayLength());
    }

    [Theory]
    [InlineData("BASIC_SCAN_TYPE_VERSION", "AWS_NATIVE")]
    [InlineData("REGISTRY_POLICY_SCOPE", "V2")]
    [InlineData("BLOB_MOUNTING", "DISABLED")]
    public async Task AnAccountSettingNeverSetHasEcrsDefault(string name, string value)
    {
        var result = await _aws.RunAsync("ecr", "get-account-setting", "--name", name);

        Assert.Equal(name, result.GetProperty("name").GetString());
        Assert.Equal(value, result.GetProperty("value").GetString());
    }

    [Theory]
    [InlineData("BLOB_MOUNTING", "ENABLED")]
    [InlineData("REGISTRY_POLICY_SCOPE", "V1")]
    [InlineData("BASIC_SCAN_TYPE_VERSION", "AWS_NATIVE")]
    public async Task PutAccountSettingStoresTheValue(string name, string value)
    {
        var put = await _aws.RunAsync("ecr", "put-account-setting", "--name", name, "--value", value);
        var get = await _aws.RunAsync("ecr", "get-account-setting", "--name", name);

        Assert.Equal(value, put.GetProperty("value").GetString());
        Assert.Equal(value, get.GetProperty("value").GetString());
    }

    [Fact]
    public async Task AnUnknownSettingNameIsInvalidParameter()
    {
        var get = await _aws.FailAsync("ecr", "get-account-setting", "--name", "NO_SUCH_SETTING");
        var put = await _aws.FailAsync("ecr", "put-account-setting", "--name", "NO_SUCH_SETTING", "--value", "ENABLED");

        Assert.Contains("(InvalidParameterException)", get, StringComparison.Ordinal);
        Assert.Contains("BLOB_MOUNTING", get, StringComparison.Ordinal);
        Assert.Contains("(InvalidParameterException)", put, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AValueTheSettingDoesNotAllowIsInvalidParameterAndChangesNothing()
    {
        var error = await _aws.FailAsync("ecr", "put-account-setting", "--name", "BLOB_MOUNTING", "--value", "ON");

        Assert.Contains("(InvalidParameterException)", error, StringComparison.Ordinal);
        Assert.Contains("[ENABLED, DISABLED]", error, StringComparison.Ordinal);
        Assert.Equal("DISABLED", (await _aws.RunAsync("ecr", "get-account-setting", "--name", "BLOB_MOUNTING")).GetProperty("value").GetString());
    }

    [Fact]
    public async Task WithBlobMountingDisabledAMountStartsANormalUpload()
    {
        var (client, source, target, digest) = await PushIntoSourceAsync();
        using (client)
        {
            using var response = await client.PostAsync($"/v2/{target}/blobs/uploads/?mount={digest}&from={source}", null);

            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.StartsWith($"/v2/{target}/blobs/uploads/", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
            using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/{target}/blobs/{digest}"));
            Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        }
    }

    [Fact]
    public async Task WithBlobMountingEnabledAMountLinksTheBlob()
    {
        await _aws.RunAsync("ecr", "put-account-setting", "--name", "BLOB_MOUNTING", "--value", "ENABLED");
        var (client, source, target, digest) = await PushIntoSourceAsync();
        using (client)
        {
            using var response = await client.PostAsync($"/v2/{target}/blobs/uploads/?mount={digest}&from={source}", null);

            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.Equal($"/v2/{target}/blobs/{digest}", response.Headers.Location!.OriginalString);
        }
    }

    [Fact]
    public async Task AMountBetweenRepositoriesEncryptedDifferentlyStartsAnUpload()
    {
        await _aws.RunAsync("ecr", "put-account-setting", "--name", "BLOB_MOUNTING", "--value", "ENABLED");
        var (client, source, _, digest) = await PushIntoSourceAsync();
        var target = "kms/" + Guid.NewGuid().ToString("N");
        await _aws.RunAsync("ecr", "create-repository", "--repository-name", target, "--encryption-configuration", "encryptionType=KMS");
        using (client)
        {
            using var response = await client.PostAsync($"/v2/{target}/blobs/uploads/?mount={digest}&from={source}", null);

            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/{target}/blobs/{digest}"));
            Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        }
    }

    private async Task<(HttpClient Client, string Source, string Target, string Digest)> PushIntoSourceAsync()
    {
        var source = BerthTestServer.NewRepositoryName("source");
        var target = BerthTestServer.NewRepositoryName("target");
        await _aws.RunAsync("ecr", "create-repository", "--repository-name", source);
        await _aws.RunAsync("ecr", "create-repository", "--repository-name", target);
        var client = await RegistryLogin.ClientAsync(_server, _aws);
        var digest = await client.PushBlobAsync(source, OciTestClient.RandomBytes(512));
        return (client, source, target, digest);
    }
}
