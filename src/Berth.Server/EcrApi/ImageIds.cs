using System.Text.Json;
using Berth.Core.Content;
using Berth.Core.Naming;

namespace Berth.Server.EcrApi;

/// <summary>
/// The ImageIdentifier members of batch requests and the ImageFailure entries answered for them, with ECR's
/// failureCode values (botocore ImageFailureCode) and failureReason texts.
/// See https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageFailure.html
/// </summary>
internal static class ImageIds
{
    public const string NotFoundReason = "Requested image not found";

    /// <summary>One requested imageId: the raw members as sent, and what they parse to.</summary>
    public sealed record Requested(string? DigestText, string? TagText, Digest? Digest, Tag? Tag);

    /// <summary>A failure to report: its code and reason.</summary>
    public sealed record Failure(Requested Id, string Code, string Reason);

    /// <summary>Parses one imageId; a failure when neither is given or one does not parse.</summary>
    public static (Requested Id, Failure? Failure) Read(JsonElement element)
    {
        var digestText = element.TryGetProperty("imageDigest", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        var tagText = element.TryGetProperty("imageTag", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        Digest? digest = Digest.TryParse(digestText, out var parsedDigest) ? parsedDigest : null;
        var tag = Tag.TryParse(tagText, out var parsedTag) ? parsedTag : null;
        var id = new Requested(digestText, tagText, digest, tag);
        if (digestText is null && tagText is null)
        {
            return (id, new Failure(id, "MissingDigestAndTag", "Invalid request parameters: both tag and digest cannot be null"));
        }

        if (digestText is not null && digest is null)
        {
            return (id, new Failure(id, "InvalidImageDigest", "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'"));
        }

        if (tagText is not null && tag is null)
        {
            return (id, new Failure(id, "InvalidImageTag", "Invalid request parameters: image tag should satisfy the regex '[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}'"));
        }

        return (id, null);
    }

    public static Failure NotFound(Requested id) => new(id, "ImageNotFound", NotFoundReason);

    public static Failure TagDoesNotMatchDigest(Requested id) =>
        new(id, "ImageTagDoesNotMatchDigest", "Invalid request parameters: given tag and digest do not match");

    public static void WriteId(Utf8JsonWriter json, string? digest, string? tag)
    {
        json.WriteStartObject();
        if (digest is not null)
        {
            json.WriteString("imageDigest", digest);
        }

        if (tag is not null)
        {
            json.WriteString("imageTag", tag);
        }

        json.WriteEndObject();
    }

    public static void WriteFailures(Utf8JsonWriter json, IReadOnlyList<Failure> failures)
    {
        json.WriteStartArray("failures");
        foreach (var failure in failures)
        {
            json.WriteStartObject();
            json.WritePropertyName("imageId");
            WriteId(json, failure.Id.DigestText, failure.Id.TagText);
            json.WriteString("failureCode", failure.Code);
            json.WriteString("failureReason", failure.Reason);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
