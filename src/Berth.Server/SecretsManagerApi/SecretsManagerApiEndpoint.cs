using System.Text.Json;
using Berth.Core.Credentials;
using Berth.Core.Errors;
using Berth.Core.Iam;
using Berth.Core.Registries;
using Berth.Core.Secrets;
using Berth.Server.Authentication;
using Berth.Server.AwsJson;
using Berth.Server.EcrApi;
using Berth.Server.Registries;

namespace Berth.Server.SecretsManagerApi;

/// <summary>
/// The subset of AWS Secrets Manager a pull through cache rule needs (CreateSecret, GetSecretValue, PutSecretValue,
/// DescribeSecret, ListSecrets, DeleteSecret): <c>POST /</c> with <c>X-Amz-Target: secretsmanager.&lt;Operation&gt;</c>,
/// signed with SigV4 for service <c>secretsmanager</c>, validated against the embedded secretsmanager/2017-10-17 model
/// (cut to these operations). Every call is authorized with the caller's identity policies
/// (<c>secretsmanager:&lt;Operation&gt;</c>) on the secret's ARN, <c>*</c> for ListSecrets. Secrets belong to the
/// caller's account, in the region of the credential scope.
/// </summary>
internal sealed class SecretsManagerApiEndpoint() : AwsJsonApi("secretsmanager", SecretOperations.Create())
{
    public const string TargetPrefix = "secretsmanager.";
    private const string ModelResource = "Berth.Server.SecretsManagerApi.Model.secretsmanager-2017-10-17.json.gz";

    private static readonly EcrModel Model = EcrModel.Load(ModelResource);

    /// <summary>The API, built once per process (the tests' servers share it).</summary>
    public static SecretsManagerApiEndpoint Api { get; } = new();

    /// <summary>Whether the request is a Secrets Manager call (its target names this service).</summary>
    public static bool Accepts(HttpRequest request) => request.Headers["X-Amz-Target"].ToString().StartsWith(TargetPrefix, StringComparison.Ordinal);

    protected override string? OperationOf(string target) =>
        target.StartsWith(TargetPrefix, StringComparison.Ordinal) ? target[TargetPrefix.Length..] : null;

    protected override EcrModel ModelOf(HttpContext context) => Model;

    protected override async Task<RegistryIdentity> AuthorizeAsync(HttpContext context, string operation, JsonElement input, Principal principal, string region)
    {
        var registry = new RegistryIdentity(principal.AccountId, region);
        RequestRegistry.Set(context, registry);
        var resource = "*";
        if (operation == "CreateSecret")
        {
            resource = $"arn:{registry.Partition}:secretsmanager:{region}:{registry.AccountId}:secret:{input.GetProperty("Name").GetString()}";
        }
        else if (input.TryGetProperty("SecretId", out var id) && id.GetString() is { } secretId)
        {
            var secret = await context.RequestServices.GetRequiredService<SecretService>().FindAsync(secretId, context.RequestAborted).ConfigureAwait(false);
            resource = secret?.Arn ?? (secretId.StartsWith("arn:", StringComparison.Ordinal)
                ? secretId
                : $"arn:{registry.Partition}:secretsmanager:{region}:{registry.AccountId}:secret:{secretId}");
        }

        try
        {
            await AuditTrail.DeniedAuthorization.AuthorizeIamAsync(context, context.RequestServices.GetRequiredService<IamAuthorization>(), principal,
                "secretsmanager:" + operation, resource, RequestConditions.Of(context)).ConfigureAwait(false);
        }
        catch (IamException e)
        {
            throw new RegistryException(SecretsErrors.AccessDenied, e.Message);
        }

        return registry;
    }
}
