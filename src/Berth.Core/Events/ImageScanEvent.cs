using System.Globalization;
using System.Text.Json;
using Berth.Core.Registries;

namespace Berth.Core.Events;

/// <summary>
/// EventBridge's "ECR Image Scan" event (source aws.ecr), the JSON ECR puts on the bus when a basic scan of an image
/// completes: https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-eventbridge.html. <c>resources</c> holds the
/// repository's ARN, <c>finding-severity-counts</c> only the severities that have findings, <c>image-tags</c> the
/// image's tags when the scan completed. A FAILED scan is reported the same way with <c>scan-status</c> FAILED and no
/// counts: the guide shows only COMPLETE, so that one is a guess.
/// </summary>
public static class ImageScanEvent
{
    public static string Create(
        string id, DateTimeOffset time, RegistryIdentity registry, string repository, string digest, string scanStatus,
        IReadOnlyDictionary<string, int> severityCounts, IReadOnlyList<string> tags)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("version", "0");
            json.WriteString("id", id);
            json.WriteString("detail-type", "ECR Image Scan");
            json.WriteString("source", "aws.ecr");
            json.WriteString("account", registry.AccountId);
            json.WriteString("time", time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            json.WriteString("region", registry.Region);
            json.WriteStartArray("resources");
            json.WriteStringValue(registry.RepositoryArn(repository));
            json.WriteEndArray();
            json.WriteStartObject("detail");
            json.WriteString("scan-status", scanStatus);
            json.WriteString("repository-name", repository);
            json.WriteStartObject("finding-severity-counts");
            foreach (var severity in Scanning.Feed.FindingSeverity.All)
            {
                if (severityCounts.TryGetValue(severity, out var count) && count > 0)
                {
                    json.WriteNumber(severity, count);
                }
            }

            json.WriteEndObject();
            json.WriteString("image-digest", digest);
            json.WriteStartArray("image-tags");
            foreach (var tag in tags)
            {
                json.WriteStringValue(tag);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
