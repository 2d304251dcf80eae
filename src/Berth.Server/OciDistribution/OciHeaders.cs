using Berth.Core.Content;
using Berth.Core.Naming;

namespace Berth.Server.OciDistribution;

/// <summary>The response headers the distribution-spec requires, set in one place per response kind.</summary>
internal static class OciHeaders
{
    public const string ApiVersion = "Docker-Distribution-Api-Version";
    public const string ApiVersionValue = "registry/2.0";
    public const string ContentDigest = "Docker-Content-Digest";
    public const string UploadUuid = "Docker-Upload-UUID";
    public const string ChunkMinLength = "OCI-Chunk-Min-Length";
    public const string Subject = "OCI-Subject";
    public const string FiltersApplied = "OCI-Filters-Applied";

    /// <summary>Headers of a blob or manifest body (GET and HEAD alike).</summary>
    public static void Content(HttpResponse response, Digest digest, string contentType, long length)
    {
        response.ContentType = contentType;
        response.ContentLength = length;
        response.Headers[ContentDigest] = digest.ToString();
        response.Headers.ETag = $"\"{digest}\"";
    }

    /// <summary>202/204 answers about an upload in progress.</summary>
    public static void UploadProgress(HttpResponse response, RepositoryName name, string id, long size)
    {
        response.Headers.Location = UploadLocation(name, id);
        response.Headers[UploadUuid] = id;
        response.Headers.Range = RangeOf(size);
        response.ContentLength = 0;
    }

    /// <summary>201 after a blob is stored.</summary>
    public static void BlobCreated(HttpResponse response, RepositoryName name, Digest digest)
    {
        response.StatusCode = StatusCodes.Status201Created;
        response.Headers.Location = $"/v2/{name}/blobs/{digest}";
        response.Headers[ContentDigest] = digest.ToString();
        response.ContentLength = 0;
    }

    public static string UploadLocation(RepositoryName name, string id) => $"/v2/{name}/blobs/uploads/{id}";

    /// <summary>"0-&lt;last byte&gt;", and "0-0" for an empty upload, as distribution answers.</summary>
    public static string RangeOf(long size) => $"0-{Math.Max(0, size - 1)}";
}
