using System.Data.Common;
using Berth.Core.AuditTrail;

namespace Berth.Storage.Metadata;

/// <summary>
/// The audit trail (<c>audit_events</c>). A lookup walks the (account, region, time, id) index newest first with the
/// one attribute filter as a residual condition; the cursor is the last row's (time, id), so pages neither skip nor
/// repeat events stored meanwhile with older times than the page's end. A request id is found by its own index
/// (<c>audit_events_request</c>, migration 0031).
/// </summary>
internal sealed class SqlAuditTrailStore(MetadataDatabase database) : IAuditTrailStore
{
    private const string Columns = "id, event_id, event_time, account_id, region, event_source, event_name, read_only, username, access_key_id, resource_type, resource_name, event_json, request_id";

    public async ValueTask AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            """
            INSERT INTO audit_events (event_id, event_time, account_id, region, event_source, event_name, read_only, username, access_key_id, resource_type, resource_name, event_json, request_id)
            VALUES (@eventId, @time, @account, @region, @source, @name, @readOnly, @username, @accessKeyId, @resourceType, @resourceName, @json, @requestId)
            """,
            ("@eventId", string.Empty), ("@time", 0L), ("@account", string.Empty), ("@region", string.Empty), ("@source", string.Empty), ("@name", string.Empty),
            ("@readOnly", false), ("@username", null), ("@accessKeyId", null), ("@resourceType", null), ("@resourceName", null), ("@json", string.Empty), ("@requestId", null));
        foreach (var e in events)
        {
            Set(command, "@eventId", e.EventId);
            Set(command, "@time", e.EventTime.ToUnixTimeMilliseconds());
            Set(command, "@account", e.AccountId);
            Set(command, "@region", e.Region);
            Set(command, "@source", e.EventSource);
            Set(command, "@name", e.EventName);
            Set(command, "@readOnly", e.ReadOnly);
            Set(command, "@username", e.Username);
            Set(command, "@accessKeyId", e.AccessKeyId);
            Set(command, "@resourceType", e.ResourceType);
            Set(command, "@resourceName", e.ResourceName);
            Set(command, "@json", e.Json);
            Set(command, "@requestId", e.RequestId);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<AuditPage> LookupAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var (filter, value) = query.Filter is { } attribute ? Filter(attribute) : (string.Empty, null);

        // Conditions are left out rather than bound as NULL: PostgreSQL cannot type an untyped NULL against a bigint.
        var range = (query.StartTime is null ? string.Empty : " AND event_time >= @start")
            + (query.EndTime is null ? string.Empty : " AND event_time <= @end")
            + (query.After is null ? string.Empty : " AND (event_time < @afterTime OR (event_time = @afterTime AND id < @afterId))");
        var rows = await database.ListAsync(
            $"""
            SELECT {Columns} FROM audit_events
            WHERE account_id = @account AND region = @region{range} {filter}
            ORDER BY event_time DESC, id DESC LIMIT @limit
            """,
            r => (Sequence: r.GetInt64(0), Event: Read(r)),
            cancellationToken,
            ("@account", query.AccountId), ("@region", query.Region),
            ("@start", query.StartTime?.ToUnixTimeMilliseconds() ?? 0L), ("@end", query.EndTime?.ToUnixTimeMilliseconds() ?? 0L),
            ("@afterTime", query.After?.TimeMillis ?? 0L), ("@afterId", query.After?.Sequence ?? 0L),
            ("@value", value ?? string.Empty), ("@limit", query.Limit + 1)).ConfigureAwait(false);
        var more = rows.Count > query.Limit;
        if (more)
        {
            rows.RemoveRange(query.Limit, rows.Count - query.Limit);
        }

        var last = rows.Count > 0 ? rows[^1] : default;
        return new AuditPage(
            rows.Select(r => r.Event).ToList(),
            more ? new AuditCursor(last.Event.EventTime.ToUnixTimeMilliseconds(), last.Sequence) : null);
    }

    public async ValueTask<int> PruneAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            "DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events WHERE event_time < @before ORDER BY event_time LIMIT @limit)",
            cancellationToken, ("@before", before.ToUnixTimeMilliseconds()), ("@limit", limit)).ConfigureAwait(false);

    private static (string Sql, object? Value) Filter(AuditFilter attribute) => attribute.Key switch
    {
        AuditAttributeKey.EventId => ("AND event_id = @value", attribute.Value),
        AuditAttributeKey.EventName => ("AND event_name = @value", attribute.Value),
        AuditAttributeKey.EventSource => ("AND event_source = @value", attribute.Value),
        AuditAttributeKey.Username => ("AND username = @value", attribute.Value),
        AuditAttributeKey.AccessKeyId => ("AND access_key_id = @value", attribute.Value),
        AuditAttributeKey.ResourceType => ("AND resource_type = @value", attribute.Value),
        AuditAttributeKey.ResourceName => ("AND resource_name = @value", attribute.Value),
        // ReadOnly takes "true" or "false"; anything else matches nothing, as CloudTrail's lookup does (a guess).
        _ => bool.TryParse(attribute.Value, out var readOnly) ? ("AND read_only = @value", readOnly) : ("AND 1 = 0", (object?)null),
    };

    /// <summary>The lookup of <see cref="FindByRequestIdAsync"/> (its plan is checked by the contract tests: the index, not a scan).</summary>
    internal const string FindByRequestIdSql = $"SELECT {Columns} FROM audit_events WHERE request_id = @requestId ORDER BY event_time DESC, id DESC LIMIT 1";

    public async ValueTask<AuditEvent?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken) =>
        await database.FirstAsync(FindByRequestIdSql, Read, cancellationToken, ("@requestId", requestId)).ConfigureAwait(false);

    private static AuditEvent Read(DbDataReader r) => new(
        r.GetString(1),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)),
        r.GetString(3),
        r.GetString(4),
        r.GetString(5),
        r.GetString(6),
        r.GetBoolean(7),
        r.NullableString(8),
        r.NullableString(9),
        r.NullableString(10),
        r.NullableString(11),
        r.GetString(12),
        r.NullableString(13));

    private static void Set(DbCommand command, string name, object? value) => command.Parameters[name].Value = value ?? DBNull.Value;
}
