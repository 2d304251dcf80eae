using Berth.Core.Iam;
using Berth.Server.AwsQuery;

namespace Berth.Server.IamApi;

/// <summary>CreateRole (trust policy, MaxSessionDuration 3600..43200), GetRole, ListRoles, DeleteRole.</summary>
internal static class RoleOperations
{
    public static void Register(Dictionary<string, Func<QueryCall, Task>> operations)
    {
        operations.Add("CreateRole", CreateRoleAsync);
        operations.Add("GetRole", GetRoleAsync);
        operations.Add("ListRoles", ListRolesAsync);
        operations.Add("DeleteRole", DeleteRoleAsync);
    }

    private static async Task CreateRoleAsync(QueryCall call)
    {
        var name = call.Input.Required("RoleName");
        var path = call.Input.String("Path") ?? "/";
        Unsupported.Refuse(call.Input, "Tags", "PermissionsBoundary");
        await call.AuthorizeAsync("iam:CreateRole", IamEntity.FormArn(call.Account(), IamEntityKind.Role, path, name)).ConfigureAwait(false);
        var role = await call.Service<IamIdentityService>().CreateAsync(
            call.Account(), IamEntityKind.Role, name, path, call.Aborted, call.Input.String("Description"), call.Input.Required("AssumeRolePolicyDocument"),
            call.Input.Int("MaxSessionDuration")).ConfigureAwait(false);
        var shape = IamShapes.Role(role);
        shape["MaxSessionDuration"] = null;
        await call.RespondAsync(new QueryOutput { ["Role"] = shape }).ConfigureAwait(false);
    }

    private static async Task GetRoleAsync(QueryCall call)
    {
        var role = await call.AuthorizeEntityAsync("GetRole", IamEntityKind.Role, call.Input.Required("RoleName")).ConfigureAwait(false);
        await call.RespondAsync(new QueryOutput { ["Role"] = IamShapes.Role(role) }).ConfigureAwait(false);
    }

    private static async Task ListRolesAsync(QueryCall call)
    {
        await call.AuthorizeListAsync("ListRoles", "role").ConfigureAwait(false);
        var page = await call.Service<IamIdentityService>().ListAsync(call.Account(), IamEntityKind.Role, call.Input.String("PathPrefix"), IamPaging.Read(call.Input), call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(IamPaging.Finish(
            new QueryOutput { ["Roles"] = page.Items.Select(IamShapes.Role).ToList() }, page.HasMore, (page.Items.Count > 0 ? page.Items[^1].Name : null))).ConfigureAwait(false);
    }

    private static async Task DeleteRoleAsync(QueryCall call)
    {
        var role = await call.AuthorizeEntityAsync("DeleteRole", IamEntityKind.Role, call.Input.Required("RoleName")).ConfigureAwait(false);
        await call.Service<IamIdentityService>().DeleteAsync(call.Account(), IamEntityKind.Role, role.Name, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync().ConfigureAwait(false);
    }
}
