using Berth.Core.Iam;
using Berth.Server.AwsQuery;

namespace Berth.Server.IamApi;

/// <summary>
/// The resource each IAM call is authorized on, formed as IAM forms it: an existing entity's ARN (with its path), the
/// ARN the call would create, or the kind's prefix for listings (<c>arn:aws:iam::A:user/</c>).
/// </summary>
internal static class IamResources
{
    /// <summary>Authorizes <c>iam:Action</c> on the named entity and returns it (NoSuchEntity after authorization, as IAM).</summary>
    public static async ValueTask<IamEntity> AuthorizeEntityAsync(this QueryCall call, string action, IamEntityKind kind, string name)
    {
        var service = call.Service<IamIdentityService>();
        var existing = await call.Service<IIamEntityStore>().FindAsync(call.Principal.AccountId, kind, name, call.Aborted).ConfigureAwait(false);
        await call.AuthorizeAsync("iam:" + action, existing?.Arn ?? IamEntity.FormArn(call.Principal.AccountId, kind, "/", name)).ConfigureAwait(false);
        return existing ?? await service.GetAsync(call.Principal.AccountId, kind, name, call.Aborted).ConfigureAwait(false);
    }

    /// <summary>Authorizes a listing of the kind: the resource is <c>arn:aws:iam::ACCOUNT:user/</c> (group/, role/, policy/).</summary>
    public static ValueTask AuthorizeListAsync(this QueryCall call, string action, string kindWord) =>
        call.AuthorizeAsync("iam:" + action, $"arn:aws:iam::{call.Principal.AccountId}:{kindWord}/");

    public static string Account(this QueryCall call) => call.Principal.AccountId;
}
