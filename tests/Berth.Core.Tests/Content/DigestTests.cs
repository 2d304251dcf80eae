using Berth.Core.Content;

namespace Berth.Core.Tests.Content;

public sealed class DigestTests
{
    [Theory]
    [InlineData("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")]
    [InlineData("sha512:9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043")]
    public void AWellFormedDigestRoundTrips(string value)
    {
        Assert.True(Digest.TryParse(value, out var digest));
        Assert.Equal(value, digest.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha256")]
    [InlineData(":abc")]
    [InlineData("sha256:2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824")]
    [InlineData("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b982")]
    [InlineData("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b98240")]
    [InlineData("sha384:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")]
    [InlineData("sha256:../../../../etc/passwd00000000000000000000000000000000000000000")]
    public void AMalformedDigestIsRefused(string? value) => Assert.False(Digest.TryParse(value, out _));

    [Fact]
    public void Sha256OfHashesTheExactBytes() =>
        Assert.Equal("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", Digest.Sha256Of("hello"u8).ToString());
}
