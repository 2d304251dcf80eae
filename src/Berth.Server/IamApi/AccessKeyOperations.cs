using Berth.Core.Credentials;
using Berth.Core.Iam;
using Berth.Server.AwsQuery;

namespace Berth.Server.IamApi;

/// <summary>
/// CreateAccessKey (the secret is in this response only), ListAccessKeys, UpdateAccessKey (Active/Inactive, effective
/// on the next request), DeleteAccessKey. Without UserName they act on the caller's own keys (a user's, or root's).
/// </summary>
internal static class AccessKeyOperations
{
    public static void Register(Dictionary<string, Func<QueryCall, Task>> operations)
    {
        operations.Add("CreateAccessKey", CreateAccessKeyAsync);
        operations.Add("ListAccessKeys", ListAccessKeysAsync);
        operations.Add("UpdateAccessKey", UpdateAccessKeyAsync);
        operations.Add("DeleteAccessKey", DeleteAccessKeyAsync);
    }

    private static async Task CreateAccessKeyAsync(QueryCall call)
    {
        var (ownerArn, userName) = await OwnerAsync(call, "CreateAccessKey").ConfigureAwait(false);
        var (key, secret) = await call.Service<AccessKeyService>().CreateAsync(call.Account(), ownerArn, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(new QueryOutput
        {
            ["AccessKey"] = new QueryOutput
            {
                ["UserName"] = userName,
                ["AccessKeyId"] = key.AccessKeyId,
                ["Status"] = key.Status,
                ["SecretAccessKey"] = secret,
                ["CreateDate"] = key.CreatedAt,
            },
        }).ConfigureAwait(false);
    }

    private static async Task ListAccessKeysAsync(QueryCall call)
    {
        var (ownerArn, userName) = await OwnerAsync(call, "ListAccessKeys").ConfigureAwait(false);
        var keys = await call.Service<AccessKeyService>().ListAsync(ownerArn, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(IamPaging.Slice(call.Input, "AccessKeyMetadata", keys, k => k.AccessKeyId, k => IamShapes.AccessKeyMetadata(userName!, k))).ConfigureAwait(false);
    }

    private static async Task UpdateAccessKeyAsync(QueryCall call)
    {
        var (ownerArn, _) = await OwnerAsync(call, "UpdateAccessKey").ConfigureAwait(false);
        await call.Service<AccessKeyService>().SetStatusAsync(ownerArn, call.Input.Required("AccessKeyId"), call.Input.Required("Status"), call.Aborted).ConfigureAwait(false);
        await call.RespondAsync().ConfigureAwait(false);
    }

    private static async Task DeleteAccessKeyAsync(QueryCall call)
    {
        var (ownerArn, _) = await OwnerAsync(call, "DeleteAccessKey").ConfigureAwait(false);
        await call.Service<AccessKeyService>().DeleteAsync(ownerArn, call.Input.Required("AccessKeyId"), call.Aborted).ConfigureAwait(false);
        await call.RespondAsync().ConfigureAwait(false);
    }

    /// <summary>The keys' owner: the named user, else the calling user or root; authorized on the user's ARN.</summary>
    private static async ValueTask<(string OwnerArn, string? UserName)> OwnerAsync(QueryCall call, string action)
    {
        var name = call.Input.String("UserName") ?? call.Principal.Kind switch
        {
            PrincipalKind.User => call.Principal.UserName,
            PrincipalKind.Root => null,
            _ => throw IamException.Validation("Must specify userName when calling with non-User credentials"),
        };
        if (name is null)
        {
            return (call.Principal.Arn, null);
        }

        var user = await call.AuthorizeEntityAsync(action, IamEntityKind.User, name).ConfigureAwait(false);
        return (user.Arn, user.Name);
    }
}
