using System.Text;
using Berth.Core.Credentials;
using Berth.Core.Errors;
using Berth.Core.Iam;
using Berth.Core.PublicRegistries;
using Berth.Core.Registries;
using Berth.Server.Authentication;
using Berth.Server.OciDistribution;
using Berth.Server.Registries;

namespace Berth.Server.PublicDistribution;

/// <summary>
/// /v2/ on the public host: <c>/v2/&lt;alias&gt;/&lt;repository&gt;/…</c>, the alias naming the account's public
/// registry. Every request needs a Bearer token (401 with ECR Public's challenge otherwise): one from <c>/token/</c>,
/// whose grants must cover the repository and the action (pull, or push for uploads, manifest PUT and DELETE), or
/// the GetAuthorizationToken value itself (base64 of <c>AWS:&lt;password&gt;</c>), which pulls anything and pushes
/// as policies allow. Basic credentials are refused as ECR Public refuses them (400 DENIED). Pushes are authorized
/// again per request with their ecr-public action; pulls are open to all, at the pull rate of
/// <see cref="PublicPullLimiter"/> (429 TOOMANYREQUESTS). Then the request is served by the same resource handlers as
/// the private face, with the alias kept in the Location headers they write.
/// </summary>
internal static class PublicDistributionEndpoint
{
    public static async Task DispatchAsync(HttpContext context)
    {
        var token = await AuthenticateAsync(context).ConfigureAwait(false);
        var path = context.Request.Path.Value ?? string.Empty;
        var route = OciRoute.Parse(path.Length <= 4 ? string.Empty : path[4..])
            ?? throw new RegistryException(RegistryErrorCode.EndpointNotFound, $"no /v2/ endpoint matches '{context.Request.Path}'");
        if (route.Resource == OciResource.Base)
        {
            await OciDistributionEndpoints.HandleAsync(context, route).ConfigureAwait(false);
            return;
        }

        if (route.Resource == OciResource.Catalog)
        {
            throw new RegistryException(RegistryErrorCode.Unsupported, "The public registries have no catalog: browse them by alias");
        }

        var slash = route.Name.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            throw new RegistryException(RegistryErrorCode.NameInvalid, $"'{route.Name}' is not <registry alias>/<repository>", new { Name = route.Name });
        }

        var (alias, repository) = (route.Name[..slash], route.Name[(slash + 1)..]);
        var method = context.Request.Method;
        var push = route.Resource is OciResource.Uploads or OciResource.Upload || !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method));
        if (!token.Allows(route.Name, push))
        {
            throw PublicChallenge.Create(context, "The token does not grant this action on this repository", $"repository:{route.Name}:{(push ? "pull,push" : "pull")}");
        }

        var services = context.RequestServices;
        var registry = await services.GetRequiredService<PublicRegistryService>().FindByAliasAsync(alias, context.RequestAborted).ConfigureAwait(false)
            ?? throw new RegistryException(RegistryErrorCode.NameUnknown, $"The registry with alias '{alias}' does not exist", new { Name = route.Name });
        var identity = RegistryIdentity.Public(registry.AccountId);
        RequestRegistry.Set(context, identity);
        Principal? principal = null;
        if (token.Principal is { } claimed)
        {
            principal = await services.GetRequiredService<IdentityResolver>().RevalidateAsync(claimed, context.RequestAborted).ConfigureAwait(false)
                ?? throw PublicChallenge.Create(context, "Your authorization token has expired or is invalid. Reauthenticate and try again.");
        }

        if (push)
        {
            // Only an authenticated token can hold push; each request of the push needs its own action. Recorded in the
            // audit trail as the private face records it (ecr-public.amazonaws.com), refusals with what explains them.
            var action = OciActions.Of(route.Resource, method)!.Replace("ecr:", "ecr-public:", StringComparison.Ordinal);
            OciAudit.Begin(context, identity, principal!, route with { Name = repository }, action);
            await AuditTrail.DeniedAuthorization.AuthorizeAsync(context, services.GetRequiredService<IRegistryAuthorizer>(), principal!, identity, action,
                identity.RepositoryArn(repository), RequestConditions.Of(context)).ConfigureAwait(false);
        }
        else if (route.Resource == OciResource.Manifest && !route.Argument.Contains(':', StringComparison.Ordinal)
            && !services.GetRequiredService<PublicPullLimiter>().TryAcquire(context, principal?.AccountId))
        {
            context.Response.Headers.RetryAfter = "1";
            throw new RegistryException(RegistryErrorCode.TooManyRequests, "Rate exceeded");
        }

        KeepAliasInLocations(context, alias, repository);
        if (route.Resource == OciResource.Uploads)
        {
            MountFromThisRegistry(context.Request, alias);
        }

        await OciDistributionEndpoints.HandleAsync(context, route with { Name = repository }).ConfigureAwait(false);
    }

    /// <summary>
    /// A cross-repository mount names its source as clients see it, <c>&lt;alias&gt;/&lt;repository&gt;</c>; the
    /// handlers know the repository alone. A source in another registry is never mounted: the upload starts plainly.
    /// </summary>
    private static void MountFromThisRegistry(HttpRequest request, string alias)
    {
        if (!request.Query.TryGetValue("from", out var from))
        {
            return;
        }

        var query = request.Query.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var prefix = alias + "/";
        if (from.ToString() is var name && name.StartsWith(prefix, StringComparison.Ordinal) && name.Length > prefix.Length)
        {
            query["from"] = name[prefix.Length..];
        }
        else
        {
            query.Remove("from");
            query.Remove("mount");
        }

        request.Query = new QueryCollection(query);
    }

    /// <summary>The token of the request: a /token/ Bearer token, or the GetAuthorizationToken value as a Bearer token.</summary>
    private static async Task<PublicAccessToken> AuthenticateAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            throw new RegistryException(RegistryErrorCode.PublicTokenInvalid, "Your Authorization Token is invalid.");
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            throw PublicChallenge.Create(context, "authentication required");
        }

        var value = header[7..].Trim();
        if (await context.RequestServices.GetRequiredService<PublicAccessTokens>().CheckAsync(value, context.RequestAborted).ConfigureAwait(false) is { } token)
        {
            return token;
        }

        if (AuthorizationTokenPassword(value) is { } password)
        {
            var principal = await PublicTokenEndpoint.PrincipalOfAsync(context, password).ConfigureAwait(false);
            return PublicAccessToken.Unscoped(principal);
        }

        throw PublicChallenge.Create(context, "Your authorization token has expired or is invalid. Reauthenticate and try again.");
    }

    /// <summary>The password inside a GetAuthorizationToken value (base64 of AWS:&lt;password&gt;), or null.</summary>
    private static string? AuthorizationTokenPassword(string value)
    {
        var buffer = new byte[value.Length];
        if (!Convert.TryFromBase64String(value, buffer, out var written))
        {
            return null;
        }

        var decoded = Encoding.UTF8.GetString(buffer, 0, written);
        return decoded.StartsWith("AWS:", StringComparison.Ordinal) ? decoded[4..] : null;
    }

    /// <summary>The shared handlers write <c>/v2/&lt;repository&gt;/…</c>; on this face the path starts with the alias.</summary>
    private static void KeepAliasInLocations(HttpContext context, string alias, string repository)
    {
        var prefix = $"/v2/{repository}/";
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            if (headers.Location.ToString() is { } location && location.StartsWith(prefix, StringComparison.Ordinal))
            {
                headers.Location = $"/v2/{alias}/{repository}/{location[prefix.Length..]}";
            }

            if (headers.Link.ToString() is { Length: > 0 } link)
            {
                headers.Link = link.Replace($"</v2/{repository}/", $"</v2/{alias}/{repository}/", StringComparison.Ordinal);
            }

            return Task.CompletedTask;
        });
    }
}
