using Berth.Core.SigV4;

namespace Berth.Core.Tests.SigV4;

/// <summary>Requests signed by botocore, the library under the aws CLI, verify unchanged.</summary>
public sealed class BotocoreVectorTests
{
    public static TheoryData<string> Names() => [.. BotocoreVector.Names];

    [Fact]
    public void EveryGeneratedVectorIsReplayed()
    {
        Assert.Equal(9, Names().Count);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void CanonicalRequestEqualsBotocores(string name)
    {
        var vector = BotocoreVector.Get(name);

        var (prepared, error) = Verifier(vector).Prepare(vector.Request, vector.Region, vector.Service);

        Assert.Null(error);
        Assert.Equal(vector.CanonicalRequest, prepared!.CanonicalRequest);
        Assert.Equal(vector.StringToSign, prepared.StringToSign);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void SignedRequestVerifiesWithTheSignersScope(string name)
    {
        var vector = BotocoreVector.Get(name);

        var result = Verifier(vector).Verify(vector.Request, vector.Region, vector.Service, vector.FindSecret);

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(
            new SigV4Identity(vector.AccessKeyId, vector.Region, vector.Service, vector.Timestamp, vector.SessionToken,
                IsPresigned: vector.Request.RawQuery.Contains("X-Amz-Signature=", StringComparison.Ordinal)),
            result.Identity);
    }

    [Fact]
    public void AwsCliSignsEcrCallsWithContentTypeHostDateAndTarget()
    {
        var vector = BotocoreVector.Get("ecr-get-authorization-token");

        var authorization = vector.Request.Headers["Authorization"].Single();

        Assert.StartsWith(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/ecr/aws4_request, " +
            "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=",
            authorization, StringComparison.Ordinal);
    }

    [Fact]
    public void NonS3PathIsNormalizedAndEncodedTwice()
    {
        var vector = BotocoreVector.Get("execute-api-encoded-path-and-query");

        Assert.StartsWith("GET\n/prod/caf%25C3%25A9/a%2520b/y\n", vector.CanonicalRequest, StringComparison.Ordinal);
        Assert.True(Verifier(vector).Verify(vector.Request, vector.Region, vector.Service, vector.FindSecret).Succeeded);
    }

    private static SigV4Verifier Verifier(BotocoreVector vector) => new(new FixedTimeProvider(vector.Timestamp));
}
