using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;
using Berth.Server.Tests.Registries;

namespace Berth.Server.Tests.Replication;

/// <summary>
/// Replication end to end with the real aws CLI on one deployment: us-east-1 → eu-west-1 of the same account, and
/// account 000000000000 → 111111111111 with and without the destination's registry policy. docker pushes an image to
/// the source registry (logged in with <c>aws ecr get-login-password</c>) and pulls it from eu-west-1's own host with
/// eu-west-1's token; a multi-arch index and a signature are pushed over /v2/ and read from each destination's host
/// with that registry's token. Each replicated image reaches the webhook as an "ECR Replication Action" event.
/// </summary>
[Collection(DockerTestGroup.Name)]
public sealed partial class ReplicationCliTests(ReplicationFixture fixture, DockerDaemon docker) : IClassFixture<ReplicationFixture>
{
    private const string Source = MultiRegistryFixture.Default;
    private const string Other = MultiRegistryFixture.Second;

    [SkippableFact]
    public async Task ADockerImageAndAMultiArchImageWithAReferrerArriveWholeWhereAllowedAndFailWhereNot()
    {
        ClientTools.SkipUnlessAvailable(DockerDaemon.Tool, DockerDaemon.DaemonTool, Skopeo.Tool, "aws");
        Skip.IfNot(docker.IsRunning, "the daemon was not started: a tool was missing when its fixture began");
        var repository = $"repl/{Guid.NewGuid():N}";
        var policy = $$"""{"Version":"2012-10-17","Statement":[{"Sid":"replication","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{Source}}:root"},"Action":["ecr:ReplicateImage","ecr:CreateRepository"],"Resource":"arn:aws:ecr:us-east-1:{{Other}}:repository/*"}]}""";
        await RunAsync(Other, "us-east-1", "ecr", "put-registry-policy", "--policy-text", policy);
        var configuration = $$"""{"rules":[{"destinations":[{"region":"eu-west-1","registryId":"{{Source}}"},{"region":"us-east-1","registryId":"{{Other}}"},{"region":"eu-west-1","registryId":"{{Other}}"}],"repositoryFilters":[{"filter":"repl","filterType":"PREFIX_MATCH"}]}]}""";
        var put = await RunAsync(Source, "us-east-1", "ecr", "put-replication-configuration", "--replication-configuration", configuration);
        var described = await RunAsync(Source, "us-east-1", "ecr", "describe-registry");
        await RunAsync(Source, "us-east-1", "ecr", "create-repository", "--repository-name", repository);
        var (pushedByDocker, localImage) = await DockerPushAsync(repository);

        using var source = await ClientAsync(Source, "us-east-1");
        var (amd64Bytes, amd64) = await source.PushImageAsync(repository, "amd64");
        var (arm64Bytes, arm64) = await source.PushImageAsync(repository, "arm64");
        var index = OciTestClient.Index([(amd64, amd64Bytes.Length), (arm64, arm64Bytes.Length)]);
        using (var pushed = await source.PutManifestAsync(repository, "v1", index, OciTestClient.OciIndex))
        {
            Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
        }

        var indexDigest = OciTestClient.DigestOf(index);
        var (_, signature) = await source.PushImageAsync(
            repository, "sig", new { mediaType = OciTestClient.OciIndex, digest = indexDigest, size = index.Length }, artifactType: "application/vnd.example.signature");

        var statuses = await WaitAsync(repository, "v1");
        var dockerStatuses = await WaitAsync(repository, "docker");

        Assert.Equal(put.GetProperty("replicationConfiguration").GetRawText(), described.GetProperty("replicationConfiguration").GetRawText());
        Assert.Equal("COMPLETE", statuses[(Source, "eu-west-1")].GetProperty("status").GetString());
        Assert.Equal("COMPLETE", statuses[(Other, "us-east-1")].GetProperty("status").GetString());
        Assert.Equal("FAILED", statuses[(Other, "eu-west-1")].GetProperty("status").GetString());
        Assert.Equal("ACCESS_DENIED", statuses[(Other, "eu-west-1")].GetProperty("failureCode").GetString());
        Assert.Equal(
            ["COMPLETE", "COMPLETE", "FAILED"],
            new[] { (Source, "eu-west-1"), (Other, "us-east-1"), (Other, "eu-west-1") }.Select(k => dockerStatuses[k].GetProperty("status").GetString()));
        await DockerPullFromEuWest1Async(repository, pushedByDocker, localImage);
        foreach (var (account, region) in new[] { (Source, "eu-west-1"), (Other, "us-east-1") })
        {
            using var destination = await ClientAsync(account, region);
            using var pulled = await destination.GetAsync($"/v2/{repository}/manifests/v1");
            Assert.Equal(HttpStatusCode.OK, pulled.StatusCode);
            Assert.Equal(index, await pulled.Content.ReadAsByteArrayAsync());
            foreach (var child in new[] { amd64, arm64, signature })
            {
                using var manifest = await destination.GetAsync($"/v2/{repository}/manifests/{child}");
                Assert.Equal(HttpStatusCode.OK, manifest.StatusCode);
                using var document = JsonDocument.Parse(await manifest.Content.ReadAsByteArrayAsync());
                var layer = document.RootElement.GetProperty("layers")[0].GetProperty("digest").GetString();
                using var blob = await destination.GetAsync($"/v2/{repository}/blobs/{layer}");
                Assert.Equal(HttpStatusCode.OK, blob.StatusCode);
                Assert.Equal(layer, OciTestClient.DigestOf(await blob.Content.ReadAsByteArrayAsync()));
            }

            using var referrers = await destination.GetAsync($"/v2/{repository}/referrers/{indexDigest}");
            Assert.Contains(signature, await referrers.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // One hop: eu-west-1 holds a replica, and no replication is queued from there.
        var replica = await RunAsync(Source, "eu-west-1", "ecr", "describe-image-replication-status", "--repository-name", repository, "--image-id", "imageTag=v1");
        Assert.Equal(0, replica.GetProperty("replicationStatuses").GetArrayLength());

        // Five manifests (docker's image, two children, the index, the signature) to each of the two allowed destinations; none for the refused one.
        var events = await ReplicationEventsAsync(repository, 10);
        Assert.DoesNotContain(events, e => (e.GetProperty("account").GetString(), e.GetProperty("region").GetString()) == (Other, "eu-west-1"));
        var dockerEvent = Assert.Single(events, e => e.GetProperty("region").GetString() == "eu-west-1" && e.GetProperty("detail").TryGetProperty("image-tag", out var t) && t.GetString() == "docker");
        Assert.Equal(("aws.ecr", Source, $"arn:aws:ecr:eu-west-1:{Source}:repository/{repository}"), (dockerEvent.GetProperty("source").GetString(), dockerEvent.GetProperty("account").GetString(), dockerEvent.GetProperty("resources")[0].GetString()));
        Assert.Equal(
            $$"""{"result":"SUCCESS","repository-name":"{{repository}}","image-digest":"{{pushedByDocker}}","source-account":"{{Source}}","action-type":"REPLICATE","source-region":"us-east-1","image-tag":"docker"}""",
            dockerEvent.GetProperty("detail").GetRawText());
        Assert.Contains(events, e => (e.GetProperty("account").GetString(), e.GetProperty("region").GetString(), e.GetProperty("detail").GetProperty("image-digest").GetString()) == (Other, "us-east-1", indexDigest));
    }

    /// <summary>docker login with get-login-password, load a native image, tag and push it as :docker; returns the pushed digest and the local name.</summary>
    private async Task<(string Digest, string Local)> DockerPushAsync(string repository) =>
        await DockerPush.NativeImageAsync(docker, fixture.Server.Host, await fixture.PasswordAsync(Source, "us-east-1"), repository, "docker");

    /// <summary>Removes the local image, then pulls it back from eu-west-1's host logged in with eu-west-1's password: same digest.</summary>
    private async Task DockerPullFromEuWest1Async(string repository, string digest, string local)
    {
        var host = fixture.EuWest1Host;
        await docker.RunAsync("rmi", local);
        await docker.RunWithInputAsync(await fixture.PasswordAsync(Source, "eu-west-1"), "login", "--username", "AWS", "--password-stdin", host);
        var pull = await docker.RunAsync("pull", $"{host}/{repository}:docker");
        var inspected = await docker.RunAsync("image", "inspect", "--format", "{{json .RepoDigests}}", $"{host}/{repository}:docker");
        await docker.RunAsync("rmi", $"{host}/{repository}:docker");
        await docker.RunAsync("logout", host);

        Assert.Contains($"Digest: {digest}", pull.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"{host}/{repository}@{digest}", inspected.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>The "ECR Replication Action" events of <paramref name="repository"/> the webhook accepted, once <paramref name="count"/> arrived.</summary>
    private async Task<List<JsonElement>> ReplicationEventsAsync(string repository, int count)
    {
        for (var attempt = 0; ; attempt++)
        {
            var events = fixture.Webhooks.Deliveries.Where(d => d.Accepted).DistinctBy(d => d.EventId)
                .Select(d => JsonDocument.Parse(d.Body).RootElement.Clone())
                .Where(e => e.GetProperty("detail-type").GetString() == "ECR Replication Action" && e.GetProperty("detail").GetProperty("repository-name").GetString() == repository)
                .ToList();
            Assert.True(attempt < 120 || events.Count >= count, $"{events.Count} replication events arrived, {count} expected");
            if (events.Count >= count)
            {
                Assert.Equal(count, events.Count);
                return events;
            }

            // The delivery job polls; this waits for it, it does not stand in for an ordering.
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    [Fact]
    public async Task ConfigurationsEcrRefusesAreRefused()
    {
        var self = $$"""{"rules":[{"destinations":[{"region":"us-east-1","registryId":"{{Source}}"}]}]}""";
        var tooMany = "{\"rules\":[{\"destinations\":[" + string.Join(',', Enumerable.Range(10, 26).Select(i => $$"""{"region":"us-east-1","registryId":"2222222222{{i}}"}""")) + "]}]}";
        var crossPartition = $$"""{"rules":[{"destinations":[{"region":"cn-north-1","registryId":"{{Source}}"}]}]}""";

        foreach (var configuration in new[] { self, tooMany, crossPartition })
        {
            var result = await fixture.AwsAsync(Source, "us-east-1", "ecr", "put-replication-configuration", "--replication-configuration", configuration);
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("InvalidParameterException", result.StandardError, StringComparison.Ordinal);
        }

        var missing = await fixture.AwsAsync(Source, "us-east-1", "ecr", "describe-image-replication-status", "--repository-name", "repl/none", "--image-id", "imageTag=v1");
        Assert.Contains("RepositoryNotFoundException", missing.StandardError, StringComparison.Ordinal);
    }

    private async Task<Dictionary<(string, string), JsonElement>> WaitAsync(string repository, string tag)
    {
        for (var attempt = 0; ; attempt++)
        {
            var result = await RunAsync(Source, "us-east-1", "ecr", "describe-image-replication-status", "--repository-name", repository, "--image-id", $"imageTag={tag}");
            var statuses = result.GetProperty("replicationStatuses").EnumerateArray()
                .ToDictionary(s => (s.GetProperty("registryId").GetString()!, s.GetProperty("region").GetString()!), s => s.Clone());
            if ((statuses.Count == 3 && statuses.Values.All(s => s.GetProperty("status").GetString() != "IN_PROGRESS")) || attempt == 60)
            {
                return statuses;
            }

            // The workers poll every second; this waits for them, it does not stand in for an ordering.
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }

    private async Task<JsonElement> RunAsync(string account, string region, params string[] arguments)
    {
        var result = await fixture.AwsAsync(account, region, arguments);
        Assert.True(result.ExitCode == 0, result.StandardError);
        return string.IsNullOrWhiteSpace(result.StandardOutput) ? default : JsonDocument.Parse(result.StandardOutput).RootElement.Clone();
    }

    private async Task<HttpClient> ClientAsync(string account, string region)
    {
        var client = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        client.DefaultRequestHeaders.Host = fixture.HostOf(account, region);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:" + await fixture.PasswordAsync(account, region))));
        return client;
    }
}
