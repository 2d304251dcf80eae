using System.Text.Json;
using Berth.Core.Images;
using Berth.Core.Naming;

namespace Berth.Server.OciDistribution;

/// <summary>GET /v2/&lt;name&gt;/tags/list (distribution-spec end-8a/8b): tags in lexical order, paged by n and last.</summary>
internal static class TagEndpoint
{
    public static async Task HandleAsync(HttpContext context, RepositoryName name, ImageService images)
    {
        var request = Pagination.Read(context.Request);
        var page = await images.ListTagsAsync(name, request, context.RequestAborted).ConfigureAwait(false);
        Pagination.SetNextLink(context.Response, $"/v2/{name}/tags/list", request, page, t => t);

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("name", name.Value);
            json.WriteStartArray("tags");
            foreach (var tag in page.Items)
            {
                json.WriteStringValue(tag);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        await JsonResponse.WriteAsync(context, buffer, "application/json").ConfigureAwait(false);
    }
}
