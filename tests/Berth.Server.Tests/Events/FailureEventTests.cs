using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Berth.Server.Tests.Durability;
using Berth.Server.Tests.Ecr;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Events;

/// <summary>
/// Refused pushes and deletes reach the webhook as "ECR Image Action" events with result FAILURE: a retag of an
/// immutable tag and a manifest naming a missing blob (PUSH, over /v2/), a DELETE of an unknown digest over /v2/ and a
/// BatchDeleteImage of an unknown tag (DELETE); a refused push to a repository that does not exist sends nothing.
/// Every event arrives once, signed, and the outbox holds exactly those rows.
/// </summary>
public sealed class FailureEventTests
{
    private const string Secret = "failure-events-secret-0123456789";
    private const string ManifestType = "application/vnd.oci.image.manifest.v1+json";

    [Fact]
    public async Task RefusedPushesAndDeletesAreDeliveredAsFailureEvents()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var accessKeyId = "AKIA" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
        var secret = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N")[..8];
        await using var server = await BerthTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Berth:RootAccessKeyId"] = accessKeyId,
            ["Berth:RootSecretAccessKey"] = secret,
            ["Berth:Events:Webhooks:0:Name"] = "receiver",
            ["Berth:Events:Webhooks:0:Url"] = receiver.Url.ToString(),
            ["Berth:Events:Webhooks:0:Secret"] = Secret,
            ["Berth:Events:PollInterval"] = "00:00:00.100",
        });
        const string repository = "events/failures";
        var config = Encoding.UTF8.GetBytes("""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}""");
        var layer = RandomNumberGenerator.GetBytes(1024);
        await RegistryCalls.PushMonolithicAsync(server.Client, repository, config, DigestOf(config));
        await RegistryCalls.PushMonolithicAsync(server.Client, repository, layer, DigestOf(layer));
        var first = Manifest(config, layer, "first");
        var second = Manifest(config, layer, "second");
        var missing = Manifest(config, RandomNumberGenerator.GetBytes(16), "missing");
        Assert.Equal(HttpStatusCode.Created, await PutAsync(server, repository, "v1", first));

        using (var immutable = await SignedRequests.SendAsync(
            server, "PutImageTagMutability", $$"""{"repositoryName":"{{repository}}","imageTagMutability":"IMMUTABLE"}""", accessKeyId, secret))
        {
            Assert.Equal(HttpStatusCode.OK, immutable.StatusCode);
        }

        Assert.Equal(HttpStatusCode.BadRequest, await PutAsync(server, repository, "v1", second));
        Assert.Equal(HttpStatusCode.NotFound, await PutAsync(server, repository, "v2", missing));
        var unknown = "sha256:" + new string('0', 64);
        using (var deleted = await server.Client.DeleteAsync(new Uri($"/v2/{repository}/manifests/{unknown}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, deleted.StatusCode);
        }

        using (var batch = await SignedRequests.SendAsync(
            server, "BatchDeleteImage", $$"""{"repositoryName":"{{repository}}","imageIds":[{"imageTag":"nope"}]}""", accessKeyId, secret))
        {
            var body = JsonDocument.Parse(await batch.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("ImageNotFound", body.GetProperty("failures")[0].GetProperty("failureCode").GetString());
        }

        // Refused before any repository exists (the digest in the URL is not the content's): no event.
        Assert.Equal(HttpStatusCode.BadRequest, await PutAsync(server, "events/never", DigestOf(first), second));

        var database = Path.Combine(server.DataDirectory, "berth.db");
        await WebhookDeliveryTests.WaitUntilSettledAsync(database, 5);
        var deliveries = receiver.Deliveries.ToList();
        Assert.All(deliveries, d => Assert.True(d.Accepted));
        Assert.All(deliveries, d => Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), d.Body)), d.Signature));
        Assert.Equal(deliveries.Count, deliveries.Select(d => d.EventId).Distinct().Count());
        var details = deliveries.Select(d => JsonDocument.Parse(d.Body).RootElement)
            .Select(e =>
            {
                Assert.Equal("ECR Image Action", e.GetProperty("detail-type").GetString());
                var detail = e.GetProperty("detail");
                return string.Join(' ',
                    detail.GetProperty("action-type").GetString(), detail.GetProperty("result").GetString(), detail.GetProperty("repository-name").GetString(),
                    detail.TryGetProperty("image-digest", out var d) ? d.GetString() : "-", detail.TryGetProperty("image-tag", out var t) ? t.GetString() : "-");
            })
            .Order(StringComparer.Ordinal)
            .ToList();
        string[] expected =
        [
            $"DELETE FAILURE {repository} - nope",
            $"DELETE FAILURE {repository} {unknown} -",
            $"PUSH FAILURE {repository} {DigestOf(missing)} v2",
            $"PUSH FAILURE {repository} {DigestOf(second)} v1",
            $"PUSH SUCCESS {repository} {DigestOf(first)} v1",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), details);
        Assert.Equal(5, await OutboxRowsAsync(database));
    }

    private static byte[] Manifest(byte[] config, byte[] layer, string note) => Encoding.UTF8.GetBytes(
        $$"""
        {"schemaVersion":2,"mediaType":"{{ManifestType}}",
         "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{DigestOf(config)}}","size":{{config.Length}}},
         "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{{DigestOf(layer)}}","size":{{layer.Length}}}],
         "annotations":{"note":"{{note}}"} }
        """);

    private static async Task<HttpStatusCode> PutAsync(BerthTestServer server, string repository, string reference, byte[] manifest)
    {
        using var content = new ByteArrayContent(manifest);
        content.Headers.ContentType = new MediaTypeHeaderValue(ManifestType);
        using var response = await server.Client.PutAsync(new Uri($"/v2/{repository}/manifests/{reference}", UriKind.Relative), content);
        return response.StatusCode;
    }

    private static async Task<long> OutboxRowsAsync(string databasePath)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM event_outbox";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static string DigestOf(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
}
