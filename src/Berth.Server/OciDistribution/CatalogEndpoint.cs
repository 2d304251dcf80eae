using System.Text.Json;
using Berth.Core.Credentials;
using Berth.Core.Errors;
using Berth.Core.Images;
using Berth.Core.Registries;
using Berth.Server.Authentication;

namespace Berth.Server.OciDistribution;

/// <summary>
/// GET /v2/_catalog: repository names in lexical order, paged by n and last like tags/list. With an authenticated
/// caller only the repositories it may describe (ecr:DescribeRepositories on each) are listed, so a page may hold
/// fewer than n names while the Link header still leads on.
/// </summary>
internal static class CatalogEndpoint
{
    public static async Task HandleAsync(HttpContext context, ImageService images)
    {
        var request = Pagination.Read(context.Request);
        var page = await images.ListRepositoriesAsync(request, context.RequestAborted).ConfigureAwait(false);
        Pagination.SetNextLink(context.Response, "/v2/_catalog", request, page, r => r);
        var visible = page.Items;
        if (context.Items[typeof(Principal)] is Principal principal)
        {
            var registry = context.RequestServices.GetRequiredService<RegistryIdentity>();
            var authorizer = context.RequestServices.GetRequiredService<IRegistryAuthorizer>();
            var conditions = RequestConditions.Of(context);
            var allowed = new List<string>(page.Items.Count);
            foreach (var name in page.Items)
            {
                try
                {
                    await authorizer.AuthorizeAsync(principal, registry, "ecr:DescribeRepositories", registry.RepositoryArn(name), conditions, context.RequestAborted).ConfigureAwait(false);
                    allowed.Add(name);
                }
                catch (RegistryException e) when (e.Error == EcrErrors.AccessDenied)
                {
                }
            }

            visible = allowed;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("repositories");
            foreach (var repository in visible)
            {
                json.WriteStringValue(repository);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        await JsonResponse.WriteAsync(context, buffer, "application/json").ConfigureAwait(false);
    }
}
