using Berth.Core.Repositories;

namespace Berth.Core.Tests.Repositories;

public sealed class RepositoryCreationTemplateTests
{
    [Theory]
    [InlineData("app", new[] { "ROOT" })]
    [InlineData("team-a/app", new[] { "team-a", "team-a/", "ROOT" })]
    [InlineData("org/team/api", new[] { "org/team", "org/team/", "org", "org/", "ROOT" })]
    public void CandidatePrefixesRunFromTheMostSpecificToRoot(string repository, string[] expected) =>
        Assert.Equal(expected, RepositoryCreationTemplate.CandidatePrefixes(repository));

    [Fact]
    public void APrefixNeverMatchesTheRepositoryOfThatExactNameOrAPartialSegment()
    {
        var candidates = RepositoryCreationTemplate.CandidatePrefixes("team-ab/app").ToList();

        Assert.DoesNotContain("team-a", candidates);
        Assert.DoesNotContain("team-ab/app", candidates);
    }
}
