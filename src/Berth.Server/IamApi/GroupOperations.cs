using Berth.Core.Iam;
using Berth.Server.AwsQuery;

namespace Berth.Server.IamApi;

/// <summary>CreateGroup, GetGroup (with its users), ListGroups, DeleteGroup, AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser.</summary>
internal static class GroupOperations
{
    public static void Register(Dictionary<string, Func<QueryCall, Task>> operations)
    {
        operations.Add("CreateGroup", CreateGroupAsync);
        operations.Add("GetGroup", GetGroupAsync);
        operations.Add("ListGroups", ListGroupsAsync);
        operations.Add("DeleteGroup", DeleteGroupAsync);
        operations.Add("AddUserToGroup", call => MembershipAsync(call, "AddUserToGroup"));
        operations.Add("RemoveUserFromGroup", call => MembershipAsync(call, "RemoveUserFromGroup"));
        operations.Add("ListGroupsForUser", ListGroupsForUserAsync);
    }

    private static async Task CreateGroupAsync(QueryCall call)
    {
        var name = call.Input.Required("GroupName");
        var path = call.Input.String("Path") ?? "/";
        await call.AuthorizeAsync("iam:CreateGroup", IamEntity.FormArn(call.Account(), IamEntityKind.Group, path, name)).ConfigureAwait(false);
        var group = await call.Service<IamIdentityService>().CreateAsync(call.Account(), IamEntityKind.Group, name, path, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(new QueryOutput { ["Group"] = IamShapes.Group(group) }).ConfigureAwait(false);
    }

    private static async Task GetGroupAsync(QueryCall call)
    {
        var group = await call.AuthorizeEntityAsync("GetGroup", IamEntityKind.Group, call.Input.Required("GroupName")).ConfigureAwait(false);
        var (_, users) = await call.Service<IamIdentityService>().GetGroupAsync(call.Account(), group.Name, call.Aborted).ConfigureAwait(false);
        var output = IamPaging.Slice(call.Input, "Users", users, u => u.Name.ToUpperInvariant(), u => IamShapes.User(u));
        output["Group"] = IamShapes.Group(group);
        await call.RespondAsync(output).ConfigureAwait(false);
    }

    private static async Task ListGroupsAsync(QueryCall call)
    {
        await call.AuthorizeListAsync("ListGroups", "group").ConfigureAwait(false);
        var page = await call.Service<IamIdentityService>().ListAsync(call.Account(), IamEntityKind.Group, call.Input.String("PathPrefix"), IamPaging.Read(call.Input), call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(IamPaging.Finish(
            new QueryOutput { ["Groups"] = page.Items.Select(IamShapes.Group).ToList() }, page.HasMore, (page.Items.Count > 0 ? page.Items[^1].Name : null))).ConfigureAwait(false);
    }

    private static async Task DeleteGroupAsync(QueryCall call)
    {
        var group = await call.AuthorizeEntityAsync("DeleteGroup", IamEntityKind.Group, call.Input.Required("GroupName")).ConfigureAwait(false);
        await call.Service<IamIdentityService>().DeleteAsync(call.Account(), IamEntityKind.Group, group.Name, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync().ConfigureAwait(false);
    }

    private static async Task MembershipAsync(QueryCall call, string action)
    {
        var group = await call.AuthorizeEntityAsync(action, IamEntityKind.Group, call.Input.Required("GroupName")).ConfigureAwait(false);
        var service = call.Service<IamIdentityService>();
        var userName = call.Input.Required("UserName");
        if (action == "AddUserToGroup")
        {
            await service.AddUserToGroupAsync(call.Account(), group.Name, userName, call.Aborted).ConfigureAwait(false);
        }
        else
        {
            await service.RemoveUserFromGroupAsync(call.Account(), group.Name, userName, call.Aborted).ConfigureAwait(false);
        }

        await call.RespondAsync().ConfigureAwait(false);
    }

    private static async Task ListGroupsForUserAsync(QueryCall call)
    {
        var user = await call.AuthorizeEntityAsync("ListGroupsForUser", IamEntityKind.User, call.Input.Required("UserName")).ConfigureAwait(false);
        var groups = await call.Service<IamIdentityService>().ListGroupsForUserAsync(call.Account(), user.Name, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(IamPaging.Slice(call.Input, "Groups", groups, g => g.Name.ToUpperInvariant(), g => IamShapes.Group(g))).ConfigureAwait(false);
    }
}
