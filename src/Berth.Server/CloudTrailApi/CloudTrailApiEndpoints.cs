using System.Text.Json;
using Berth.Core.Credentials;
using Berth.Core.Errors;
using Berth.Core.Iam;
using Berth.Core.Registries;
using Berth.Server.AwsJson;
using Berth.Server.EcrApi;

namespace Berth.Server.CloudTrailApi;

/// <summary>
/// CloudTrail's API on <c>POST /</c>: <c>X-Amz-Target: com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.&lt;Operation&gt;</c>,
/// AWS JSON 1.1 signed for service <c>cloudtrail</c>, on the dispatch ECR's API uses (<see cref="AwsJsonApi"/>), validated
/// against the embedded botocore model (cloudtrail/2013-11-01, cut down to LookupEvents' shapes). Only LookupEvents is
/// served, over the caller's own account in the signing region. Authorization is the caller's identity policies (IAM's
/// evaluator: the root may, a user or role needs <c>cloudtrail:LookupEvents</c> on <c>*</c>), not a registry's.
/// </summary>
internal sealed class CloudTrailApiEndpoints() : AwsJsonApi("cloudtrail", CreateOperations())
{
    public const string TargetPrefix = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.";
    private const string ModelResource = "Berth.Server.CloudTrailApi.Model.cloudtrail-2013-11-01.json.gz";

    private static readonly EcrModel Model = EcrModel.Load(ModelResource);

    /// <summary>The API, built once per process (the tests' servers share it).</summary>
    public static CloudTrailApiEndpoints Api { get; } = new();

    public static bool Accepts(HttpRequest request) => request.Headers["X-Amz-Target"].ToString().StartsWith(TargetPrefix, StringComparison.Ordinal);

    protected override string? OperationOf(string target) =>
        target.StartsWith(TargetPrefix, StringComparison.Ordinal) ? target[TargetPrefix.Length..] : null;

    protected override EcrModel ModelOf(HttpContext context) => Model;

    protected override async Task<RegistryIdentity> AuthorizeAsync(HttpContext context, string operation, JsonElement input, Principal principal, string region)
    {
        if (AuditTrail.AuditRecord.Of(context) is { } audit)
        {
            audit.AccountId = principal.AccountId;
        }

        try
        {
            await AuditTrail.DeniedAuthorization.AuthorizeIamAsync(context, context.RequestServices.GetRequiredService<IamAuthorization>(), principal,
                "cloudtrail:" + operation, "*", Authentication.RequestConditions.Of(context)).ConfigureAwait(false);
        }
        catch (IamException e)
        {
            throw new RegistryException(EcrErrors.AccessDenied, e.Message);
        }

        return new RegistryIdentity(principal.AccountId, region);
    }

    private static Dictionary<string, Func<EcrCall, Task>> CreateOperations() =>
        new(StringComparer.Ordinal) { ["LookupEvents"] = LookupEventsOperation.HandleAsync };
}
