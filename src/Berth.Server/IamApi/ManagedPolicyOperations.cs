using Berth.Core.Iam;
using Berth.Server.AwsQuery;

namespace Berth.Server.IamApi;

/// <summary>
/// CreatePolicy, GetPolicy, DeletePolicy, ListPolicies (Scope All/AWS/Local), and the versions: CreatePolicyVersion
/// (SetAsDefault, at most five), GetPolicyVersion, ListPolicyVersions, DeletePolicyVersion.
/// </summary>
internal static class ManagedPolicyOperations
{
    public static void Register(Dictionary<string, Func<QueryCall, Task>> operations)
    {
        operations.Add("CreatePolicy", CreatePolicyAsync);
        operations.Add("GetPolicy", GetPolicyAsync);
        operations.Add("DeletePolicy", DeletePolicyAsync);
        operations.Add("ListPolicies", ListPoliciesAsync);
        operations.Add("CreatePolicyVersion", CreatePolicyVersionAsync);
        operations.Add("GetPolicyVersion", GetPolicyVersionAsync);
        operations.Add("ListPolicyVersions", ListPolicyVersionsAsync);
        operations.Add("DeletePolicyVersion", DeletePolicyVersionAsync);
    }

    private static async Task CreatePolicyAsync(QueryCall call)
    {
        var name = call.Input.Required("PolicyName");
        var path = call.Input.String("Path") ?? "/";
        Unsupported.Refuse(call.Input, "Tags");
        await call.AuthorizeAsync("iam:CreatePolicy", ManagedPolicy.FormArn(call.Account(), path, name)).ConfigureAwait(false);
        var policy = await call.Service<IamPolicyService>().CreateAsync(
            call.Account(), name, path, call.Input.Required("PolicyDocument"), call.Input.String("Description"), call.Aborted).ConfigureAwait(false);
        var shape = IamShapes.Policy(policy);
        shape["Description"] = null;
        await call.RespondAsync(new QueryOutput { ["Policy"] = shape }).ConfigureAwait(false);
    }

    private static async Task GetPolicyAsync(QueryCall call)
    {
        var arn = await AuthorizePolicyAsync(call, "GetPolicy").ConfigureAwait(false);
        var policy = await call.Service<IamPolicyService>().GetAsync(call.Account(), arn, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(new QueryOutput { ["Policy"] = IamShapes.Policy(policy) }).ConfigureAwait(false);
    }

    private static async Task DeletePolicyAsync(QueryCall call)
    {
        var arn = await AuthorizePolicyAsync(call, "DeletePolicy").ConfigureAwait(false);
        await call.Service<IamPolicyService>().DeleteAsync(call.Account(), arn, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync().ConfigureAwait(false);
    }

    private static async Task ListPoliciesAsync(QueryCall call)
    {
        await call.AuthorizeListAsync("ListPolicies", "policy").ConfigureAwait(false);
        var page = await call.Service<IamPolicyService>().ListAsync(
            call.Account(), call.Input.String("Scope") ?? "All", call.Input.String("PathPrefix"), call.Input.Bool("OnlyAttached") ?? false,
            IamPaging.Read(call.Input), call.Aborted).ConfigureAwait(false);
        var last = page.Items.Count > 0 ? IamPolicyService.PageKey(page.Items[^1]) : null;
        await call.RespondAsync(IamPaging.Finish(new QueryOutput { ["Policies"] = page.Items.Select(IamShapes.Policy).ToList() }, page.HasMore, last)).ConfigureAwait(false);
    }

    private static async Task CreatePolicyVersionAsync(QueryCall call)
    {
        var arn = await AuthorizePolicyAsync(call, "CreatePolicyVersion").ConfigureAwait(false);
        var version = await call.Service<IamPolicyService>().CreateVersionAsync(
            call.Account(), arn, call.Input.Required("PolicyDocument"), call.Input.Bool("SetAsDefault") ?? false, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(new QueryOutput { ["PolicyVersion"] = IamShapes.Version(version, withDocument: false) }).ConfigureAwait(false);
    }

    private static async Task GetPolicyVersionAsync(QueryCall call)
    {
        var arn = await AuthorizePolicyAsync(call, "GetPolicyVersion").ConfigureAwait(false);
        var version = await call.Service<IamPolicyService>().GetVersionAsync(call.Account(), arn, call.Input.Required("VersionId"), call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(new QueryOutput { ["PolicyVersion"] = IamShapes.Version(version, withDocument: true) }).ConfigureAwait(false);
    }

    private static async Task ListPolicyVersionsAsync(QueryCall call)
    {
        var arn = await AuthorizePolicyAsync(call, "ListPolicyVersions").ConfigureAwait(false);
        var versions = await call.Service<IamPolicyService>().ListVersionsAsync(call.Account(), arn, call.Aborted).ConfigureAwait(false);

        // Newest first, as IAM lists them; the marker is the zero-padded version number counted down.
        await call.RespondAsync(IamPaging.Slice(call.Input, "Versions", versions, v => (int.MaxValue - int.Parse(v.VersionId[1..], System.Globalization.CultureInfo.InvariantCulture)).ToString("D10", System.Globalization.CultureInfo.InvariantCulture),
            v => IamShapes.Version(v, withDocument: false))).ConfigureAwait(false);
    }

    private static async Task DeletePolicyVersionAsync(QueryCall call)
    {
        var arn = await AuthorizePolicyAsync(call, "DeletePolicyVersion").ConfigureAwait(false);
        await call.Service<IamPolicyService>().DeleteVersionAsync(call.Account(), arn, call.Input.Required("VersionId"), call.Aborted).ConfigureAwait(false);
        await call.RespondAsync().ConfigureAwait(false);
    }

    private static async ValueTask<string> AuthorizePolicyAsync(QueryCall call, string action)
    {
        var arn = call.Input.Required("PolicyArn");
        await call.AuthorizeAsync("iam:" + action, arn).ConfigureAwait(false);
        return arn;
    }
}
