using Berth.Core.SigV4;

namespace Berth.Core.Tests.SigV4;

/// <summary>The spellings of the Authorization header AWS accepts, and the presigned query form.</summary>
public sealed class AuthorizationHeaderFormatTests
{
    private static readonly BotocoreVector Ecr = BotocoreVector.Get("ecr-get-authorization-token");

    public static TheoryData<string> Separators() => [", ", ",", " ", " ,  ", ",\t"];

    [Theory]
    [MemberData(nameof(Separators))]
    public void ParametersMaySeparateWithCommasOrWhitespace(string separator)
    {
        var signature = Ecr.Signature;
        var authorization = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/ecr/aws4_request" + separator +
            "SignedHeaders=content-type;host;x-amz-date;x-amz-target" + separator + "Signature=" + signature;

        var result = SigV4VerifierFailureTests.Verify(Ecr.Request.WithHeader("Authorization", authorization));

        Assert.True(result.Succeeded, result.Error?.Message);
    }

    [Fact]
    public void ParametersMayComeInAnyOrder()
    {
        var authorization = "AWS4-HMAC-SHA256 Signature=" + Ecr.Signature +
            ", SignedHeaders=content-type;host;x-amz-date;x-amz-target, " +
            "Credential=AKIDEXAMPLE/20150830/us-east-1/ecr/aws4_request";

        var result = SigV4VerifierFailureTests.Verify(Ecr.Request.WithHeader("Authorization", authorization));

        Assert.True(result.Succeeded, result.Error?.Message);
    }

    [Fact]
    public void SessionTokenIsReturnedForTheCallerToCheck()
    {
        var vector = BotocoreVector.Get("ecr-describe-repositories-session-token");

        var result = SigV4VerifierFailureTests.Verify(vector.Request);

        Assert.Equal(vector.SessionToken, result.Identity?.SessionToken);
    }

    [Fact]
    public void SignedSessionTokenCannotBeSwapped()
    {
        var vector = BotocoreVector.Get("ecr-describe-repositories-session-token");

        var result = SigV4VerifierFailureTests.Verify(vector.Request.WithHeader("X-Amz-Security-Token", "other"));

        Assert.Equal(SigV4Error.InvalidSignatureCode, result.Error?.Code);
    }

    [Fact]
    public void PresignedRequestVerifiesUntilItExpires()
    {
        var vector = BotocoreVector.Get("ecr-presigned-query");

        var lastSecond = SigV4VerifierFailureTests.Verify(vector.Request, vector.Timestamp.AddSeconds(300));
        var expired = SigV4VerifierFailureTests.Verify(vector.Request, vector.Timestamp.AddSeconds(301));

        Assert.True(lastSecond.Succeeded, lastSecond.Error?.Message);
        Assert.Equal(new SigV4Error("InvalidSignatureException",
            "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T124101Z - 5 min.)"),
            expired.Error);
    }

    [Fact]
    public void PresignedRequestFromTheFutureIsNotYetCurrent()
    {
        var vector = BotocoreVector.Get("ecr-presigned-query");

        var result = SigV4VerifierFailureTests.Verify(vector.Request, vector.Timestamp.AddMinutes(-16));

        Assert.StartsWith("Signature not yet current: 20150830T123600Z", result.Error?.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("X-Amz-Signature", "AWS query-string parameters must include 'X-Amz-Signature'. Re-examine the query-string parameters.")]
    [InlineData("X-Amz-Credential", "AWS query-string parameters must include 'X-Amz-Credential'. Re-examine the query-string parameters.")]
    [InlineData("X-Amz-Date", "AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters.")]
    public void PresignedRequestWithoutARequiredParameterIsIncompleteSignature(string parameter, string message)
    {
        var vector = BotocoreVector.Get("ecr-presigned-query");
        var query = string.Join('&', vector.Request.RawQuery.Split('&')
            .Where(p => !p.StartsWith(parameter + "=", StringComparison.Ordinal)));

        var result = SigV4VerifierFailureTests.Verify(vector.Request with { RawQuery = query });

        Assert.Equal(new SigV4Error("IncompleteSignatureException", message), result.Error);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("604801")]
    [InlineData("-5")]
    [InlineData("soon")]
    public void PresignedExpiryOutsideOneSecondToOneWeekIsIncompleteSignature(string expires)
    {
        var vector = BotocoreVector.Get("ecr-presigned-query");
        var query = vector.Request.RawQuery.Replace("X-Amz-Expires=300", "X-Amz-Expires=" + expires, StringComparison.Ordinal);

        var result = SigV4VerifierFailureTests.Verify(vector.Request with { RawQuery = query });

        Assert.Equal(SigV4Error.IncompleteSignatureCode, result.Error?.Code);
    }

    [Fact]
    public void PresignedRequestWithAnotherAlgorithmIsMissingAuthenticationToken()
    {
        var vector = BotocoreVector.Get("ecr-presigned-query");
        var query = vector.Request.RawQuery.Replace("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256", StringComparison.Ordinal);

        var result = SigV4VerifierFailureTests.Verify(vector.Request with { RawQuery = query });

        Assert.Equal(SigV4Error.MissingAuthenticationTokenCode, result.Error?.Code);
    }

    [Fact]
    public void RequestSignedInBothHeaderAndQueryIsRejected()
    {
        var presigned = BotocoreVector.Get("ecr-presigned-query");

        var result = SigV4VerifierFailureTests.Verify(
            Ecr.Request with { RawQuery = presigned.Request.RawQuery });

        Assert.Equal(SigV4Error.InvalidSignatureCode, result.Error?.Code);
    }
}
