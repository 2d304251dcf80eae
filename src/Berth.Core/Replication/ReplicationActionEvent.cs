using System.Globalization;
using System.Text.Json;
using Berth.Core.Registries;

namespace Berth.Core.Replication;

/// <summary>
/// EventBridge's "ECR Replication Action" event (source aws.ecr), which ECR puts on the destination's bus when an image
/// has been replicated into it: <c>account</c>/<c>region</c> and <c>resources</c> name the destination repository,
/// <c>detail</c> carries <c>result</c>, <c>repository-name</c>, <c>image-digest</c>, <c>source-account</c>,
/// <c>action-type</c> REPLICATE, <c>source-region</c> and <c>image-tag</c> — the sample of
/// https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-eventbridge.html and the field list of EventBridge's
/// schema (aws.ecr@ECRReplicationAction). Only SUCCESS is emitted: no public source shows a failed replication's event.
/// <c>image-tag</c> is left out when the push named no tag, as for <c>ECR Image Action</c>.
/// </summary>
public static class ReplicationActionEvent
{
    public const string DetailType = "ECR Replication Action";

    /// <summary>The event's JSON text.</summary>
    public static string Create(string id, DateTimeOffset time, RegistryIdentity source, RegistryIdentity destination, string repository, string digest, string? tag)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("version", "0");
            json.WriteString("id", id);
            json.WriteString("detail-type", DetailType);
            json.WriteString("source", "aws.ecr");
            json.WriteString("account", destination.AccountId);
            json.WriteString("time", time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            json.WriteString("region", destination.Region);
            json.WriteStartArray("resources");
            json.WriteStringValue(destination.RepositoryArn(repository));
            json.WriteEndArray();
            json.WriteStartObject("detail");
            json.WriteString("result", "SUCCESS");
            json.WriteString("repository-name", repository);
            json.WriteString("image-digest", digest);
            json.WriteString("source-account", source.AccountId);
            json.WriteString("action-type", "REPLICATE");
            json.WriteString("source-region", source.Region);
            if (tag is not null)
            {
                json.WriteString("image-tag", tag);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
