using System.Globalization;
using System.Text.Json;
using Berth.Core.Errors;
using Berth.Core.Layers;

namespace Berth.Server.EcrApi;

/// <summary>
/// The layer operations SDKs push and pull with, without docker: InitiateLayerUpload, UploadLayerPart,
/// CompleteLayerUpload, BatchCheckLayerAvailability, GetDownloadUrlForLayer. Uploads share the /v2/ upload sessions.
/// See https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_UploadLayerPart.html and its siblings.
/// </summary>
internal static class LayerOperations
{
    public static void Register(Dictionary<string, Func<EcrCall, Task>> operations)
    {
        operations.Add("InitiateLayerUpload", InitiateAsync);
        operations.Add("UploadLayerPart", UploadPartAsync);
        operations.Add("CompleteLayerUpload", CompleteAsync);
        operations.Add("BatchCheckLayerAvailability", BatchCheckAsync);
        operations.Add("GetDownloadUrlForLayer", GetDownloadUrlAsync);
    }

    private static async Task InitiateAsync(EcrCall call)
    {
        var uploadId = await call.Service<LayerUploadService>().InitiateAsync(call.RepositoryName(), call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WriteString("uploadId", uploadId);
            json.WriteNumber("partSize", LayerUploadService.PartSize);
        }).ConfigureAwait(false);
    }

    private static async Task UploadPartAsync(EcrCall call)
    {
        var repository = call.RepositoryName();
        var uploadId = call.String("uploadId")!;
        var first = call.Element("partFirstByte")!.Value.GetInt64();
        var last = call.Element("partLastByte")!.Value.GetInt64();
        long lastByteReceived;
        try
        {
            var value = call.Element("layerPartBlob")!.Value;
            if (LayerPartBlob.DecodedLength(value) is { } announced && announced > LayerUploadService.MaximumPartBytes)
            {
                // Refused on its length, before it is decoded: the service checks the length before it reads a byte.
                lastByteReceived = await call.Service<LayerUploadService>()
                    .UploadPartAsync(repository, uploadId, first, last, Stream.Null, announced, call.Aborted).ConfigureAwait(false);
                throw new InvalidOperationException("an oversized layer part was accepted");
            }

            using var blob = LayerPartBlob.Decode(value);
            var part = blob.OpenRead();
            await using (part.ConfigureAwait(false))
            {
                lastByteReceived = await call.Service<LayerUploadService>()
                    .UploadPartAsync(repository, uploadId, first, last, part, blob.Length, call.Aborted).ConfigureAwait(false);
            }
        }
        catch (RegistryException e) when (e.Detail is LayerPartDetail detail)
        {
            // InvalidLayerPartException carries members besides its message.
            await AwsJsonErrorWriter.WriteAsync(call.Context, 400, e.Error.EcrException, e.Message, json =>
            {
                json.WriteString("registryId", detail.RegistryId);
                json.WriteString("repositoryName", detail.RepositoryName);
                json.WriteString("uploadId", detail.UploadId);
                json.WriteNumber("lastValidByteReceived", detail.LastValidByteReceived);
            }).ConfigureAwait(false);
            return;
        }

        await call.RespondAsync(json =>
        {
            json.WriteString("registryId", call.Registry.AccountId);
            json.WriteString("repositoryName", repository.Value);
            json.WriteString("uploadId", uploadId);
            json.WriteNumber("lastByteReceived", lastByteReceived);
        }).ConfigureAwait(false);
    }

    private static async Task CompleteAsync(EcrCall call)
    {
        var repository = call.RepositoryName();
        var uploadId = call.String("uploadId")!;
        var digests = Strings(call.Element("layerDigests"));
        if (digests.Count != 1)
        {
            throw new RegistryException(EcrErrors.InvalidParameter, "Invalid parameter at 'layerDigests' failed to satisfy constraint: 'exactly one layer digest is supported'");
        }

        var digest = await call.Service<LayerUploadService>().CompleteAsync(repository, uploadId, digests[0], call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WriteString("registryId", call.Registry.AccountId);
            json.WriteString("repositoryName", repository.Value);
            json.WriteString("uploadId", uploadId);
            json.WriteString("layerDigest", digest.ToString());
        }).ConfigureAwait(false);
    }

    private static async Task BatchCheckAsync(EcrCall call)
    {
        var checks = await call.Service<LayerAvailabilityService>()
            .CheckAsync(call.RepositoryName(), Strings(call.Element("layerDigests")), call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WriteStartArray("layers");
            foreach (var layer in checks.Where(c => c.FailureCode is null))
            {
                json.WriteStartObject();
                json.WriteString("layerDigest", layer.Digest);
                json.WriteString("layerAvailability", layer.Archived ? "ARCHIVED" : layer.Available ? "AVAILABLE" : "UNAVAILABLE");
                json.WriteNumber("layerSize", layer.Size);
                if (layer.MediaType is not null)
                {
                    json.WriteString("mediaType", layer.MediaType);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("failures");
            foreach (var failure in checks.Where(c => c.FailureCode is not null))
            {
                json.WriteStartObject();
                json.WriteString("layerDigest", failure.Digest);
                json.WriteString("failureCode", failure.FailureCode);
                json.WriteString("failureReason", failure.FailureReason);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }).ConfigureAwait(false);
    }

    private static async Task GetDownloadUrlAsync(EcrCall call)
    {
        var repository = call.RepositoryName();
        var (digest, _) = await call.Service<LayerAvailabilityService>()
            .GetDownloadableAsync(repository, call.String("layerDigest")!, call.Aborted).ConfigureAwait(false);
        var (signature, expires) = await call.Service<LayerDownloadSigner>().SignAsync(repository, digest, call.Aborted).ConfigureAwait(false);
        var url = string.Create(CultureInfo.InvariantCulture,
            $"{call.Context.Request.Scheme}://{call.RegistryHost}{LayerDownloadEndpoint.PathPrefix}{call.Registry.AccountId}/{call.Registry.Region}/{repository.Value}/{digest}?expires={expires}&signature={signature}");
        await call.RespondAsync(json =>
        {
            json.WriteString("downloadUrl", url);
            json.WriteString("layerDigest", digest.ToString());
        }).ConfigureAwait(false);
    }

    private static List<string> Strings(JsonElement? list) =>
        list?.EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToList() ?? [];
}
