using Berth.Core.Credentials;
using Berth.Core.Errors;

namespace Berth.Core.Registries;

/// <summary>
/// The authorization until IAM exists: an account's principals may do everything in its own registries and nothing
/// in another account's (or in an account this deployment does not host), which is what ECR answers when no
/// resource-based policy grants cross-account access.
/// </summary>
public sealed class RegistryAuthorizer : IRegistryAuthorizer
{
    public ValueTask AuthorizeAsync(Principal principal, RegistryIdentity registry, string action, string resourceArn, CancellationToken cancellationToken) =>
        principal.AccountId == registry.AccountId ? ValueTask.CompletedTask : throw Denied(principal, action, resourceArn);

    /// <summary>ECR's refusal when no policy allows an action.</summary>
    public static RegistryException Denied(Principal principal, string action, string resourceArn) =>
        new(EcrErrors.AccessDenied,
            $"User: {principal.Arn} is not authorized to perform: {action} on resource: {resourceArn} because no resource-based policy allows the {action} action");
}
