using Berth.Core.Repositories;

namespace Berth.Server.EcrApi;

/// <summary>
/// Repository policies: SetRepositoryPolicy, GetRepositoryPolicy, DeleteRepositoryPolicy. The text is stored as given
/// once the policy parser accepts it as a resource-based policy, and <c>RegistryAuthorizer</c> enforces it.
/// </summary>
internal static class RepositoryPolicyOperations
{
    public static void Register(Dictionary<string, Func<EcrCall, Task>> operations)
    {
        operations.Add("SetRepositoryPolicy", SetAsync);
        operations.Add("GetRepositoryPolicy", GetAsync);
        operations.Add("DeleteRepositoryPolicy", DeleteAsync);
    }

    // `force` (accepted, as the model requires) skips ECR's lock-out check; Berth does not make that check, so every
    // valid policy is stored and the account root can always replace or delete it.
    private static async Task SetAsync(EcrCall call)
    {
        var name = call.RepositoryName();
        var text = call.String("policyText")!;
        await call.Service<RepositoryService>().SetPolicyAsync(name, text, call.Aborted).ConfigureAwait(false);
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
            json.WriteString("policyText", text);
        });
}
