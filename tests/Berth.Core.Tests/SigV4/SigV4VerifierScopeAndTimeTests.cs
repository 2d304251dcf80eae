using Berth.Core.SigV4;

namespace Berth.Core.Tests.SigV4;

/// <summary>The clock window and the credential scope, checked before any secret is looked up.</summary>
public sealed class SigV4VerifierScopeAndTimeTests
{
    private static readonly BotocoreVector Ecr = BotocoreVector.Get("ecr-get-authorization-token");

    public static TheoryData<string, string> ClockTooFarFromTheSignature() => new()
    {
        {
            "2015-08-30T12:56:00Z",
            "Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z (20150830T125600Z - 15 min.)"
        },
        {
            "2015-08-30T12:51:01Z",
            "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T125101Z - 15 min.)"
        },
        {
            "2015-08-30T12:15:00Z",
            "Signature not yet current: 20150830T123600Z is still later than 20150830T123000Z (20150830T121500Z + 15 min.)"
        },
    };

    [Theory]
    [MemberData(nameof(ClockTooFarFromTheSignature))]
    public void RequestOutsideFifteenMinutesIsInvalidSignature(string now, string message)
    {
        var lookups = 0;

        var result = SigV4VerifierFailureTests.Verify(Ecr.Request, DateTimeOffset.Parse(now, null),
            findSecret: key => { lookups++; return Ecr.FindSecret(key); });

        Assert.Equal(new SigV4Error("InvalidSignatureException", message), result.Error);
        Assert.Equal(0, lookups);
    }

    [Theory]
    [InlineData("2015-08-30T12:51:00Z")]
    [InlineData("2015-08-30T12:21:00Z")]
    public void RequestExactlyFifteenMinutesAwayIsAccepted(string now)
    {
        var result = SigV4VerifierFailureTests.Verify(Ecr.Request, DateTimeOffset.Parse(now, null));

        Assert.True(result.Succeeded, result.Error?.Message);
    }

    public static TheoryData<string, string, string, string> ScopeMismatches() => new()
    {
        { "AKIDEXAMPLE/20150830/us-east-1/ecr/aws4_request", "eu-west-1", "ecr",
            "Credential should be scoped to a valid region, not 'us-east-1'. " },
        { "AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request", "us-east-1", "ecr",
            "Credential should be scoped to correct service: 'ecr'. " },
        { "AKIDEXAMPLE/20150830/us-east-1/ecr/aws5_request", "us-east-1", "ecr",
            "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. " },
        { "AKIDEXAMPLE/20150831/us-east-1/ecr/aws4_request", "us-east-1", "ecr",
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: " +
            "'20150831' != '20150830', from '20150830T123600Z'. " },
        { "AKIDEXAMPLE/20150831/eu-west-1/s3/aws4_request", "us-east-1", "ecr",
            "Credential should be scoped to a valid region, not 'eu-west-1'. " +
            "Credential should be scoped to correct service: 'ecr'. " +
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: " +
            "'20150831' != '20150830', from '20150830T123600Z'. " },
    };

    [Theory]
    [MemberData(nameof(ScopeMismatches))]
    public void CredentialScopeOtherThanExpectedIsInvalidSignature(
        string credential, string expectedRegion, string expectedService, string message)
    {
        var authorization = Ecr.Request.Authorization().Replace(
            "AKIDEXAMPLE/20150830/us-east-1/ecr/aws4_request", credential, StringComparison.Ordinal);

        var result = SigV4VerifierFailureTests.Verify(
            Ecr.Request.WithHeader("Authorization", authorization), region: expectedRegion, service: expectedService);

        Assert.Equal(new SigV4Error("InvalidSignatureException", message), result.Error);
    }

    [Fact]
    public void RequestSignedForAnotherRegionFailsEvenWithTheRightSecret()
    {
        var euWest = BotocoreVector.Get("ecr-eu-west-1");

        var result = SigV4VerifierFailureTests.Verify(euWest.Request, region: "us-east-1");

        Assert.Equal("Credential should be scoped to a valid region, not 'eu-west-1'. ", result.Error?.Message);
    }

    [Fact]
    public void HttpDateHeaderStandsInForXAmzDate()
    {
        var request = Ecr.Request
            .WithHeader("X-Amz-Date", null)
            .WithHeader("Date", "Sun, 30 Aug 2015 12:36:00 GMT")
            .WithHeader("Authorization", Ecr.Request.Authorization().Replace("x-amz-date", "date", StringComparison.Ordinal))
            .Resign(Ecr.SecretAccessKey, "us-east-1", "ecr", Ecr.Timestamp);

        var result = SigV4VerifierFailureTests.Verify(request);

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(Ecr.Timestamp, result.Identity.SignedAt);
    }

    [Fact]
    public async Task AsyncLookupGivesTheSameResult()
    {
        var verifier = new SigV4Verifier(new FixedTimeProvider(Ecr.Timestamp));

        var result = await verifier.VerifyAsync(Ecr.Request, "us-east-1", "ecr",
            (key, _) => ValueTask.FromResult(Ecr.FindSecret(key)), CancellationToken.None);

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal("AKIDEXAMPLE", result.Identity.AccessKeyId);
    }
}
