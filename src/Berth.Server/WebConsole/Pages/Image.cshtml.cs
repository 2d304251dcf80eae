using System.Text.Json;
using Berth.Core.Content;
using Berth.Core.Errors;
using Berth.Core.IamPolicies;
using Berth.Core.Images;
using Berth.Core.Manifests;
using Berth.Core.Naming;

namespace Berth.Server.WebConsole.Pages;

/// <summary>
/// One image: its manifest as stored, the config and layers with their sizes (or an index's platforms), the referrers
/// (signatures, SBOMs, attestations) as a tree, and the pull commands. Authorized as BatchGetImage (the manifest, as
/// /v2/ and the API serve it); the tags and times as DescribeImages; deleting offered only when BatchDeleteImage is
/// allowed (and authorized again on the delete itself).
/// </summary>
internal sealed class ImageModel : ConsolePageModel
{
    private const int MaxReferrerDepth = 3;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public string Repository { get; private set; } = "";

    public StoredManifest Manifest { get; private set; } = null!;

    public ImageDetail? Detail { get; private set; }

    public bool MayDelete { get; private set; }

    public string ManifestJson { get; private set; } = "";

    public Descriptor? Config { get; private set; }

    public IReadOnlyList<Descriptor> Layers { get; private set; } = [];

    public IReadOnlyList<(Descriptor Manifest, string Platform)> Platforms { get; private set; } = [];

    public IReadOnlyList<ReferrerNode> Referrers { get; private set; } = [];

    public long LargestLayer => Layers.Count == 0 ? 0 : Layers.Max(l => l.Size);

    public async Task OnGetAsync(string? repository, string? digest)
    {
        if (!RepositoryName.TryParse(repository, out var name))
        {
            Fail(new RegistryException(EcrErrors.RepositoryNotFound, $"The repository with name '{repository}' does not exist in the registry with id '{Registry.AccountId}'"));
            return;
        }

        Repository = name.Value;
        var arn = Registry.RepositoryArn(Repository);
        if (await DeniedAsync(EcrActions.BatchGetImage, arn).ConfigureAwait(false) is not null)
        {
            return;
        }

        if (!Digest.TryParse(digest, out var parsed))
        {
            Fail(new RegistryException(EcrErrors.ImageNotFound, $"The image with imageId {{imageDigest:'{digest}'}} does not exist within the repository with name '{Repository}' in the registry with id '{Registry.AccountId}'"));
            return;
        }

        try
        {
            Manifest = await Service<ImageService>().GetManifestAsync(name, Reference.Of(parsed), Aborted).ConfigureAwait(false);
            if (await AllowsAsync(EcrActions.DescribeImages, arn).ConfigureAwait(false))
            {
                Detail = await Service<ImageCatalogService>().FindAsync(name, Reference.Of(parsed), Aborted).ConfigureAwait(false);
            }

            MayDelete = await AllowsAsync(EcrActions.BatchDeleteImage, arn).ConfigureAwait(false);
            ReadManifest();
            Referrers = await ReferrersAsync(name, parsed, 1).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.Error != EcrErrors.AccessDenied)
        {
            Fail(e);
        }
    }

    private void ReadManifest()
    {
        using var document = JsonDocument.Parse(Manifest.Content);
        ManifestJson = JsonSerializer.Serialize(document.RootElement, Indented);
        var root = document.RootElement;
        if (root.TryGetProperty("config", out var config) && ReadDescriptor(config) is { } configDescriptor)
        {
            Config = configDescriptor;
        }

        if (root.TryGetProperty("layers", out var layers) && layers.ValueKind == JsonValueKind.Array)
        {
            Layers = [.. layers.EnumerateArray().Select(ReadDescriptor).OfType<Descriptor>()];
        }

        if (root.TryGetProperty("manifests", out var manifests) && manifests.ValueKind == JsonValueKind.Array)
        {
            Platforms = [.. manifests.EnumerateArray().Select(m => (ReadDescriptor(m), PlatformOf(m))).Where(p => p.Item1 is not null).Select(p => (p.Item1!, p.Item2))];
        }
    }

    private async Task<IReadOnlyList<ReferrerNode>> ReferrersAsync(RepositoryName name, Digest subject, int depth)
    {
        var found = await Service<ImageService>().ListReferrersAsync(name, subject, null, Aborted).ConfigureAwait(false);
        var nodes = new List<ReferrerNode>();
        foreach (var referrer in found)
        {
            var children = depth < MaxReferrerDepth ? await ReferrersAsync(name, referrer.Digest, depth + 1).ConfigureAwait(false) : [];
            nodes.Add(new ReferrerNode(referrer, children));
        }

        return nodes;
    }

    private static Descriptor? ReadDescriptor(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty("digest", out var digest) && Digest.TryParse(digest.GetString(), out var parsed)
        && element.TryGetProperty("size", out var size) && size.TryGetInt64(out var bytes)
            ? new Descriptor(element.TryGetProperty("mediaType", out var type) ? type.GetString() ?? "" : "", parsed, bytes,
                element.TryGetProperty("artifactType", out var artifact) ? artifact.GetString() : null)
            : null;

    private static string PlatformOf(JsonElement manifest)
    {
        if (!manifest.TryGetProperty("platform", out var platform) || platform.ValueKind != JsonValueKind.Object)
        {
            return "—";
        }

        string? Part(string name) => platform.TryGetProperty(name, out var value) ? value.GetString() : null;
        return string.Join('/', new[] { Part("os"), Part("architecture"), Part("variant") }.Where(p => !string.IsNullOrEmpty(p)));
    }

    /// <summary>A referrer and its own referrers (a signature of an SBOM, …).</summary>
    internal sealed record ReferrerNode(Descriptor Descriptor, IReadOnlyList<ReferrerNode> Children);
}
