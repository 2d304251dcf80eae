using System.Text.Json;
using Berth.Core.Content;
using Berth.Core.Images;
using Berth.Core.Naming;

namespace Berth.Server.OciDistribution;

/// <summary>
/// GET /v2/&lt;name&gt;/referrers/&lt;digest&gt; (distribution-spec end-12a/12b): an OCI index of the manifests whose
/// subject is the digest, filtered by artifactType; never 404.
/// </summary>
internal static class ReferrerEndpoint
{
    public static async Task HandleAsync(HttpContext context, RepositoryName name, string digest, ImageService images)
    {
        var subject = References.Digest(digest);
        var artifactType = context.Request.Query["artifactType"].ToString();
        var filter = artifactType.Length == 0 ? null : artifactType;
        var referrers = await images.ListReferrersAsync(name, subject, filter, context.RequestAborted).ConfigureAwait(false);
        if (filter is not null)
        {
            context.Response.Headers[OciHeaders.FiltersApplied] = "artifactType";
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", 2);
            json.WriteString("mediaType", MediaTypes.OciIndex);
            json.WriteStartArray("manifests");
            foreach (var referrer in referrers)
            {
                json.WriteStartObject();
                json.WriteString("mediaType", referrer.MediaType);
                json.WriteString("digest", referrer.Digest.ToString());
                json.WriteNumber("size", referrer.Size);
                if (referrer.ArtifactType is not null)
                {
                    json.WriteString("artifactType", referrer.ArtifactType);
                }

                if (referrer.Annotations is { Count: > 0 })
                {
                    json.WriteStartObject("annotations");
                    foreach (var (key, value) in referrer.Annotations)
                    {
                        json.WriteString(key, value);
                    }

                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        await JsonResponse.WriteAsync(context, buffer, MediaTypes.OciIndex).ConfigureAwait(false);
    }
}
