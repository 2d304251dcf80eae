using System.Globalization;
using System.Text.Json;
using Berth.Core.AuditTrail;
using Berth.Core.Credentials;

namespace Berth.Server.AuditTrail;

/// <summary>
/// Turns a finished <see cref="AuditRecord"/> into the stored <see cref="AuditEvent"/>: the CloudTrail record
/// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html) with
/// eventVersion 1.08, userIdentity as CloudTrail writes it for a root, an IAM user and an assumed role, and
/// resources. Run by the writer's background loop, not on the request.
/// </summary>
internal static class CloudTrailEventJson
{
    public const string EventVersion = "1.08";

    /// <summary>Response bodies larger than this are recorded as null (CloudTrail also truncates large elements).</summary>
    private const int MaxResponseBytes = 64 * 1024;

    public static AuditEvent Build(AuditRecord record)
    {
        var principal = record.Principal!;
        var account = record.AccountId ?? principal.AccountId;
        var region = record.Region ?? "us-east-1";
        var eventId = Guid.NewGuid().ToString("D");
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("eventVersion", EventVersion);
            WriteUserIdentity(json, principal);
            json.WriteString("eventTime", record.EventTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            json.WriteString("eventSource", record.EventSource);
            json.WriteString("eventName", record.EventName);
            json.WriteString("awsRegion", region);
            json.WriteString("sourceIPAddress", record.SourceIpAddress);
            json.WriteString("userAgent", record.UserAgent);
            if (record.ErrorCode is not null)
            {
                json.WriteString("errorCode", record.ErrorCode);
                json.WriteString("errorMessage", record.ErrorMessage);
            }

            json.WritePropertyName("requestParameters");
            if (record.RequestParameters is { } parameters)
            {
                parameters.WriteTo(json);
            }
            else
            {
                json.WriteNullValue();
            }

            json.WritePropertyName("responseElements");
            WriteResponse(json, record);
            if (record.Denied is { } denied)
            {
                WriteDenied(json, denied);
            }

            json.WriteString("requestID", record.RequestId);
            json.WriteString("eventID", eventId);
            json.WriteBoolean("readOnly", record.ReadOnly);
            if (record.ResourceArn is not null)
            {
                json.WriteStartArray("resources");
                json.WriteStartObject();
                json.WriteString("accountId", account);
                json.WriteString("type", record.ResourceType);
                json.WriteString("ARN", record.ResourceArn);
                json.WriteEndObject();
                json.WriteEndArray();
            }

            json.WriteString("eventType", "AwsApiCall");
            json.WriteBoolean("managementEvent", true);
            json.WriteString("recipientAccountId", account);
            json.WriteString("eventCategory", "Management");
            json.WriteEndObject();
        }

        return new AuditEvent(
            eventId, record.EventTime, account, region, record.EventSource, record.EventName, record.ReadOnly,
            UsernameOf(principal), principal.AccessKeyId, record.ResourceType, record.ResourceName,
            System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), record.RequestId);
    }

    /// <summary>LookupEvents' Username: the IAM user's name, the role's for a session, "root" for the account root.</summary>
    public static string UsernameOf(Principal principal) => principal.Kind switch
    {
        PrincipalKind.User => principal.UserName ?? principal.Arn,
        PrincipalKind.AssumedRole => RoleName(principal) ?? principal.Arn,
        _ => "root",
    };

    /// <summary>additionalEventData.authorization: what a denial was decided on (Berth's own element; CloudTrail has none such).</summary>
    private static void WriteDenied(Utf8JsonWriter json, DeniedAuthorization denied)
    {
        json.WriteStartObject("additionalEventData");
        json.WriteStartObject("authorization");
        json.WriteString("action", denied.Action);
        json.WriteString("resource", denied.Resource);
        json.WriteStartObject("context");
        foreach (var (key, values) in denied.Context)
        {
            json.WriteStartArray(key);
            foreach (var value in values)
            {
                json.WriteStringValue(value);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteUserIdentity(Utf8JsonWriter json, Principal principal)
    {
        json.WriteStartObject("userIdentity");
        json.WriteString("type", principal.Kind switch { PrincipalKind.User => "IAMUser", PrincipalKind.AssumedRole => "AssumedRole", _ => "Root" });
        json.WriteString("principalId", principal.UniqueId);
        json.WriteString("arn", principal.Arn);
        json.WriteString("accountId", principal.AccountId);
        json.WriteString("accessKeyId", principal.AccessKeyId);
        if (principal.Kind == PrincipalKind.User)
        {
            json.WriteString("userName", principal.UserName);
        }
        else if (principal.Kind == PrincipalKind.AssumedRole && principal.RoleArn is not null)
        {
            json.WriteStartObject("sessionContext");
            json.WriteStartObject("sessionIssuer");
            json.WriteString("type", "Role");
            json.WriteString("principalId", principal.UniqueId.Split(':')[0]);
            json.WriteString("arn", principal.RoleArn);
            json.WriteString("accountId", principal.AccountId);
            json.WriteString("userName", RoleName(principal));
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static string? RoleName(Principal principal) =>
        principal.RoleArn is { } arn && arn.LastIndexOf('/') is var slash and >= 0 ? arn[(slash + 1)..] : null;

    private static void WriteResponse(Utf8JsonWriter json, AuditRecord record)
    {
        if (record.ReadOnly || record.ErrorCode is not null || record.ResponseBody.Length is 0 or > MaxResponseBytes)
        {
            json.WriteNullValue();
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(record.ResponseBody);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                document.RootElement.WriteTo(json);
                return;
            }
        }
        catch (JsonException)
        {
        }

        json.WriteNullValue();
    }
}
