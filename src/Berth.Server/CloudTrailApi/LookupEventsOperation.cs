using System.Globalization;
using System.Text;
using System.Text.Json;
using Berth.Core.AuditTrail;
using Berth.Core.Errors;
using Berth.Server.EcrApi;

namespace Berth.Server.CloudTrailApi;

/// <summary>
/// LookupEvents (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html): the caller's
/// account's events in the signing region, newest first, filtered by at most one lookup attribute and a time range
/// (both ends included), MaxResults 1–50 (default 50), and an opaque NextToken. Events come from the audit trail
/// (<see cref="IAuditTrailStore"/>); the most recent calls appear once the writer has stored them (milliseconds).
/// </summary>
internal static class LookupEventsOperation
{
    private const int DefaultMaxResults = 50;

    public static async Task HandleAsync(EcrCall call)
    {
        var filter = Filter(call.Element("LookupAttributes"));
        var start = Time(call.Element("StartTime"));
        var end = Time(call.Element("EndTime"));
        if (start is not null && end is not null && start > end)
        {
            throw new RegistryException(CloudTrailErrors.InvalidTimeRange, "Start time must be before end time.");
        }

        if (call.String("EventCategory") is { } category && category != "insight")
        {
            throw new RegistryException(CloudTrailErrors.InvalidEventCategory, $"Invalid event category: {category}");
        }

        var store = call.Service<IAuditTrailStore>();
        var limit = call.Int("MaxResults") ?? DefaultMaxResults;
        var query = new AuditQuery(call.Principal.AccountId, call.Registry.Region, filter, start, end, limit, ReadToken(call.String("NextToken")));

        // Berth records no Insights events: asking for them finds none.
        var page = call.String("EventCategory") is null ? await store.LookupAsync(query, call.Aborted).ConfigureAwait(false) : new AuditPage([], null);
        await call.RespondAsync(json =>
        {
            json.WriteStartArray("Events");
            foreach (var e in page.Events)
            {
                json.WriteStartObject();
                json.WriteString("EventId", e.EventId);
                json.WriteString("EventName", e.EventName);
                json.WriteString("ReadOnly", e.ReadOnly ? "true" : "false");
                if (e.AccessKeyId is not null)
                {
                    json.WriteString("AccessKeyId", e.AccessKeyId);
                }

                EcrCall.WriteTimestamp(json, "EventTime", e.EventTime);
                json.WriteString("EventSource", e.EventSource);
                if (e.Username is not null)
                {
                    json.WriteString("Username", e.Username);
                }

                json.WriteStartArray("Resources");
                if (e.ResourceName is not null)
                {
                    json.WriteStartObject();
                    json.WriteString("ResourceType", e.ResourceType);
                    json.WriteString("ResourceName", e.ResourceName);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteString("CloudTrailEvent", e.Json);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (page.Next is { } next)
            {
                json.WriteString("NextToken", WriteToken(next));
            }
        }).ConfigureAwait(false);
    }

    /// <summary>At most one attribute, as CloudTrail allows (the model documents the limit, not the wording: a guess).</summary>
    private static AuditFilter? Filter(JsonElement? attributes)
    {
        if (attributes is not { } list || list.GetArrayLength() == 0)
        {
            return null;
        }

        if (list.GetArrayLength() > 1)
        {
            throw new RegistryException(CloudTrailErrors.InvalidLookupAttributes, "You cannot have more than 1 lookup attribute.");
        }

        var attribute = list[0];
        var key = Enum.Parse<AuditAttributeKey>(attribute.GetProperty("AttributeKey").GetString()!);
        return new AuditFilter(key, attribute.GetProperty("AttributeValue").GetString()!);
    }

    /// <summary>A Date member: epoch seconds (what SDKs send) or an ISO 8601 text.</summary>
    private static DateTimeOffset? Time(JsonElement? value) => value switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } number => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(number.GetDouble() * 1000)),
        { } text when DateTimeOffset.TryParse(text.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) => parsed,
        _ => throw new RegistryException(EcrErrors.InvalidParameter, "Invalid timestamp"),
    };

    private static string WriteToken(AuditCursor cursor) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"v1:{cursor.TimeMillis}:{cursor.Sequence}")));

    private static AuditCursor? ReadToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split(':');
            if (parts is ["v1", var time, var sequence]
                && long.TryParse(time, NumberStyles.None, CultureInfo.InvariantCulture, out var millis)
                && long.TryParse(sequence, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return new AuditCursor(millis, id);
            }
        }
        catch (FormatException)
        {
        }

        throw new RegistryException(CloudTrailErrors.InvalidNextToken, "Invalid NextToken.");
    }
}
