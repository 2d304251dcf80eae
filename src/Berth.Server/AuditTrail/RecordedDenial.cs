using System.Text.Json;
using Berth.Core.AuditTrail;
using Berth.Core.Credentials;
using Berth.Core.Registries;

namespace Berth.Server.AuditTrail;

/// <summary>
/// A call the audit trail recorded as refused, read back from its CloudTrail event to be decided again: the caller
/// (from userIdentity), the registry (recipientAccountId, awsRegion; ECR Public's events name the account's public
/// registry) and what the decision was made on
/// (additionalEventData.authorization, see <see cref="DeniedAuthorization"/>). Events stored before Berth recorded
/// that element, and calls refused before authorization (a bad signature, an unknown key) cannot be re-run.
/// </summary>
internal sealed record RecordedDenial(
    string RequestId, DateTimeOffset EventTime, string EventSource, string EventName, string? ErrorCode, string? ErrorMessage,
    Principal Principal, RegistryIdentity Registry, DeniedAuthorization Authorization)
{
    /// <summary>The event's denial, or null with why it cannot be re-run.</summary>
    public static (RecordedDenial? Denial, string? Why) Read(AuditEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        using var document = JsonDocument.Parse(stored.Json);
        var root = document.RootElement;
        string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var requestId = Text(root, "requestID") ?? "";
        if (!root.TryGetProperty("additionalEventData", out var additional) || !additional.TryGetProperty("authorization", out var authorization))
        {
            return (null, Text(root, "errorCode") is { } code
                ? $"request {requestId} ({stored.EventName}) failed with {code}, not on an authorization this trail recorded: nothing to re-run"
                : $"request {requestId} ({stored.EventName}) was not refused");
        }

        var identity = root.GetProperty("userIdentity");
        var kind = Text(identity, "type") switch { "IAMUser" => PrincipalKind.User, "AssumedRole" => PrincipalKind.AssumedRole, _ => PrincipalKind.Root };
        var roleArn = identity.TryGetProperty("sessionContext", out var session) && session.TryGetProperty("sessionIssuer", out var issuer) ? Text(issuer, "arn") : null;
        var account = Text(identity, "accountId") ?? stored.AccountId;
        var principal = new Principal(
            account, Text(identity, "arn") ?? "", Text(identity, "accessKeyId") ?? "", kind,
            kind == PrincipalKind.User ? Text(identity, "userName") : null,
            kind == PrincipalKind.Root ? null : Text(identity, "principalId"),
            roleArn);
        var context = new List<KeyValuePair<string, IReadOnlyList<string>>>();
        if (authorization.TryGetProperty("context", out var keys) && keys.ValueKind == JsonValueKind.Object)
        {
            foreach (var key in keys.EnumerateObject())
            {
                context.Add(KeyValuePair.Create(key.Name, (IReadOnlyList<string>)[.. key.Value.EnumerateArray().Select(v => v.GetString() ?? "")]));
            }
        }

        var denied = new DeniedAuthorization(Text(authorization, "action") ?? "", Text(authorization, "resource") ?? "", context);
        var registryAccount = Text(root, "recipientAccountId") ?? stored.AccountId;
        var registry = stored.EventSource == Explanation.EcrPublicSource
            ? RegistryIdentity.Public(registryAccount)
            : new RegistryIdentity(registryAccount, Text(root, "awsRegion") ?? stored.Region);
        return (new RecordedDenial(requestId, stored.EventTime, stored.EventSource, stored.EventName, Text(root, "errorCode"), Text(root, "errorMessage"), principal, registry, denied), null);
    }

    /// <summary>The stored event of <paramref name="requestId"/> and its denial, or why there is nothing to re-run.</summary>
    public static async Task<(RecordedDenial? Denial, string? Why)> FindAsync(IAuditTrailStore store, string requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var stored = await store.FindByRequestIdAsync(requestId.Trim(), cancellationToken).ConfigureAwait(false);
        return stored is null ? (null, $"no request with id '{requestId}' in the audit trail (ids are x-amzn-RequestId or a /v2/ request's id; events older than Berth:AuditTrail:Retention are pruned)") : Read(stored);
    }
}
