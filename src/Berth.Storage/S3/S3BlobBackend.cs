using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace Berth.Storage.S3;

/// <summary>
/// Turns <c>Berth:Storage:Blobs:S3</c> into a client on one bucket. Every invalid setting throws, naming its key.
/// Credentials come from the section or from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and are never printed.
/// </summary>
internal static class S3BlobBackend
{
    public const string Section = "Berth:Storage:Blobs:S3";

    public static S3Bucket Connect(S3BlobOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Bucket))
        {
            throw Invalid("Bucket", "a bucket name is required when Berth:Storage:Blobs:Type is S3");
        }

        if (string.IsNullOrWhiteSpace(options.Region))
        {
            throw Invalid("Region", "a region is required (us-east-1 for most S3-compatible stores)");
        }

        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            AuthenticationRegion = options.Region,

            // Flexible checksums send aws-chunked bodies with trailers, which S3-compatible stores often refuse (501).
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            Timeout = TimeSpan.FromMinutes(5),
            MaxErrorRetry = 3,

            // DeleteObjects (garbage collection's batched deletes) needs the Content-MD5 the SDK no longer sends.
            HttpClientFactory = new ContentMd5HttpClientFactory(),
        };
        if (string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        else if (!Uri.TryCreate(options.ServiceUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw Invalid("ServiceUrl", $"'{options.ServiceUrl}' is not an http:// or https:// URL");
        }
        else
        {
            config.ServiceURL = url.ToString();
        }

        var accessKeyId = FirstOf(options.AccessKeyId, Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID"))
            ?? throw Invalid("AccessKeyId", "an access key id is required (or AWS_ACCESS_KEY_ID)");
        var secret = FirstOf(options.SecretAccessKey, Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY"))
            ?? throw Invalid("SecretAccessKey", "a secret access key is required (or AWS_SECRET_ACCESS_KEY)");
        var client = new AmazonS3Client(new BasicAWSCredentials(accessKeyId, secret), config);
        return new S3Bucket(client, options.Bucket.Trim());
    }

    /// <summary>Whether the endpoint is plain HTTP, so presigned URLs keep that scheme.</summary>
    public static bool UsesHttp(S3BlobOptions options) =>
        Uri.TryCreate(options.ServiceUrl, UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttp;

    /// <summary>For the start-up banner: endpoint, bucket and prefix, never credentials.</summary>
    public static string Describe(S3BlobOptions options) =>
        $"{(string.IsNullOrWhiteSpace(options.ServiceUrl) ? $"AWS {options.Region}" : options.ServiceUrl)} bucket {options.Bucket}" +
        (string.IsNullOrWhiteSpace(options.Prefix) ? string.Empty : $" prefix {options.Prefix}");

    public static InvalidOperationException Invalid(string key, string message) =>
        new($"Invalid configuration '{Section}:{key}': {message}.");

    private static string? FirstOf(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
