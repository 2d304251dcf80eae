using Berth.Core.Credentials;
using Berth.Core.IamPolicies;

namespace Berth.Core.Iam;

/// <summary>The authenticated <see cref="Principal"/> as the policy evaluator sees it.</summary>
public static class PrincipalMapping
{
    public static RequestPrincipal ToRequestPrincipal(this Principal principal) => new(
        principal.Kind switch
        {
            PrincipalKind.User => PrincipalType.User,
            PrincipalKind.AssumedRole => PrincipalType.AssumedRole,
            _ => PrincipalType.Root,
        },
        principal.Arn,
        principal.AccountId,
        principal.UserName,
        principal.UniqueId,
        principal.RoleArn);
}
