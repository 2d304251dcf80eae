using Berth.Core.Iam;
using Berth.Server.AwsQuery;

namespace Berth.Server.IamApi;

/// <summary>Attach/Detach/ListAttached policies of users, groups and roles (customer or AWS managed).</summary>
internal static class AttachmentOperations
{
    public static void Register(Dictionary<string, Func<QueryCall, Task>> operations)
    {
        foreach (var kind in new[] { IamEntityKind.User, IamEntityKind.Group, IamEntityKind.Role })
        {
            var word = InlinePolicyOperations.Word(kind);
            operations.Add($"Attach{word}Policy", call => AttachAsync(call, kind, detach: false));
            operations.Add($"Detach{word}Policy", call => AttachAsync(call, kind, detach: true));
            operations.Add($"ListAttached{word}Policies", call => ListAsync(call, kind));
        }
    }

    private static async Task AttachAsync(QueryCall call, IamEntityKind kind, bool detach)
    {
        var word = InlinePolicyOperations.Word(kind);
        var entity = await call.AuthorizeEntityAsync($"{(detach ? "Detach" : "Attach")}{word}Policy", kind, call.Input.Required(word + "Name")).ConfigureAwait(false);
        var policies = call.Service<IamPolicyService>();
        var arn = call.Input.Required("PolicyArn");
        if (detach)
        {
            await policies.DetachAsync(entity, arn, call.Aborted).ConfigureAwait(false);
        }
        else
        {
            await policies.AttachAsync(entity, arn, call.Aborted).ConfigureAwait(false);
        }

        await call.RespondAsync().ConfigureAwait(false);
    }

    private static async Task ListAsync(QueryCall call, IamEntityKind kind)
    {
        var word = InlinePolicyOperations.Word(kind);
        var entity = await call.AuthorizeEntityAsync($"ListAttached{word}Policies", kind, call.Input.Required(word + "Name")).ConfigureAwait(false);
        var prefix = call.Input.String("PathPrefix") ?? "/";
        var attached = (await call.Service<IamPolicyService>().ListAttachedAsync(entity, call.Aborted).ConfigureAwait(false))
            .Where(p => PolicyPath(p.Arn).StartsWith(prefix, StringComparison.Ordinal)).ToList();
        await call.RespondAsync(IamPaging.Slice(call.Input, "AttachedPolicies", attached, p => p.Arn,
            p => new QueryOutput { ["PolicyName"] = p.Name, ["PolicyArn"] = p.Arn })).ConfigureAwait(false);
    }

    /// <summary>The path of a policy ARN: <c>arn:aws:iam::A:policy/team/p</c> has path <c>/team/</c>.</summary>
    private static string PolicyPath(string arn)
    {
        var start = arn.IndexOf(":policy/", StringComparison.Ordinal) + ":policy".Length;
        return arn[start..(arn.LastIndexOf('/') + 1)];
    }
}
