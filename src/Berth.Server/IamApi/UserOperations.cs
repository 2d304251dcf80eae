using Berth.Core.Credentials;
using Berth.Core.Iam;
using Berth.Server.AwsQuery;

namespace Berth.Server.IamApi;

/// <summary>CreateUser, GetUser (the caller when no UserName is given), ListUsers, DeleteUser.</summary>
internal static class UserOperations
{
    public static void Register(Dictionary<string, Func<QueryCall, Task>> operations)
    {
        operations.Add("CreateUser", CreateUserAsync);
        operations.Add("GetUser", GetUserAsync);
        operations.Add("ListUsers", ListUsersAsync);
        operations.Add("DeleteUser", DeleteUserAsync);
    }

    private static async Task CreateUserAsync(QueryCall call)
    {
        var name = call.Input.Required("UserName");
        var path = call.Input.String("Path") ?? "/";
        Unsupported.Refuse(call.Input, "Tags", "PermissionsBoundary");
        await call.AuthorizeAsync("iam:CreateUser", IamEntity.FormArn(call.Account(), IamEntityKind.User, path, name)).ConfigureAwait(false);
        var user = await call.Service<IamIdentityService>().CreateAsync(call.Account(), IamEntityKind.User, name, path, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(new QueryOutput { ["User"] = IamShapes.User(user) }).ConfigureAwait(false);
    }

    private static async Task GetUserAsync(QueryCall call)
    {
        var name = call.Input.String("UserName") ?? (call.Principal.Kind == PrincipalKind.User ? call.Principal.UserName : null);
        if (name is not null)
        {
            var user = await call.AuthorizeEntityAsync("GetUser", IamEntityKind.User, name).ConfigureAwait(false);
            await call.RespondAsync(new QueryOutput { ["User"] = IamShapes.User(user) }).ConfigureAwait(false);
            return;
        }

        // The root (no user entity) describes itself; a role session must name a user.
        await call.Service<IamIdentityService>().GetUserOrCallerAsync(call.Principal, null, call.Aborted).ConfigureAwait(false);
        var created = await call.Service<ICredentialStore>().FindAsync(call.Principal.AccessKeyId, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(new QueryOutput
        {
            ["User"] = new QueryOutput
            {
                ["UserId"] = call.Principal.AccountId,
                ["Arn"] = call.Principal.Arn,
                ["CreateDate"] = created?.CreatedAt ?? DateTimeOffset.UnixEpoch,
            },
        }).ConfigureAwait(false);
    }

    private static async Task ListUsersAsync(QueryCall call)
    {
        await call.AuthorizeListAsync("ListUsers", "user").ConfigureAwait(false);
        var page = await call.Service<IamIdentityService>().ListAsync(call.Account(), IamEntityKind.User, call.Input.String("PathPrefix"), IamPaging.Read(call.Input), call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(IamPaging.Finish(
            new QueryOutput { ["Users"] = page.Items.Select(IamShapes.User).ToList() }, page.HasMore, (page.Items.Count > 0 ? page.Items[^1].Name : null))).ConfigureAwait(false);
    }

    private static async Task DeleteUserAsync(QueryCall call)
    {
        var user = await call.AuthorizeEntityAsync("DeleteUser", IamEntityKind.User, call.Input.Required("UserName")).ConfigureAwait(false);
        await call.Service<IamIdentityService>().DeleteAsync(call.Account(), IamEntityKind.User, user.Name, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync().ConfigureAwait(false);
    }
}
