using Berth.Core.Repositories;

namespace Berth.Core.Tests.Repositories;

public sealed class RepositorySettingsTests
{
    [Theory]
    [InlineData("MUTABLE", "latest", true)]
    [InlineData("IMMUTABLE", "latest", false)]
    [InlineData("IMMUTABLE_WITH_EXCLUSION", "dev-1", true)]
    [InlineData("IMMUTABLE_WITH_EXCLUSION", "v1", false)]
    [InlineData("MUTABLE_WITH_EXCLUSION", "release-1", false)]
    [InlineData("MUTABLE_WITH_EXCLUSION", "latest", true)]
    public void ExclusionFiltersInvertTheRepositorysMutability(string mutability, string tag, bool allowed)
    {
        var settings = RepositorySettings.Default with
        {
            ImageTagMutability = mutability,
            MutabilityExclusions = [new TagMutabilityExclusion("WILDCARD", "dev-*"), new TagMutabilityExclusion("WILDCARD", "release-*")],
        };

        Assert.Equal(allowed, settings.AllowsRetag(tag));
    }

    [Theory]
    [InlineData("*", "anything", true)]
    [InlineData("v*-rc", "v1.2-rc", true)]
    [InlineData("v*-rc", "v1.2-rc1", false)]
    [InlineData("exact", "exact", true)]
    [InlineData("exact", "exactly", false)]
    [InlineData("a*b*c", "aXXbYYc", true)]
    public void WildcardFiltersMatchWholeTags(string filter, string tag, bool matches) =>
        Assert.Equal(matches, new TagMutabilityExclusion("WILDCARD", filter).Matches(tag));
}
