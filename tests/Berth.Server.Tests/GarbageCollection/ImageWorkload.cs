using System.Net;
using System.Text;
using Berth.Core.GarbageCollection;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.GarbageCollection;

/// <summary>
/// Pushes of images that share layers, some deleted again, through several nodes at once: the load garbage
/// collection must survive. Each image lives in a repository of its own; an image is deleted by deleting its manifest
/// and unlinking its blobs (or letting the collector unlink them), so the layers it alone used become garbage while other images keep the shared ones. Kept
/// images use the first two shared layers; deleted ones use the others, which thus become unreferenced and are pushed
/// again by later images, racing the sweeps that delete them. With a lifecycle callback, each kept repository gets a
/// policy keeping only its newest image and a second image after it: the lifecycle job expires the first. A skopeo
/// loop (<see cref="RunSkopeoAsync"/>) pushes images on one base layer into one repository whose policy keeps the two
/// newest: skopeo HEADs the base layer, finds it and skips its upload.
/// </summary>
public sealed class ImageWorkload
{
    private readonly byte[][] _shared = [.. Enumerable.Range(0, 6).Select(_ => OciTestClient.RandomBytes(16 * 1024))];
    private readonly List<PushedImage> _kept = [];
    private readonly List<PushedImage> _expired = [];

    public IReadOnlyList<PushedImage> Kept
    {
        get
        {
            lock (_kept)
            {
                return [.. _kept];
            }
        }
    }

    /// <summary>
    /// <paramref name="workers"/> loops of <paramref name="rounds"/> images each, worker i pushing through client i
    /// modulo the clients. With <paramref name="keepNewest"/> (repository, count: puts a lifecycle policy keeping the
    /// count newest images), a kept repository gets a second, newer image once its policy keeps one.
    /// </summary>
    public Task RunAsync(IReadOnlyList<HttpClient> clients, int workers, int rounds, Func<string, int, Task>? keepNewest = null) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            for (var round = 0; round < rounds; round++)
            {
                var client = clients[(w + round) % clients.Count];
                var keep = round % 3 == 0;
                var image = await PushAsync(client, $"fire/w{w}/i{round}", keep ? [0, 1] : [2 + (round % 4), 2 + ((round + 1) % 4)]);
                if (keep && keepNewest is not null)
                {
                    await keepNewest(image.Repository, 1);
                    var newer = await PushAsync(clients[(w + round + 1) % clients.Count], image.Repository, [0, 1], "v2");
                    lock (_kept)
                    {
                        _expired.Add(image);
                        _kept.Add(newer);
                    }
                }
                else if (keep)
                {
                    lock (_kept)
                    {
                        _kept.Add(image);
                    }
                }
                else
                {
                    await DeleteAsync(clients[(w + round + 1) % clients.Count], image);
                }
            }
        })));

    /// <summary>
    /// <paramref name="images"/> pushes with skopeo, each of a new image on one shared base layer, into
    /// <paramref name="repository"/> through the hosts in turn; after the first, the repository's lifecycle policy keeps
    /// the two newest (<paramref name="keepNewest"/>). The two last pushed are kept, the others expired.
    /// </summary>
    public async Task RunSkopeoAsync(IReadOnlyList<string> hosts, string layoutDirectory, string repository, int images, Func<string, int, Task> keepNewest)
    {
        var layout = new OciLayoutWriter(layoutDirectory);
        var baseImage = TestImageFactory.WriteImage(layout, layerCount: 1, layerBytes: 32 * 1024);
        var pushed = new List<PushedImage>();
        for (var i = 0; i < images; i++)
        {
            var image = TestImageFactory.WriteImage(layout, layerCount: 1, layerBytes: 32 * 1024, onTopOf: baseImage);
            var tag = $"s{i}";
            layout.Tag(image.Descriptor, tag);
            var copy = await Skopeo.CopyAsync($"oci:{layout.Directory}:{tag}", $"docker://{hosts[i % hosts.Count]}/{repository}:{tag}");
            Assert.True(copy.ExitCode == 0, $"skopeo copy of {tag} failed: {copy.StandardError}");
            pushed.Add(new PushedImage(repository, image.Manifest, [.. image.Blobs.Select(b => (b.Digest, OciLayout.ReadBlob(layout.Directory, b.Digest)))], tag));
            if (i == 0)
            {
                await keepNewest(repository, 2);
            }
        }

        lock (_kept)
        {
            _expired.AddRange(pushed.SkipLast(2));
            _kept.AddRange(pushed.TakeLast(2));
        }
    }

    /// <summary>Every image a lifecycle policy expired is gone (its manifest by digest is unknown) through <paramref name="client"/>.</summary>
    public async Task AssertExpiredImagesGoneAsync(HttpClient client)
    {
        List<PushedImage> expired;
        lock (_kept)
        {
            expired = [.. _expired];
        }

        foreach (var image in expired)
        {
            using var response = await client.GetAsync(new Uri($"/v2/{image.Repository}/manifests/{OciTestClient.DigestOf(image.Manifest)}", UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"expired image {image.Repository}:{image.Tag} answered {(int)response.StatusCode}");
        }
    }

    /// <summary>Every kept image reads back byte-identical (manifest and each blob) through <paramref name="client"/>.</summary>
    public async Task AssertKeptImagesPullAsync(HttpClient client)
    {
        foreach (var image in Kept)
        {
            Assert.Equal(image.Manifest, await client.GetByteArrayAsync(new Uri($"/v2/{image.Repository}/manifests/{image.Tag}", UriKind.Relative)));
            foreach (var (digest, content) in image.Blobs)
            {
                Assert.Equal(content, await client.GetByteArrayAsync(new Uri($"/v2/{image.Repository}/blobs/{digest}", UriKind.Relative)));
            }
        }
    }

    /// <summary>The blobs the kept images reference, each once, with its size.</summary>
    public Dictionary<string, long> ReferencedBlobs() =>
        Kept.SelectMany(i => i.Blobs).DistinctBy(b => b.Digest).ToDictionary(b => b.Digest, b => (long)b.Content.Length);

    /// <summary>What the blob store holds now, as digest and size.</summary>
    public static async Task<Dictionary<string, long>> StoredBlobsAsync(IBlobInventory inventory)
    {
        var stored = new Dictionary<string, long>();
        await foreach (var blob in inventory.ListBlobsAsync(default))
        {
            stored[blob.Digest.ToString()] = blob.Size;
        }

        return stored;
    }

    private async Task<PushedImage> PushAsync(HttpClient client, string repository, int[] shared, string tag = "v1")
    {
        var config = Encoding.UTF8.GetBytes($"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"nonce\":\"{Guid.NewGuid()}\"}}");
        var unique = OciTestClient.RandomBytes(8 * 1024);
        var blobs = new List<(string Digest, byte[] Content)> { (OciTestClient.DigestOf(config), config), (OciTestClient.DigestOf(unique), unique) };
        blobs.AddRange(shared.Select(i => (OciTestClient.DigestOf(_shared[i]), _shared[i])));
        foreach (var (digest, content) in blobs)
        {
            using var body = new ByteArrayContent(content);
            body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
            using var pushed = await client.PostAsync(new Uri($"/v2/{repository}/blobs/uploads/?digest={digest}", UriKind.Relative), body);
            Assert.True(pushed.StatusCode == HttpStatusCode.Created, $"push of {digest} to {repository} answered {(int)pushed.StatusCode} {await pushed.Content.ReadAsStringAsync()}");
        }

        var manifest = OciTestClient.ImageManifest(blobs[0].Digest, config.Length, blobs.Skip(1).Select(b => (b.Digest, (long)b.Content.Length)));
        using var response = await client.PutManifestAsync(repository, tag, manifest, OciTestClient.OciManifest);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"manifest PUT of {repository} answered {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return new PushedImage(repository, manifest, blobs, tag);
    }

    private static async Task DeleteAsync(HttpClient client, PushedImage image)
    {
        using (var response = await client.DeleteAsync(new Uri($"/v2/{image.Repository}/manifests/{OciTestClient.DigestOf(image.Manifest)}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        // Unlinking by hand races the collector, which unlinks blobs no manifest of the repository references once
        // their links are older than the grace period: either may come first.
        foreach (var (digest, _) in image.Blobs)
        {
            using var response = await client.DeleteAsync(new Uri($"/v2/{image.Repository}/blobs/{digest}", UriKind.Relative));
            Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.NotFound, $"blob DELETE answered {(int)response.StatusCode}");
        }
    }

    public sealed record PushedImage(string Repository, byte[] Manifest, IReadOnlyList<(string Digest, byte[] Content)> Blobs, string Tag = "v1");
}
