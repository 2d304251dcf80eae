namespace Berth.Storage;

/// <summary>
/// The <c>Berth:Storage:Blobs:S3</c> section: where an S3-compatible object store keeps the blobs. The secret key is a
/// credential: it is never logged or printed.
/// </summary>
public sealed class S3BlobOptions
{
    /// <summary>The endpoint, e.g. https://s3.us-east-1.amazonaws.com or http://127.0.0.1:8080; empty means AWS for <see cref="Region"/>.</summary>
    public string? ServiceUrl { get; set; }

    public string Region { get; set; } = "us-east-1";

    public string? Bucket { get; set; }

    /// <summary>Key prefix of every object Berth writes (without trailing slash); empty puts them at the bucket root.</summary>
    public string? Prefix { get; set; }

    /// <summary>Empty means the AWS_ACCESS_KEY_ID environment variable.</summary>
    public string? AccessKeyId { get; set; }

    /// <summary>Empty means the AWS_SECRET_ACCESS_KEY environment variable.</summary>
    public string? SecretAccessKey { get; set; }

    /// <summary>Path-style addressing (endpoint/bucket/key), which most S3-compatible stores need.</summary>
    public bool ForcePathStyle { get; set; } = true;

    /// <summary>Blob GETs on /v2/ answer 307 to a presigned URL of the object instead of streaming through Berth.</summary>
    public bool PresignedRedirects { get; set; }
}
