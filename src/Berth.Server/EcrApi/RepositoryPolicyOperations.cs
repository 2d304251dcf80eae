using Berth.Core.Errors;
using Berth.Core.Registries;
using Berth.Core.Repositories;
using Berth.Server.Authentication;

namespace Berth.Server.EcrApi;

/// <summary>
/// Repository policies: SetRepositoryPolicy, GetRepositoryPolicy, DeleteRepositoryPolicy. The text is stored as given
/// once <see cref="RepositoryPolicyText"/> accepts it, answered in ECR's normalized form, and enforced by <c>RegistryAuthorizer</c>.
/// </summary>
internal static class RepositoryPolicyOperations
{
    public static void Register(Dictionary<string, Func<EcrCall, Task>> operations)
    {
        operations.Add("SetRepositoryPolicy", SetAsync);
        operations.Add("GetRepositoryPolicy", GetAsync);
        operations.Add("DeleteRepositoryPolicy", DeleteAsync);
    }

    /// <summary>The refusal of a policy that would lock its caller out (ECR documents the check, not its wording).</summary>
    public const string LockOutMessage =
        "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'The repository policy would prevent you from setting another policy in the future; use force to set it anyway'";

    // Without `force`, ECR refuses a policy "that would prevent you from setting another policy in the future" (the
    // model's ForceFlag): the caller, with the new policy in place, must still be allowed ecr:SetRepositoryPolicy.
    private static async Task SetAsync(EcrCall call)
    {
        var name = call.RepositoryName();
        var text = call.String("policyText")!;
        var repositories = call.Service<RepositoryService>();
        RepositoryService.ValidatePolicy(text);
        if (call.Bool("force") != true)
        {
            _ = await repositories.GetAsync(name, call.Aborted).ConfigureAwait(false);
            var allowed = await call.Service<IRegistryAuthorizer>().WouldAllowAsync(
                call.Principal, call.Registry, "ecr:SetRepositoryPolicy", call.Registry.RepositoryArn(name.Value), RequestConditions.Of(call.Context), text, call.Aborted).ConfigureAwait(false);
            if (!allowed)
            {
                throw new RegistryException(EcrErrors.InvalidParameter, LockOutMessage);
            }
        }

        await repositories.SetPolicyAsync(name, text, call.Aborted).ConfigureAwait(false);
        await RespondAsync(call, name.Value, text).ConfigureAwait(false);
    }

    private static async Task GetAsync(EcrCall call)
    {
        var name = call.RepositoryName();
        var text = await call.Service<RepositoryService>().GetPolicyAsync(name, call.Aborted).ConfigureAwait(false);
        await RespondAsync(call, name.Value, text).ConfigureAwait(false);
    }

    private static async Task DeleteAsync(EcrCall call)
    {
        var name = call.RepositoryName();
        var text = await call.Service<RepositoryService>().DeletePolicyAsync(name, call.Aborted).ConfigureAwait(false);
        await RespondAsync(call, name.Value, text).ConfigureAwait(false);
    }

    private static Task RespondAsync(EcrCall call, string repository, string text) =>
        call.RespondAsync(json =>
        {
            json.WriteString("registryId", call.Registry.AccountId);
            json.WriteString("repositoryName", repository);
            json.WriteString("policyText", RepositoryPolicyText.Normalize(text));
        });
}
