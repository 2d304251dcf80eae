using System.Text.Json;
using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.Images;
using Berth.Core.Manifests;
using Berth.Core.Naming;
using Berth.Core.Scanning.Inventory;

namespace Berth.Core.Scanning.Sbom;

/// <summary>
/// Attaches a scanned image's inventory to it as an OCI referrer: an image manifest with <c>artifactType</c>
/// <see cref="CycloneDxSbom.MediaType"/>, the empty config, the CycloneDX document as its one layer and
/// <c>subject</c> = the scanned manifest, stored through the push path (<see cref="BlobUploadService.ImportAsync"/>,
/// <see cref="ImageService.PutParsedManifestAsync"/>), so garbage collection, replication, ListImageReferrers and
/// <c>/v2/&lt;name&gt;/referrers/&lt;digest&gt;</c> see it as any pushed referrer. One Berth SBOM per image: others
/// Berth made earlier for the same subject (marked by <see cref="GeneratorAnnotation"/>) are deleted once the new one
/// is stored; SBOMs pushed by users are left alone. The SBOM manifest is not an image, so it is never scanned itself.
/// </summary>
public sealed class SbomReferrer(BlobUploadService uploads, ImageService images)
{
    /// <summary>The annotation that marks the SBOM referrers Berth's scanner made (value <see cref="Generator"/>).</summary>
    public const string GeneratorAnnotation = "io.berth.sbom.generator";

    public const string Generator = "berth-scanner";

    public const string EmptyMediaType = "application/vnd.oci.empty.v1+json";

    private static readonly byte[] EmptyConfig = "{}"u8.ToArray();

    /// <summary>Stores the SBOM referrer of <paramref name="subject"/> and removes the older ones; returns its digest.</summary>
    public async Task<Digest> AttachAsync(RepositoryName repository, Descriptor subject, ImageInventory inventory, CancellationToken cancellationToken)
    {
        var sbom = CycloneDxSbom.Create(repository.Value, subject.Digest.ToString(), inventory);
        var sbomDigest = Digest.Sha256Of(sbom);
        var configDigest = Digest.Sha256Of(EmptyConfig);
        await ImportAsync(repository, configDigest, EmptyConfig, cancellationToken).ConfigureAwait(false);
        await ImportAsync(repository, sbomDigest, sbom, cancellationToken).ConfigureAwait(false);

        var content = Manifest(subject, configDigest, sbomDigest, sbom.Length);
        var manifest = ManifestParser.Parse(content, "application/vnd.oci.image.manifest.v1+json");
        await images.PutParsedManifestAsync(repository, manifest, null, cancellationToken).ConfigureAwait(false);

        var referrers = await images.ListReferrersAsync(repository, subject.Digest, CycloneDxSbom.MediaType, cancellationToken).ConfigureAwait(false);
        foreach (var older in referrers.Where(r => r.Digest != manifest.Digest && r.Annotations?.GetValueOrDefault(GeneratorAnnotation) == Generator))
        {
            try
            {
                await images.DeleteAsync(repository, Reference.Of(older.Digest), cancellationToken).ConfigureAwait(false);
            }
            catch (Errors.RegistryException)
            {
                // Deleted meanwhile (another node's scan of the same image): nothing left to replace.
            }
        }

        return manifest.Digest;
    }

    private async Task ImportAsync(RepositoryName repository, Digest digest, byte[] content, CancellationToken cancellationToken)
    {
        using var source = new MemoryStream(content, writable: false);
        await uploads.ImportAsync(repository, digest, content.Length, source, cancellationToken).ConfigureAwait(false);
    }

    private static byte[] Manifest(Descriptor subject, Digest config, Digest sbom, long sbomSize)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", 2);
            json.WriteString("mediaType", "application/vnd.oci.image.manifest.v1+json");
            json.WriteString("artifactType", CycloneDxSbom.MediaType);
            json.WriteStartObject("config");
            json.WriteString("mediaType", EmptyMediaType);
            json.WriteString("digest", config.ToString());
            json.WriteNumber("size", EmptyConfig.Length);
            json.WriteString("data", Convert.ToBase64String(EmptyConfig));
            json.WriteEndObject();
            json.WriteStartArray("layers");
            json.WriteStartObject();
            json.WriteString("mediaType", CycloneDxSbom.MediaType);
            json.WriteString("digest", sbom.ToString());
            json.WriteNumber("size", sbomSize);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteStartObject("subject");
            json.WriteString("mediaType", subject.MediaType);
            json.WriteString("digest", subject.Digest.ToString());
            json.WriteNumber("size", subject.Size);
            json.WriteEndObject();
            json.WriteStartObject("annotations");
            json.WriteString(GeneratorAnnotation, Generator);
            json.WriteString("org.opencontainers.image.description", $"CycloneDX {CycloneDxSbom.SpecVersion} SBOM of the packages Berth's scanner found in the subject image");
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
