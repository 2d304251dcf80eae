using Berth.Core.Iam;
using Berth.Server.AwsQuery;

namespace Berth.Server.IamApi;

/// <summary>Put/Get/List/Delete of inline policies, the same four operations for users, groups and roles.</summary>
internal static class InlinePolicyOperations
{
    public static void Register(Dictionary<string, Func<QueryCall, Task>> operations)
    {
        foreach (var kind in new[] { IamEntityKind.User, IamEntityKind.Group, IamEntityKind.Role })
        {
            var word = Word(kind);
            operations.Add($"Put{word}Policy", call => PutAsync(call, kind));
            operations.Add($"Get{word}Policy", call => GetAsync(call, kind));
            operations.Add($"List{word}Policies", call => ListAsync(call, kind));
            operations.Add($"Delete{word}Policy", call => DeleteAsync(call, kind));
        }
    }

    /// <summary>User, Group, Role: as in the operation and member names.</summary>
    public static string Word(IamEntityKind kind) => kind switch { IamEntityKind.User => "User", IamEntityKind.Group => "Group", _ => "Role" };

    private static async Task PutAsync(QueryCall call, IamEntityKind kind)
    {
        var entity = await call.AuthorizeEntityAsync($"Put{Word(kind)}Policy", kind, call.Input.Required(Word(kind) + "Name")).ConfigureAwait(false);
        await call.Service<IamPolicyService>().PutInlineAsync(entity, call.Input.Required("PolicyName"), call.Input.Required("PolicyDocument"), call.Aborted).ConfigureAwait(false);
        await call.RespondAsync().ConfigureAwait(false);
    }

    private static async Task GetAsync(QueryCall call, IamEntityKind kind)
    {
        var entity = await call.AuthorizeEntityAsync($"Get{Word(kind)}Policy", kind, call.Input.Required(Word(kind) + "Name")).ConfigureAwait(false);
        var (name, document) = await call.Service<IamPolicyService>().GetInlineAsync(entity, call.Input.Required("PolicyName"), call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(new QueryOutput
        {
            [Word(kind) + "Name"] = entity.Name,
            ["PolicyName"] = name,
            ["PolicyDocument"] = document,
        }).ConfigureAwait(false);
    }

    private static async Task ListAsync(QueryCall call, IamEntityKind kind)
    {
        var entity = await call.AuthorizeEntityAsync($"List{Word(kind)}Policies", kind, call.Input.Required(Word(kind) + "Name")).ConfigureAwait(false);
        var policies = await call.Service<IIamEntityStore>().ListInlinePoliciesAsync(entity, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(IamPaging.Slice(call.Input, "PolicyNames", [.. policies.Select(p => p.Name)], n => n, n => n)).ConfigureAwait(false);
    }

    private static async Task DeleteAsync(QueryCall call, IamEntityKind kind)
    {
        var entity = await call.AuthorizeEntityAsync($"Delete{Word(kind)}Policy", kind, call.Input.Required(Word(kind) + "Name")).ConfigureAwait(false);
        await call.Service<IamPolicyService>().DeleteInlineAsync(entity, call.Input.Required("PolicyName"), call.Aborted).ConfigureAwait(false);
        await call.RespondAsync().ConfigureAwait(false);
    }
}
