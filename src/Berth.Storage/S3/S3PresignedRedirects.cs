using Amazon.S3;
using Amazon.S3.Model;
using Berth.Core.Blobs;
using Berth.Core.Content;

namespace Berth.Storage.S3;

/// <summary>Presigned GET URLs of blob objects (SigV4 query signing), valid for <see cref="Lifetime"/>.</summary>
internal sealed class S3PresignedRedirects(S3Bucket bucket, S3KeyLayout keys, bool useHttp, TimeProvider time) : IBlobRedirects
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(20);

    public async ValueTask<Uri> GetDownloadUriAsync(Digest digest, CancellationToken cancellationToken)
    {
        var url = await bucket.Client.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket.Name,
            Key = keys.Blob(digest),
            Verb = HttpVerb.GET,
            Expires = time.GetUtcNow().Add(Lifetime).UtcDateTime,
            Protocol = useHttp ? Protocol.HTTP : Protocol.HTTPS,
        }).ConfigureAwait(false);
        return new Uri(url);
    }
}
