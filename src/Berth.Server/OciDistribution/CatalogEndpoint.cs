using System.Text.Json;
using Berth.Core.Images;

namespace Berth.Server.OciDistribution;

/// <summary>GET /v2/_catalog: repository names in lexical order, paged by n and last like tags/list.</summary>
internal static class CatalogEndpoint
{
    public static async Task HandleAsync(HttpContext context, ImageService images)
    {
        var request = Pagination.Read(context.Request);
        var page = await images.ListRepositoriesAsync(request, context.RequestAborted).ConfigureAwait(false);
        Pagination.SetNextLink(context.Response, "/v2/_catalog", request, page, r => r);

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("repositories");
            foreach (var repository in page.Items)
            {
                json.WriteStringValue(repository);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        await JsonResponse.WriteAsync(context, buffer, "application/json").ConfigureAwait(false);
    }
}
