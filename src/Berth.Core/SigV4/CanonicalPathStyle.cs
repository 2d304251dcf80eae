namespace Berth.Core.SigV4;

/// <summary>
/// How the canonical URI is built from the path the client sent.
/// See https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html ("CanonicalURI").
/// </summary>
public enum CanonicalPathStyle
{
    /// <summary>
    /// Every service except S3 (ECR, IAM, STS, ...): dot segments and empty segments are removed, then the path as sent
    /// (already percent-encoded once) is URI-encoded again, so <c>%20</c> on the wire becomes <c>%2520</c>.
    /// </summary>
    Standard,

    /// <summary>S3: the path is neither normalized nor double-encoded; it is only brought to one canonical encoding.</summary>
    S3,
}
