using System.Security.Cryptography;
using System.Text;

namespace Berth.Core.SigV4;

/// <summary>
/// The string to sign and the HMAC-SHA256 key chain.
/// See https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#derive-signing-key.
/// </summary>
internal static class SigningKey
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string Terminator = "aws4_request";

    /// <param name="scope">The credential scope without the access key: <c>date/region/service/aws4_request</c>.</param>
    public static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
        $"{Algorithm}\n{amzDate}\n{scope}\n" +
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)));

    /// <summary>kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").</summary>
    public static byte[] Derive(string secretAccessKey, string date, string region, string service)
    {
        var key = Encoding.UTF8.GetBytes("AWS4" + secretAccessKey);
        foreach (var part in (ReadOnlySpan<string>)[date, region, service, Terminator])
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        return key;
    }

    /// <summary>The lower-case hex signature of <paramref name="stringToSign"/>.</summary>
    public static string Sign(byte[] signingKey, string stringToSign) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));
}
