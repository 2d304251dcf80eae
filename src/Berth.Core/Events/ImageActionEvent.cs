using System.Globalization;
using System.Text.Json;
using Berth.Core.Registries;

namespace Berth.Core.Events;

/// <summary>
/// EventBridge's "ECR Image Action" event (source aws.ecr), the JSON ECR puts on the bus when an image is pushed or
/// deleted: https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-eventbridge.html. <c>image-tag</c> is left out
/// when the action named no tag (a push or delete by digest); the guide's samples always carry one, so that is a guess.
/// </summary>
public static class ImageActionEvent
{
    public const string Push = "PUSH";
    public const string Delete = "DELETE";
    public const string Success = "SUCCESS";
    public const string Failure = "FAILURE";

    /// <summary>The event's JSON text.</summary>
    public static string Create(string id, DateTimeOffset time, RegistryIdentity registry, string actionType, string result, string repository, string? digest, string? tag)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("version", "0");
            json.WriteString("id", id);
            json.WriteString("detail-type", "ECR Image Action");
            json.WriteString("source", "aws.ecr");
            json.WriteString("account", registry.AccountId);
            json.WriteString("time", time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            json.WriteString("region", registry.Region);
            json.WriteStartArray("resources");
            json.WriteEndArray();
            json.WriteStartObject("detail");
            json.WriteString("result", result);
            json.WriteString("repository-name", repository);
            if (digest is not null)
            {
                json.WriteString("image-digest", digest);
            }

            json.WriteString("action-type", actionType);
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
