using Berth.Core.SigV4;

namespace Berth.Core.Tests.SigV4;

/// <summary>Canonical URI and query string rules, table-driven.</summary>
public sealed class CanonicalUriTests
{
    [Theory]
    [InlineData("", "/")]
    [InlineData("/", "/")]
    [InlineData("/a/b/", "/a/b/")]
    [InlineData("//a//b//", "/a/b/")]
    [InlineData("/a/./b/../c", "/a/c")]
    [InlineData("/../..", "/")]
    [InlineData("/a%20b", "/a%2520b")]
    [InlineData("/a b", "/a%20b")]
    [InlineData("/caf\u00e9", "/caf%C3%A9")]
    [InlineData("/-._~!$'()*+,;=:@", "/-._~%21%24%27%28%29%2A%2B%2C%3B%3D%3A%40")]
    public void StandardPathIsNormalizedAndEncodedAsSent(string rawPath, string expected)
    {
        Assert.Equal(expected, CanonicalUri.Path(rawPath, CanonicalPathStyle.Standard));
    }

    [Theory]
    [InlineData("", "/")]
    [InlineData("//a/./b/../", "//a/./b/../")]
    [InlineData("/a%20b", "/a%20b")]
    [InlineData("/a%2fb", "/a%2Fb")]
    [InlineData("/a b+c", "/a%20b%2Bc")]
    [InlineData("/%7Euser", "/~user")]
    [InlineData("/100%", "/100%25")]
    public void S3PathIsOnlyBroughtToOneEncoding(string rawPath, string expected)
    {
        Assert.Equal(expected, CanonicalUri.Path(rawPath, CanonicalPathStyle.S3));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("?", "")]
    [InlineData("b=2&a=1", "a=1&b=2")]
    [InlineData("a=2&a=1&a=10", "a=1&a=10&a=2")]
    [InlineData("flag", "flag=")]
    [InlineData("a=&b", "a=&b=")]
    [InlineData("k=a%2fb&k2=a/b", "k=a%2Fb&k2=a%2Fb")]
    [InlineData("k=a%20b&k2=a+b", "k=a%20b&k2=a%2Bb")]
    [InlineData("%7e=%41", "~=A")]
    [InlineData("B=1&a=1&_=1", "B=1&_=1&a=1")]
    [InlineData("a=1&&b=2", "a=1&b=2")]
    public void QueryIsDecodedEncodedAndSorted(string rawQuery, string expected)
    {
        Assert.Equal(expected, CanonicalUri.Query(rawQuery));
    }

    [Fact]
    public void PresignedSignatureIsLeftOutOfTheQuery()
    {
        Assert.Equal("X-Amz-Date=1&a=b", CanonicalUri.Query("X-Amz-Signature=abc&a=b&X-Amz-Date=1", "X-Amz-Signature"));
    }

    [Fact]
    public void SigningKeyMatchesAwsDocumentationExample()
    {
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html (IAM example key).
        var key = SigningKey.Derive("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");

        Assert.Equal("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d", Convert.ToHexStringLower(key));
    }
}
