using Berth.Core.SigV4;

namespace Berth.Core.Tests.SigV4;

/// <summary>
/// Each way a request can fail, answered with AWS's error code and message. The base request is the aws CLI's
/// <c>ecr get-authorization-token</c> signed at 2015-08-30T12:36:00Z (see <see cref="BotocoreVector"/>).
/// </summary>
public sealed class SigV4VerifierFailureTests
{
    private const string Region = "us-east-1";
    private const string Service = "ecr";
    private const string Scope = "AKIDEXAMPLE/20150830/us-east-1/ecr/aws4_request";
    private static readonly DateTimeOffset SignedAt = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);
    private static readonly BotocoreVector Ecr = BotocoreVector.Get("ecr-get-authorization-token");

    [Fact]
    public void RequestWithoutAuthorizationIsMissingAuthenticationToken()
    {
        var result = Verify(Ecr.Request.WithHeader("Authorization", null));

        Assert.Equal(new SigV4Error("MissingAuthenticationTokenException", "Missing Authentication Token"), result.Error);
        Assert.Equal(400, SigV4Error.HttpStatus);
    }

    [Fact]
    public void EmptyAuthorizationIsMissingAuthenticationToken()
    {
        var result = Verify(Ecr.Request.WithHeader("Authorization", "  "));

        Assert.Equal(SigV4Error.MissingAuthenticationTokenCode, result.Error?.Code);
    }

    public static TheoryData<string, string> IncompleteAuthorizations() => new()
    {
        {
            "AWS4-HMAC-SHA256 Credential=" + Scope,
            "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' " +
            "parameter. Authorization=AWS4-HMAC-SHA256 Credential=" + Scope
        },
        {
            "AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=abc",
            "Authorization header requires 'Credential' parameter. Authorization=AWS4-HMAC-SHA256 " +
            "SignedHeaders=host;x-amz-date, Signature=abc"
        },
        {
            // Another scheme is answered as if every parameter were missing (AWS's answer to SigV2 and bearer tokens).
            "AWS AKIDEXAMPLE:qaNdqGsI6bq4Hi+9Gzovwyjbh0E=",
            "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' " +
            "parameter. Authorization header requires 'SignedHeaders' parameter. " +
            "Authorization=AWS AKIDEXAMPLE:qaNdqGsI6bq4Hi+9Gzovwyjbh0E="
        },
        {
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE /20150830/us-east-1/ecr/aws4_request, SignedHeaders=host, Signature=abc",
            "'/20150830/us-east-1/ecr/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization " +
            "header: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE /20150830/us-east-1/ecr/aws4_request, SignedHeaders=host, " +
            "Signature=abc'."
        },
        {
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/ecr, SignedHeaders=host;x-amz-date, Signature=abc",
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, " +
            "got 'AKIDEXAMPLE/20150830/us-east-1/ecr'"
        },
    };

    [Theory]
    [MemberData(nameof(IncompleteAuthorizations))]
    public void MalformedAuthorizationIsIncompleteSignature(string authorization, string message)
    {
        var result = Verify(Ecr.Request.WithHeader("Authorization", authorization));

        Assert.Equal(new SigV4Error("IncompleteSignatureException", message), result.Error);
    }

    [Fact]
    public void RequestWithoutAnyDateIsIncompleteSignature()
    {
        var result = Verify(Ecr.Request.WithHeader("X-Amz-Date", null));

        Assert.Equal(SigV4Error.IncompleteSignatureCode, result.Error?.Code);
        Assert.Equal(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=" +
            Ecr.Request.Authorization(),
            result.Error?.Message);
    }

    [Fact]
    public void DateNotInBasicFormatIsIncompleteSignature()
    {
        var result = Verify(Ecr.Request.WithHeader("X-Amz-Date", "2015-08-30T12:36:00Z"));

        Assert.Equal(new SigV4Error("IncompleteSignatureException",
            "Date must be in ISO-8601 'basic format'. Got '2015-08-30T12:36:00Z'. See http://en.wikipedia.org/wiki/ISO_8601"),
            result.Error);
    }

    [Fact]
    public void HostMissingFromSignedHeadersIsInvalidSignature()
    {
        var authorization = Ecr.Request.Authorization().Replace(";host;", ";", StringComparison.Ordinal);

        var result = Verify(Ecr.Request.WithHeader("Authorization", authorization));

        Assert.Equal(new SigV4Error("InvalidSignatureException",
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."), result.Error);
    }

    [Fact]
    public void AnUnsignedTargetIsInvalidSignatureEvenWhenTheRestIsSigned()
    {
        var authorization = Ecr.Request.Authorization().Replace(";x-amz-target", string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain("x-amz-target", authorization, StringComparison.Ordinal);
        var unsignedTarget = Ecr.Request.WithHeader("Authorization", authorization)
            .Resign(Ecr.SecretAccessKey, Region, Service, SignedAt);

        var result = Verify(unsignedTarget.WithHeader("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.DeleteRepository"));
        var withoutTarget = Verify(unsignedTarget.WithHeader("X-Amz-Target", null));

        Assert.Equal(new SigV4Error("InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret " +
            "Access Key and signing method. Consult the service documentation for details."), result.Error);
        Assert.True(withoutTarget.Succeeded, withoutTarget.Error?.Message);
    }

    [Fact]
    public void UnknownAccessKeyIsUnrecognizedClient()
    {
        var result = Verify(Ecr.Request, findSecret: _ => null);

        Assert.Equal(new SigV4Error("UnrecognizedClientException",
            "The security token included in the request is invalid."), result.Error);
    }

    public static TheoryData<string, Func<SigV4Request, SigV4Request>> Tampered() => new()
    {
        { "signature", r => r.WithHeader("Authorization", r.Authorization()[..^1] + (r.Authorization()[^1] == '0' ? "1" : "0")) },
        { "signature in upper case", r => r.WithHeader("Authorization", UpperCaseSignature(r.Authorization())) },
        { "body", r => r with { PayloadHash = SigV4Request.HashPayload("{\"registryIds\":[\"1\"]}"u8) } },
        { "signed header", r => r.WithHeader("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.DeleteRepository") },
        { "host", r => r.WithHeader("Host", "evil.example.com") },
        { "path", r => r with { RawPath = "/other" } },
        { "query", r => r with { RawQuery = "a=1" } },
        { "method", r => r with { Method = "PUT" } },
        { "date within the window", r => r.WithHeader("X-Amz-Date", "20150830T123601Z") },
    };

    [Theory]
    [MemberData(nameof(Tampered))]
    public void ChangedRequestIsInvalidSignature(string changed, Func<SigV4Request, SigV4Request> change)
    {
        var result = Verify(change(Ecr.Request));

        Assert.True(result.Error is not null, changed);
        Assert.Equal(new SigV4Error("InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret " +
            "Access Key and signing method. Consult the service documentation for details."), result.Error);
    }

    [Fact]
    public void UnsignedHeaderMayChange()
    {
        var result = Verify(Ecr.Request.WithHeader("User-Agent", "aws-cli/2.0").WithHeader("X-Extra", "1"));

        Assert.True(result.Succeeded, result.Error?.Message);
    }

    private static string UpperCaseSignature(string authorization)
    {
        var start = authorization.LastIndexOf("Signature=", StringComparison.Ordinal) + "Signature=".Length;
        return authorization[..start] + authorization[start..].ToUpperInvariant();
    }

    internal static SigV4Result Verify(
        SigV4Request request,
        DateTimeOffset? now = null,
        string region = Region,
        string service = Service,
        Func<string, string?>? findSecret = null) =>
        new SigV4Verifier(new FixedTimeProvider(now ?? SignedAt)).Verify(request, region, service, findSecret ?? Ecr.FindSecret);
}
