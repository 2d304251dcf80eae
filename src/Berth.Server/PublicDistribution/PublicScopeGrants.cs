using Berth.Core.Credentials;
using Berth.Core.Errors;
using Berth.Core.IamPolicies;
using Berth.Core.PublicRegistries;
using Berth.Core.Registries;
using Berth.Server.Authentication;
using Berth.Server.Registries;

namespace Berth.Server.PublicDistribution;

/// <summary>
/// Decides what a token request gets for its scopes (<c>repository:&lt;alias&gt;/&lt;name&gt;:pull,push</c>; others,
/// such as ECR Public's <c>aws</c>, grant nothing): pull on any repository of a public registry, to anyone; push only
/// to an authenticated caller whose policies allow ecr-public:InitiateLayerUpload and ecr-public:PutImage on the
/// repository (each request of the push is authorized again with its own action). A scope whose alias names no
/// registry is left out.
/// </summary>
internal static class PublicScopeGrants
{
    public static async Task<List<PublicGrant>> DecideAsync(HttpContext context, IEnumerable<string> scopes, Principal? principal)
    {
        var grants = new List<PublicGrant>();
        var registries = context.RequestServices.GetRequiredService<PublicRegistryService>();
        foreach (var scope in scopes.SelectMany(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
        {
            var parts = scope.Split(':');
            if (parts.Length != 3 || parts[0] != "repository")
            {
                continue;
            }

            var (name, actions) = (parts[1], parts[2].Split(','));
            var slash = name.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || await registries.FindByAliasAsync(name[..slash], context.RequestAborted).ConfigureAwait(false) is not { } registry)
            {
                continue;
            }

            var push = principal is not null && actions.Any(a => a is "push" or "*")
                && await MayPushAsync(context, principal, RegistryIdentity.Public(registry.AccountId), name[(slash + 1)..]).ConfigureAwait(false);
            var pull = actions.Any(a => a is "pull" or "*");
            if (pull || push)
            {
                grants.RemoveAll(g => g.Name == name);
                grants.Add(new PublicGrant(name, pull || push, push));
            }
        }

        return grants;
    }

    private static async Task<bool> MayPushAsync(HttpContext context, Principal principal, RegistryIdentity registry, string repository)
    {
        // A scope of its own: the authorizer reads the repository store of the registry it is built for.
        await using var scope = context.RequestServices.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<RequestRegistry>().Current = registry;
        var authorizer = scope.ServiceProvider.GetRequiredService<IRegistryAuthorizer>();
        var conditions = RequestConditions.Of(context);
        try
        {
            foreach (var action in (string[])[EcrPublicActions.InitiateLayerUpload, EcrPublicActions.PutImage])
            {
                await authorizer.AuthorizeAsync(principal, registry, action, registry.RepositoryArn(repository), conditions, context.RequestAborted).ConfigureAwait(false);
            }

            return true;
        }
        catch (RegistryException e) when (e.Error == EcrErrors.AccessDenied)
        {
            return false;
        }
    }
}
