using System.Text.Json;
using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.Scanning.Feed;
using Berth.Core.Scanning.Inventory;

namespace Berth.Core.Scanning;

/// <summary>
/// Scans one image: applies its layers in order (<see cref="LayerOverlay"/>, streamed from the blob store), reads the
/// package databases left at the end (<see cref="InventoryReader"/>) and matches the packages against the imported
/// feed (<see cref="VulnerabilityMatcher"/>). Nothing is fetched from outside. Thread-safe.
/// </summary>
public sealed class ImageScanner(IBlobStore blobs, IRpmDatabaseReader rpm, IVulnerabilityFeed feed)
{
    /// <summary>The image's findings; throws <see cref="InventoryException"/> when it cannot be read.</summary>
    public async Task<ScanResult> ScanAsync(ReadOnlyMemory<byte> manifest, string temporaryDirectory, CancellationToken cancellationToken)
    {
        var layers = Layers(manifest);
        using var overlay = new LayerOverlay(temporaryDirectory);
        foreach (var (mediaType, digest) in layers)
        {
            var blob = await blobs.OpenReadAsync(digest, 0, cancellationToken).ConfigureAwait(false);
            await using (blob.ConfigureAwait(false))
            {
                var tar = LayerOverlay.Decompress(mediaType, blob);
                await using (tar.ConfigureAwait(false))
                {
                    try
                    {
                        await overlay.ApplyAsync(tar, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
                    {
                        throw new InventoryException($"Layer {digest} is not a readable tar archive: {e.Message}");
                    }
                }
            }
        }

        var inventory = InventoryReader.Read(overlay, rpm);
        var updatedAt = await feed.FindUpdatedAtAsync(cancellationToken).ConfigureAwait(false);
        var ecosystems = Ecosystems.For(inventory.Os);
        if (ecosystems.Count == 0 || inventory.Packages.Count == 0)
        {
            return new ScanResult(inventory, [], updatedAt);
        }

        var candidates = await feed.FindCandidatesAsync(ecosystems, VulnerabilityMatcher.Names(inventory), cancellationToken).ConfigureAwait(false);
        return new ScanResult(inventory, VulnerabilityMatcher.Match(inventory, candidates), updatedAt);
    }

    private static List<(string MediaType, Digest Digest)> Layers(ReadOnlyMemory<byte> manifest)
    {
        try
        {
            using var document = JsonDocument.Parse(manifest);
            if (!document.RootElement.TryGetProperty("layers", out var layers) || layers.ValueKind != JsonValueKind.Array)
            {
                throw new InventoryException("The manifest lists no layers.");
            }

            return layers.EnumerateArray()
                .Select(l => (l.GetProperty("mediaType").GetString() ?? string.Empty, Digest.Parse(l.GetProperty("digest").GetString()!)))
                .ToList();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InventoryException("The manifest's layers cannot be read: " + e.Message);
        }
    }
}
