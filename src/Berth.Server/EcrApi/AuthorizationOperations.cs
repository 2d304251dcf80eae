using System.Text;
using Berth.Core.Credentials;

namespace Berth.Server.EcrApi;

/// <summary>
/// GetAuthorizationToken: the registry password docker login uses, valid for 12 hours in the call's region; the
/// proxyEndpoint is the call's registry (the scheme follows the request, X-Forwarded-Proto when Berth:TrustForwardedHeaders).
/// </summary>
internal static class AuthorizationOperations
{
    public static void Register(Dictionary<string, Func<EcrCall, Task>> operations) =>
        operations.Add("GetAuthorizationToken", GetAuthorizationTokenAsync);

    private static async Task GetAuthorizationTokenAsync(EcrCall call)
    {
        var (token, expiresAt) = await call.Service<RegistryTokenService>().IssueAsync(call.Principal, call.Registry.Region, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WriteStartArray("authorizationData");
            json.WriteStartObject();
            json.WriteString("authorizationToken", Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:" + token)));
            EcrCall.WriteTimestamp(json, "expiresAt", expiresAt);
            json.WriteString("proxyEndpoint", $"{call.Context.Request.Scheme}://{call.RegistryHost}");
            json.WriteEndObject();
            json.WriteEndArray();
        }).ConfigureAwait(false);
    }
}
