using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Berth.Server.Tests.Durability;
using Microsoft.Data.Sqlite;

namespace Berth.Server.Tests.Events;

/// <summary>
/// Image events reach a webhook from the durable outbox: the real <c>berth</c> process queues the push's event with the
/// manifest, the receiver refuses the first attempts, the process is killed with SIGKILL while the event is still
/// undelivered, and after a restart the receiver accepts the event exactly once, signed with the configured secret.
/// A deletion after the restart arrives as a DELETE event.
/// </summary>
public sealed class WebhookDeliveryTests
{
    private const string Secret = "webhook-secret-for-tests-0123456789";
    private const string ManifestType = "application/vnd.oci.image.manifest.v1+json";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task APushEventIsDeliveredExactlyOnceAcrossAKilledNodeAndItsSignatureVerifies()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Failing = true;
        var data = BerthProcess.NewDataDirectory();
        var environment = new Dictionary<string, string>
        {
            ["Berth__Events__Webhooks__0__Name"] = "receiver",
            ["Berth__Events__Webhooks__0__Url"] = receiver.Url.ToString(),
            ["Berth__Events__Webhooks__0__Secret"] = Secret,
            ["Berth__Events__PollInterval"] = "00:00:00.100",
            ["Berth__Events__RetryDelay"] = "00:00:00.200",
            ["Berth__Events__MaxRetryDelay"] = "00:00:01",
            ["Berth__Events__ClaimDuration"] = "00:00:03",
            ["Berth__Events__Timeout"] = "00:00:02",
        };
        const string repository = "events/app";
        var config = Encoding.UTF8.GetBytes("""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}""");
        var layer = RandomNumberGenerator.GetBytes(4096);
        var manifest = Encoding.UTF8.GetBytes(
            $$"""
            {"schemaVersion":2,"mediaType":"{{ManifestType}}",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{DigestOf(config)}}","size":{{config.Length}}},
             "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{{DigestOf(layer)}}","size":{{layer.Length}}}]}
            """);
        var digest = DigestOf(manifest);

        await using (var berth = await BerthProcess.StartAsync(data, environment))
        {
            await RegistryCalls.PushMonolithicAsync(berth.Client, repository, config, DigestOf(config));
            await RegistryCalls.PushMonolithicAsync(berth.Client, repository, layer, DigestOf(layer));
            using var content = new ByteArrayContent(manifest);
            content.Headers.ContentType = new MediaTypeHeaderValue(ManifestType);
            using var put = await berth.Client.PutAsync(new Uri($"/v2/{repository}/manifests/v1", UriKind.Relative), content);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);

            await RegistryCalls.WaitUntilAsync(() => receiver.Deliveries.Count >= 2, Deadline, "two refused deliveries");
            await berth.KillAsync();
        }

        receiver.Failing = false;
        var refused = receiver.Deliveries.Count;
        await using (var berth = await BerthProcess.StartAsync(data, environment))
        {
            await RegistryCalls.WaitUntilAsync(() => receiver.Deliveries.Any(d => d.Accepted), Deadline, "the push event is accepted");
            await WaitUntilSettledAsync(berth.DatabasePath, 1);
            using var deleted = await berth.Client.DeleteAsync(new Uri($"/v2/{repository}/manifests/{digest}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
            await WaitUntilSettledAsync(berth.DatabasePath, 2);
        }

        var deliveries = receiver.Deliveries.ToList();
        var accepted = deliveries.Where(d => d.Accepted).ToList();
        Assert.True(refused >= 2, $"{refused} refused attempts before the kill");
        Assert.All(deliveries.Take(refused), d => Assert.False(d.Accepted));
        Assert.Equal(2, accepted.Count);
        Assert.All(deliveries, d => Assert.Equal(Sign(d.Body), d.Signature));
        Assert.All(deliveries, d => Assert.Equal("application/json", d.ContentType));

        var push = JsonDocument.Parse(accepted[0].Body).RootElement;
        Assert.All(deliveries.Where(d => JsonDocument.Parse(d.Body).RootElement.GetProperty("id").GetString() == push.GetProperty("id").GetString()),
            d => Assert.Equal(push.GetProperty("id").GetString(), d.EventId));
        Assert.Equal(refused + 1, deliveries.Count(d => d.EventId == accepted[0].EventId));
        Assert.Equal("ECR Image Action", push.GetProperty("detail-type").GetString());
        Assert.Equal("aws.ecr", push.GetProperty("source").GetString());
        Assert.Equal("0", push.GetProperty("version").GetString());
        Assert.Equal("000000000000", push.GetProperty("account").GetString());
        Assert.Equal("us-east-1", push.GetProperty("region").GetString());
        var detail = push.GetProperty("detail");
        Assert.Equal(("PUSH", "SUCCESS", repository, digest, "v1"), (
            detail.GetProperty("action-type").GetString(), detail.GetProperty("result").GetString(), detail.GetProperty("repository-name").GetString(),
            detail.GetProperty("image-digest").GetString(), detail.GetProperty("image-tag").GetString()));

        var delete = JsonDocument.Parse(accepted[1].Body).RootElement.GetProperty("detail");
        Assert.Equal(("DELETE", "SUCCESS", digest), (delete.GetProperty("action-type").GetString(), delete.GetProperty("result").GetString(), delete.GetProperty("image-digest").GetString()));
        Assert.NotEqual(accepted[0].EventId, accepted[1].EventId);
        Directory.Delete(data, recursive: true);
    }

    /// <summary>
    /// Waits until the outbox holds <paramref name="count"/> DELIVERED rows: once a row is settled no node sends it
    /// again, so what the receiver holds then is final.
    /// </summary>
    internal static async Task WaitUntilSettledAsync(string databasePath, int count)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            await using (var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False"))
            {
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT COUNT(*) FROM event_outbox WHERE status = 'DELIVERED'";
                if ((long)(await command.ExecuteScalarAsync())! >= count)
                {
                    return;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {count} delivered events");
            await Task.Delay(50);
        }
    }

    private static string Sign(byte[] body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body));

    private static string DigestOf(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
}
