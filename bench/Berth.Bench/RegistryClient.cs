using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Berth.Bench;

/// <summary>
/// The /v2/ requests of the generator's workloads. Every request asks <c>node</c> where to go: round-robin over a
/// cluster's nodes (<see cref="Nodes.Next()"/>, so one upload's requests are spread), or one pinned node.
/// </summary>
internal sealed class RegistryClient(HttpClient http, Nodes nodes)
{
    public const string ManifestType = "application/vnd.oci.image.manifest.v1+json";

    public async Task PushMonolithic(string repo, Source blob, Func<Uri> node)
    {
        var location = await StartUpload(repo, node);
        using var request = new HttpRequestMessage(HttpMethod.Put, WithDigest(Nodes.Rebase(node(), location), blob.Digest))
        {
            Content = new SourceContent(blob, 0, blob.Length, chunked: false),
        };
        using var response = await http.SendAsync(request);
        Expect(response, HttpStatusCode.Created);
    }

    public async Task PushChunked(string repo, Source blob, int chunk, Func<Uri> node)
    {
        var location = await StartUpload(repo, node);
        for (long offset = 0; offset < blob.Length; offset += chunk)
        {
            var count = Math.Min(chunk, blob.Length - offset);
            var content = new SourceContent(blob, offset, count, chunked: false);
            content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + count - 1}");
            using var request = new HttpRequestMessage(HttpMethod.Patch, Nodes.Rebase(node(), location)) { Content = content };
            using var response = await http.SendAsync(request);
            Expect(response, HttpStatusCode.Accepted);
            location = Location(response);
        }
        await Complete(location, blob.Digest, node);
    }

    public async Task PushStreamed(string repo, Source blob, Func<Uri> node)
    {
        var location = await StartUpload(repo, node);
        using var request = new HttpRequestMessage(HttpMethod.Patch, Nodes.Rebase(node(), location))
        {
            Content = new SourceContent(blob, 0, blob.Length, chunked: true),
        };
        request.Headers.TransferEncodingChunked = true;
        using var response = await http.SendAsync(request);
        Expect(response, HttpStatusCode.Accepted);
        await Complete(Location(response), blob.Digest, node);
    }

    public async Task Pull(string repo, Source blob, Func<Uri> node)
    {
        using var response = await http.GetAsync(new Uri(node(), $"/v2/{repo}/blobs/{blob.Digest}"), HttpCompletionOption.ResponseHeadersRead);
        Expect(response, HttpStatusCode.OK);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        long total = 0;
        int n;
        while ((n = await body.ReadAsync(buffer)) > 0)
        {
            total += n;
        }
        ArrayPool<byte>.Shared.Return(buffer);
        if (total != blob.Length)
        {
            throw new InvalidOperationException($"pulled {total} bytes, expected {blob.Length}");
        }
    }

    /// <summary>A one-layer image (config and a 4 KiB random layer) tagged <paramref name="tag"/>, its requests spread.</summary>
    public async Task<(byte[] Manifest, string Layer)> PushImage(string repo, string tag)
    {
        var config = Encoding.UTF8.GetBytes(
            """{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:0000000000000000000000000000000000000000000000000000000000000000"]},"config":{}}""");
        var layer = RandomNumberGenerator.GetBytes(4096);
        var configDigest = await PushSmallBlob(repo, config);
        var layerDigest = await PushSmallBlob(repo, layer);
        var manifest = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $$"""{"schemaVersion":2,"mediaType":"{{ManifestType}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{configDigest}}","size":{{config.Length}}},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{layerDigest}}","size":{{layer.Length}}}]}"""));
        await PutManifest(repo, tag, manifest);
        return (manifest, layerDigest);
    }

    public async Task PutManifest(string repo, string tag, byte[] manifest)
    {
        using var content = new ByteArrayContent(manifest);
        content.Headers.ContentType = new MediaTypeHeaderValue(ManifestType);
        using var response = await http.PutAsync(nodes.Next($"/v2/{repo}/manifests/{tag}"), content);
        Expect(response, HttpStatusCode.Created);
    }

    public static void Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
        {
            var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            throw new InvalidOperationException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode}, expected {(int)status}: {body}");
        }
    }

    private async Task<string> PushSmallBlob(string repo, byte[] bytes)
    {
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
        var location = await StartUpload(repo, nodes.Next);
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await http.PutAsync(WithDigest(Nodes.Rebase(nodes.Next(), location), digest), content);
        Expect(response, HttpStatusCode.Created);
        return digest;
    }

    private async Task<Uri> StartUpload(string repo, Func<Uri> node)
    {
        using var response = await http.PostAsync(new Uri(node(), $"/v2/{repo}/blobs/uploads/"), null);
        Expect(response, HttpStatusCode.Accepted);
        return Location(response);
    }

    private async Task Complete(Uri location, string digest, Func<Uri> node)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, WithDigest(Nodes.Rebase(node(), location), digest));
        using var response = await http.SendAsync(request);
        Expect(response, HttpStatusCode.Created);
    }

    /// <summary>The response's Location, resolved against the URL of the request that got it.</summary>
    private static Uri Location(HttpResponseMessage response)
    {
        var location = response.Headers.Location ?? throw new InvalidOperationException("no Location");
        return location.IsAbsoluteUri ? location : new Uri(response.RequestMessage!.RequestUri!, location);
    }

    private static Uri WithDigest(Uri location, string digest) =>
        new(location + (location.Query.Length > 0 ? "&" : "?") + "digest=" + Uri.EscapeDataString(digest));
}
