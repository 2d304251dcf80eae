using System.Security.Cryptography;

namespace Berth.Core.SigV4;

/// <summary>
/// Signs the one kind of request Berth sends to an AWS-style API itself (a JSON-1.1 POST to <c>/</c>, for
/// replication to another Berth or to ECR): host, x-amz-date, x-amz-target and content-type signed, the body's
/// SHA-256 as the payload hash. See https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html.
/// </summary>
public static class SigV4Signer
{
    /// <summary>The <c>Authorization</c> header value and the <c>X-Amz-Date</c> it was made for.</summary>
    public static (string Authorization, string AmzDate) SignJsonPost(
        string host, string target, string contentType, ReadOnlySpan<byte> body, string accessKeyId, string secretAccessKey,
        string region, string service, DateTimeOffset now)
    {
        var amzDate = AmzDate.Format(now);
        var date = amzDate[..8];
        const string signedHeaders = "content-type;host;x-amz-date;x-amz-target";
        var canonical = "POST\n/\n\n" +
            $"content-type:{contentType}\nhost:{host}\nx-amz-date:{amzDate}\nx-amz-target:{target}\n\n" +
            $"{signedHeaders}\n{Convert.ToHexStringLower(SHA256.HashData(body))}";
        var scope = $"{date}/{region}/{service}/{SigningKey.Terminator}";
        var signature = SigningKey.Sign(SigningKey.Derive(secretAccessKey, date, region, service), SigningKey.StringToSign(amzDate, scope, canonical));
        return ($"{SigningKey.Algorithm} Credential={accessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}", amzDate);
    }
}
