using System.Net;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;
using Berth.Testing.Postgres;

namespace Berth.Server.Tests.Cluster;

/// <summary>One node with its metadata on PostgreSQL: the /v2/ protocol basics and the aws CLI's ECR flow.</summary>
[Collection(PostgresClusterGroup.Name)]
public sealed class PostgresRegistryTests(PostgresCluster cluster)
{
    [Fact]
    public async Task ImagesArePushedPulledTaggedListedAndDeletedOverV2()
    {
        using var storage = await SharedStorage.CreateAsync(cluster);
        await using var server = await BerthTestServer.StartAsync(storage.Settings());
        var repository = BerthTestServer.NewRepositoryName("pg");
        var client = server.Client;

        var (manifest, digest) = await client.PushImageAsync(repository, "v1");
        using (var retag = await client.PutManifestAsync(repository, "v2", manifest, OciTestClient.OciManifest))
        {
            Assert.Equal(HttpStatusCode.Created, retag.StatusCode);
        }

        var location = await client.StartUploadAsync(repository);
        var chunk = OciTestClient.RandomBytes(4096);
        using (var patch = await client.PatchAsync(location, new ByteArrayContent(chunk)))
        {
            Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
            location = patch.Headers.Location!.OriginalString;
        }

        using (var put = await client.PutAsync($"{location}{(location.Contains('?', StringComparison.Ordinal) ? '&' : '?')}digest={OciTestClient.DigestOf(chunk)}", null))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        Assert.Equal(manifest, await client.GetByteArrayAsync(new Uri($"/v2/{repository}/manifests/v1", UriKind.Relative)));
        Assert.Equal(manifest, await client.GetByteArrayAsync(new Uri($"/v2/{repository}/manifests/{digest}", UriKind.Relative)));
        Assert.Equal(chunk, await client.GetByteArrayAsync(new Uri($"/v2/{repository}/blobs/{OciTestClient.DigestOf(chunk)}", UriKind.Relative)));
        Assert.Contains("\"v1\",\"v2\"", await client.GetStringAsync(new Uri($"/v2/{repository}/tags/list", UriKind.Relative)), StringComparison.Ordinal);
        Assert.Contains(repository, await client.GetStringAsync(new Uri("/v2/_catalog", UriKind.Relative)), StringComparison.Ordinal);

        using (var delete = await client.DeleteAsync(new Uri($"/v2/{repository}/manifests/{digest}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        }

        using var gone = await client.GetAsync(new Uri($"/v2/{repository}/manifests/v1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [SkippableFact]
    public async Task TheAwsCliFlowWorksOnPostgres()
    {
        ClientTools.SkipUnlessAvailable("aws");

        using var storage = await SharedStorage.CreateAsync(cluster);
        await using var server = await BerthTestServer.StartEcrAsync(storage.Settings());
        var aws = new AwsCli(server);

        await aws.RunAsync("ecr", "create-repository", "--repository-name", "pg/app", "--image-tag-mutability", "IMMUTABLE");
        Assert.Contains("RepositoryAlreadyExistsException", await aws.FailAsync("ecr", "create-repository", "--repository-name", "pg/app"), StringComparison.Ordinal);
        using var client = await RegistryLogin.ClientAsync(server, aws);
        var (manifest, digest) = await client.PushImageAsync("pg/app", "v1");
        var (other, _) = await client.PushImageAsync("pg/app", "v2");
        using (var moved = await client.PutManifestAsync("pg/app", "v1", other, OciTestClient.OciManifest))
        {
            Assert.Equal(HttpStatusCode.BadRequest, moved.StatusCode);
            Assert.Equal("TAG_INVALID", await OciTestClient.ErrorCodeAsync(moved));
        }

        var described = await aws.RunAsync("ecr", "describe-images", "--repository-name", "pg/app");
        Assert.Contains(described.GetProperty("imageDetails").EnumerateArray(), d => d.GetProperty("imageDigest").GetString() == digest);
        var images = await aws.RunAsync("ecr", "batch-get-image", "--repository-name", "pg/app", "--image-ids", "imageTag=v1");
        Assert.Equal(System.Text.Encoding.UTF8.GetString(manifest), images.GetProperty("images")[0].GetProperty("imageManifest").GetString());
        Assert.Contains("RepositoryNotEmptyException", await aws.FailAsync("ecr", "delete-repository", "--repository-name", "pg/app"), StringComparison.Ordinal);

        var deleted = await aws.RunAsync("ecr", "batch-delete-image", "--repository-name", "pg/app", "--image-ids", "imageTag=v1");
        Assert.Equal(digest, deleted.GetProperty("imageIds")[0].GetProperty("imageDigest").GetString());
        await aws.RunAsync("ecr", "delete-repository", "--repository-name", "pg/app", "--force");
        Assert.Empty((await aws.RunAsync("ecr", "describe-repositories")).GetProperty("repositories").EnumerateArray());
    }
}
