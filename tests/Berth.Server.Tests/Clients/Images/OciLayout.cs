using System.Text.Json;

namespace Berth.Server.Tests.Clients.Images;

/// <summary>Reads an OCI image layout that a client (skopeo) wrote, to compare it with what was pushed.</summary>
public static class OciLayout
{
    /// <summary>The descriptor index.json lists under <paramref name="tag"/>; throws when there is none.</summary>
    public static OciDescriptor Find(string directory, string tag)
    {
        using var index = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, "index.json")));
        foreach (var entry in index.RootElement.GetProperty("manifests").EnumerateArray())
        {
            if (entry.TryGetProperty("annotations", out var annotations) &&
                annotations.TryGetProperty(OciMediaTypes.RefNameAnnotation, out var name) &&
                name.GetString() == tag)
            {
                return new OciDescriptor(entry.GetProperty("mediaType").GetString()!, entry.GetProperty("digest").GetString()!, entry.GetProperty("size").GetInt64());
            }
        }

        throw new InvalidOperationException($"{directory}/index.json lists no manifest tagged '{tag}'");
    }

    public static byte[] ReadBlob(string directory, string digest) =>
        File.ReadAllBytes(Path.Combine(directory, "blobs", "sha256", digest["sha256:".Length..]));
}
