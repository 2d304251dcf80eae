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
    public Task<ScanResult> ScanAsync(ReadOnlyMemory<byte> manifest, string temporaryDirectory, CancellationToken cancellationToken) =>
        ScanAsync(manifest, temporaryDirectory, enhanced: false, cancellationToken);

    /// <summary>
    /// The image's findings; <paramref name="enhanced"/> (ENHANCED scanning) also reads language packages and
    /// returns findings with <see cref="EnhancedFindingDetails"/> (see <see cref="Languages.EnhancedMatcher"/>).
    /// </summary>
    public async Task<ScanResult> ScanAsync(ReadOnlyMemory<byte> manifest, string temporaryDirectory, bool enhanced, CancellationToken cancellationToken)
    {
        var layers = Layers(manifest);
        using var overlay = new LayerOverlay(temporaryDirectory, languagePackages: enhanced);
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
        if (enhanced)
        {
            var languages = Languages.LanguageFiles.Read(overlay);
            var (ecosystemNames, names) = Languages.EnhancedMatcher.Query(inventory, languages);
            var found = ecosystemNames.Count == 0 || names.Count == 0 ? []
                : await feed.FindCandidatesAsync(ecosystemNames, names, cancellationToken).ConfigureAwait(false);
            var facts = new Languages.EnhancedMatcher.ImageFacts(
                layers.Select(l => l.Digest.ToString()).ToList(),
                await ArchitectureAsync(manifest, cancellationToken).ConfigureAwait(false),
                Languages.EnhancedMatcher.PlatformOf(inventory.Os));
            return new ScanResult(inventory, Languages.EnhancedMatcher.Match(inventory, languages, found, facts), updatedAt);
        }

        var ecosystems = Ecosystems.For(inventory.Os);
        if (ecosystems.Count == 0 || inventory.Packages.Count == 0)
        {
            return new ScanResult(inventory, [], updatedAt);
        }

        var candidates = await feed.FindCandidatesAsync(ecosystems, VulnerabilityMatcher.Names(inventory), cancellationToken).ConfigureAwait(false);
        return new ScanResult(inventory, VulnerabilityMatcher.Match(inventory, candidates), updatedAt);
    }

    /// <summary>The image config's <c>architecture</c> (capped read of a small JSON blob); null when it cannot be read.</summary>
    private async Task<string?> ArchitectureAsync(ReadOnlyMemory<byte> manifest, CancellationToken cancellationToken)
    {
        const int MaxConfigBytes = 4 * 1024 * 1024;
        try
        {
            using var document = JsonDocument.Parse(manifest);
            if (!document.RootElement.TryGetProperty("config", out var config) || config.GetProperty("size").GetInt64() > MaxConfigBytes)
            {
                return null;
            }

            var blob = await blobs.OpenReadAsync(Digest.Parse(config.GetProperty("digest").GetString()!), 0, cancellationToken).ConfigureAwait(false);
            await using (blob.ConfigureAwait(false))
            {
                using var configDocument = await JsonDocument.ParseAsync(blob, cancellationToken: cancellationToken).ConfigureAwait(false);
                return configDocument.RootElement.TryGetProperty("architecture", out var architecture) && architecture.ValueKind == JsonValueKind.String
                    ? architecture.GetString() : null;
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or Errors.RegistryException)
        {
            return null;
        }
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
