using Berth.Core.Naming;

namespace Berth.Core.Tests.Naming;

public sealed class NamingTests
{
    [Theory]
    [InlineData("ab")]
    [InlineData("library/ubuntu")]
    [InlineData("my-web-app")]
    [InlineData("a.b_c__d---e/f9")]
    [InlineData("team/project/service")]
    public void ValidRepositoryNamesParse(string value) => Assert.True(RepositoryName.TryParse(value, out _));

    [Theory]
    [InlineData("a")]
    [InlineData("Upper")]
    [InlineData("-lead")]
    [InlineData("trail-")]
    [InlineData("a//b")]
    [InlineData("a/")]
    [InlineData("/a")]
    [InlineData("a..b")]
    [InlineData("a___b")]
    [InlineData("a b")]
    [InlineData("../etc")]
    public void InvalidRepositoryNamesAreRefused(string value) => Assert.False(RepositoryName.TryParse(value, out _));

    [Fact]
    public void RepositoryNamesAreAtMost256Characters()
    {
        Assert.True(RepositoryName.TryParse(new string('a', 256), out _));
        Assert.False(RepositoryName.TryParse(new string('a', 257), out _));
    }

    [Theory]
    [InlineData("latest", true)]
    [InlineData("_x", true)]
    [InlineData("v1.2.3-rc_1", true)]
    [InlineData("-x", false)]
    [InlineData(".x", false)]
    [InlineData("a:b", false)]
    [InlineData("", false)]
    public void TagsFollowTheOciGrammar(string value, bool valid) => Assert.Equal(valid, Tag.TryParse(value, out _));

    [Fact]
    public void TagsAreAtMost128Characters()
    {
        Assert.True(Tag.TryParse(new string('a', 128), out _));
        Assert.False(Tag.TryParse(new string('a', 129), out _));
    }

    [Fact]
    public void AReferenceWithAColonMustBeADigest()
    {
        Assert.True(Reference.TryParse("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", out var digest));
        Assert.True(digest.IsDigest);
        Assert.True(Reference.TryParse("v1", out var tag));
        Assert.False(tag.IsDigest);
        Assert.False(Reference.TryParse("sha256:short", out _));
    }
}
