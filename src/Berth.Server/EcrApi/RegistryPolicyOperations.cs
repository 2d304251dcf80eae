using Berth.Core.Registries;

namespace Berth.Server.EcrApi;

/// <summary>
/// Registry policies: PutRegistryPolicy, GetRegistryPolicy, DeleteRegistryPolicy, on the call's registry (the caller's
/// account, the region of the signature). <c>RegistryAuthorizer</c> enforces the stored policy.
/// See https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutRegistryPolicy.html
/// </summary>
internal static class RegistryPolicyOperations
{
    public static void Register(Dictionary<string, Func<EcrCall, Task>> operations)
    {
        operations.Add("PutRegistryPolicy", PutAsync);
        operations.Add("GetRegistryPolicy", GetAsync);
        operations.Add("DeleteRegistryPolicy", DeleteAsync);
    }

    private static async Task PutAsync(EcrCall call)
    {
        var text = call.String("policyText")!;
        await call.Service<RegistryPolicyService>().PutAsync(text, call.Aborted).ConfigureAwait(false);
        await RespondAsync(call, text).ConfigureAwait(false);
    }

    private static async Task GetAsync(EcrCall call)
    {
        var text = await call.Service<RegistryPolicyService>().GetAsync(call.Aborted).ConfigureAwait(false);
        await RespondAsync(call, text).ConfigureAwait(false);
    }

    private static async Task DeleteAsync(EcrCall call)
    {
        var text = await call.Service<RegistryPolicyService>().DeleteAsync(call.Aborted).ConfigureAwait(false);
        await RespondAsync(call, text).ConfigureAwait(false);
    }

    private static Task RespondAsync(EcrCall call, string text) =>
        call.RespondAsync(json =>
        {
            json.WriteString("registryId", call.Registry.AccountId);
            json.WriteString("policyText", text);
        });
}
