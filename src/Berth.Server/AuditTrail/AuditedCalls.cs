using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Core.Registries;
using Berth.Server.Registries;

namespace Berth.Server.AuditTrail;

/// <summary>
/// How each face starts and fills its requests' <see cref="AuditRecord"/>: event sources as CloudTrail names them,
/// read-only by operation name, request parameters without secrets, and the repository a call names as its resource.
/// </summary>
internal static class AuditedCalls
{
    /// <summary>CloudTrail's replacement text for a secret parameter.</summary>
    public const string Hidden = "HIDDEN_DUE_TO_SECURITY_REASONS";

    public const string RepositoryType = "AWS::ECR::Repository";
    public const string PublicRepositoryType = "AWS::ECRPublic::Repository";

    // Large binary members (base64 layer parts and logos): left out of the event, as their bytes say nothing.
    private static readonly HashSet<string> LeftOut = new(StringComparer.Ordinal) { "layerPartBlob", "logoImageBlob" };

    // JSON members that are secret values (Secrets Manager's CreateSecret, PutSecretValue): hidden, as CloudTrail hides them.
    private static readonly HashSet<string> JsonSecrets = new(StringComparer.Ordinal) { "SecretString", "SecretBinary" };

    // Query-protocol parameters that are credentials (IAM, STS).
    private static readonly HashSet<string> Secrets = new(StringComparer.OrdinalIgnoreCase)
    {
        "Password", "NewPassword", "OldPassword", "SAMLAssertion", "WebIdentityToken", "TokenCode", "PrivateKey", "SecretAccessKey",
    };

    /// <summary>Starts the record of a call whose operation is known, unless the audit trail is off.</summary>
    public static AuditRecord? Begin(HttpContext context, string signingName, string operation)
    {
        if (context.RequestServices.GetService<AuditTrailWriter>() is null)
        {
            return null;
        }

        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        return AuditRecord.Begin(context, signingName + ".amazonaws.com", operation, IsReadOnly(operation), now);
    }

    /// <summary>Read-only by the verbs AWS uses for reads (CloudTrail's readOnly).</summary>
    public static bool IsReadOnly(string operation) =>
        operation.StartsWith("Describe", StringComparison.Ordinal) || operation.StartsWith("Get", StringComparison.Ordinal)
        || operation.StartsWith("List", StringComparison.Ordinal) || operation.StartsWith("BatchGet", StringComparison.Ordinal)
        || operation.StartsWith("BatchCheck", StringComparison.Ordinal) || operation.StartsWith("Lookup", StringComparison.Ordinal);

    /// <summary>An AWS JSON call's input, as CloudTrail records it; its repositoryName is the resource.</summary>
    public static void SetJsonParameters(AuditRecord? record, JsonElement input)
    {
        if (record is null)
        {
            return;
        }

        var parameters = new JsonObject();
        foreach (var member in input.EnumerateObject())
        {
            if (!LeftOut.Contains(member.Name))
            {
                parameters[member.Name] = JsonSecrets.Contains(member.Name) ? Hidden : JsonNode.Parse(member.Value.GetRawText());
            }
        }

        record.RequestParameters = parameters.Count == 0 ? null : parameters;
        if (input.TryGetProperty("repositoryName", out var name) && name.ValueKind == JsonValueKind.String)
        {
            record.ResourceName = name.GetString();
        }
    }

    /// <summary>A Query-protocol call's form (Action and Version left out), names in CloudTrail's camelCase, secrets hidden.</summary>
    public static void SetFormParameters(AuditRecord? record, IReadOnlyDictionary<string, string> form)
    {
        if (record is null)
        {
            return;
        }

        var parameters = new JsonObject();
        foreach (var (name, value) in form)
        {
            if (name.Length == 0 || name is "Action" or "Version")
            {
                continue;
            }

            parameters[char.ToLowerInvariant(name[0]) + name[1..]] = Secrets.Contains(name) ? Hidden : value;
        }

        record.RequestParameters = parameters.Count == 0 ? null : parameters;
        (record.ResourceType, record.ResourceName) =
            form.TryGetValue("UserName", out var user) ? ("AWS::IAM::User", user)
            : form.TryGetValue("RoleName", out var role) ? ("AWS::IAM::Role", role)
            : form.TryGetValue("GroupName", out var group) ? ("AWS::IAM::Group", group)
            : form.TryGetValue("PolicyArn", out var policy) ? ("AWS::IAM::Policy", policy)
            : form.TryGetValue("RoleArn", out var assumed) ? ("AWS::IAM::Role", assumed)
            : ((string?)null, (string?)null);
    }

    /// <summary>
    /// Fills in, after the request, what the face left to the registry it decided: the account and region the event
    /// is filed under (ECR Public's under us-east-1, where its API lives) and the repository's ARN.
    /// </summary>
    public static void SetRegistry(HttpContext context, AuditRecord record)
    {
        if (record.AccountId is not null || context.RequestServices.GetService<RequestRegistry>()?.Known is not { } registry)
        {
            return;
        }

        record.AccountId = registry.AccountId;
        record.Region = registry.IsPublic ? "us-east-1" : registry.Region;
        if (record.ResourceName is { } repository && record.EventSource is "ecr.amazonaws.com" or "ecr-public.amazonaws.com")
        {
            record.ResourceType = registry.IsPublic ? PublicRepositoryType : RepositoryType;
            record.ResourceArn = registry.RepositoryArn(repository);
        }
    }

    /// <summary>
    /// A /v2/ refusal as the ECR exception the same refusal is on ECR's API (what CloudTrail shows for ECR's own
    /// pulls and pushes); codes without an ECR counterpart stay the OCI code.
    /// </summary>
    public static string OciErrorCode(string code) => code switch
    {
        "DENIED" => "AccessDeniedException",
        "NAME_UNKNOWN" => "RepositoryNotFoundException",
        "MANIFEST_UNKNOWN" => "ImageNotFoundException",
        "BLOB_UNKNOWN" => "LayersNotFoundException",
        "TAG_INVALID" or "MANIFEST_INVALID" or "MANIFEST_BLOB_UNKNOWN" => "InvalidParameterException",
        _ => code,
    };

    /// <summary>The registry-independent parts of a /v2/ request's parameters, in ECR's member names.</summary>
    public static JsonObject OciParameters(RegistryIdentity registry, string repository) =>
        new() { ["registryId"] = registry.AccountId, ["repositoryName"] = repository };
}
