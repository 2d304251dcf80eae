using System.Text.Json;
using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.Errors;
using Berth.Core.IamPolicies;
using Berth.Core.Images;
using Berth.Core.Manifests;
using Berth.Core.Naming;
using Berth.Core.Paging;
using Berth.Core.Replication;
using Berth.Core.Scanning;

namespace Berth.Server.WebConsole.Pages;

/// <summary>
/// One image: its manifest as stored, the config and layers with their sizes (or an index's platforms), the referrers
/// (signatures, SBOMs, attestations) as a tree, and the pull and push commands. Authorized as BatchGetImage (the
/// manifest, as /v2/ and the API serve it); the tags and times as DescribeImages; the config blob's contents as
/// GetDownloadUrlForLayer (a blob GET); replication status as DescribeImageReplicationStatus; scan findings as
/// DescribeImageScanFindings; deleting offered only when BatchDeleteImage is allowed (and authorized again on the
/// delete itself). A part the caller may not see says which action it needs.
/// </summary>
internal sealed class ImageModel : ConsolePageModel
{
    private const int MaxReferrerDepth = 3;
    private const int MaxConfigBytes = 256 * 1024;
    private const int MaxFindings = 200;
    private static readonly string[] Severities = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED"];
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

    /// <summary>The config blob, indented; null with <see cref="ConfigNote"/> saying why when it is not shown.</summary>
    public string? ConfigJson { get; private set; }

    public string? ConfigNote { get; private set; }

    public IReadOnlyList<ImageReplicationStatus>? Replication { get; private set; }

    public string? ReplicationNote { get; private set; }

    public ImageScan? Scan { get; private set; }

    public string? ScanNote { get; private set; }

    /// <summary>The scan's findings, most severe first (at most <see cref="MaxFindings"/>).</summary>
    public IReadOnlyList<ScanFinding> Findings { get; private set; } = [];

    public bool MoreFindings { get; private set; }

    public static IReadOnlyList<string> SeverityOrder => Severities;

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
            await ReadConfigAsync(name, arn).ConfigureAwait(false);
            await ReadReplicationAsync(name, parsed, arn).ConfigureAwait(false);
            await ReadScanAsync(name, parsed, arn).ConfigureAwait(false);
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

    private async Task ReadConfigAsync(RepositoryName name, string arn)
    {
        if (Config is not { } config)
        {
            return;
        }

        if (!await AllowsAsync(EcrActions.GetDownloadUrlForLayer, arn).ConfigureAwait(false))
        {
            ConfigNote = $"You may not read its contents ({EcrActions.GetDownloadUrlForLayer}).";
            return;
        }

        if (config.Size > MaxConfigBytes)
        {
            ConfigNote = $"Larger than {Format.Size(MaxConfigBytes)}: not shown.";
            return;
        }

        if (await Service<IBlobLinkStore>().FindAsync(name, config.Digest, Aborted).ConfigureAwait(false) is null)
        {
            ConfigNote = "The config blob is not in this repository.";
            return;
        }

        var buffer = new byte[config.Size];
        var stream = await Service<IBlobStore>().OpenReadAsync(config.Digest, 0, Aborted).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await stream.ReadExactlyAsync(buffer, Aborted).ConfigureAwait(false);
        }

        try
        {
            using var document = JsonDocument.Parse(buffer);
            ConfigJson = JsonSerializer.Serialize(document.RootElement, Indented);
        }
        catch (JsonException)
        {
            ConfigNote = $"Not JSON ({Format.Size(config.Size)}): not shown.";
        }
    }

    private async Task ReadReplicationAsync(RepositoryName name, Digest digest, string arn)
    {
        if (!await AllowsAsync(EcrActions.DescribeImageReplicationStatus, arn).ConfigureAwait(false))
        {
            ReplicationNote = $"You may not see it ({EcrActions.DescribeImageReplicationStatus}).";
            return;
        }

        Replication = await Service<ReplicationService>().ListStatusesAsync(name, digest, Aborted).ConfigureAwait(false);
    }

    private async Task ReadScanAsync(RepositoryName name, Digest digest, string arn)
    {
        if (!await AllowsAsync(EcrActions.DescribeImageScanFindings, arn).ConfigureAwait(false))
        {
            ScanNote = $"You may not see them ({EcrActions.DescribeImageScanFindings}).";
            return;
        }

        try
        {
            var scanning = Service<ScanningService>();
            Scan = await scanning.GetAsync(name, digest, $"imageDigest:{digest}", Registry.AccountId, Aborted).ConfigureAwait(false);
            if (Scan.Status != ScanStatus.Complete)
            {
                return;
            }

            // One page of findings (as describe-image-scan-findings --max-results 1000 would), most severe first;
            // the counts by severity above are the whole scan's.
            var page = await scanning.ListFindingsAsync(name, digest, new PageRequest(1000, null), Aborted).ConfigureAwait(false);
            var findings = page.Items;
            MoreFindings = page.HasMore || findings.Count > MaxFindings;
            Findings = [.. findings.OrderBy(f => Array.IndexOf(Severities, f.Severity) is var i and >= 0 ? i : Severities.Length).ThenBy(f => f.Name, StringComparer.Ordinal).Take(MaxFindings)];
        }
        catch (RegistryException e) when (e.Error == EcrErrors.ScanNotFound)
        {
            ScanNote = "This image has not been scanned.";
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
