using System.Security.Cryptography;
using System.Text;
using Berth.Core.Content;
using Berth.Core.Lifecycle;

namespace Berth.Core.Tests.Lifecycle;

/// <summary>
/// The examples of the ECR user guide's "Examples of lifecycle policies" as tables: repository contents, policy,
/// documented result (https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_examples.html).
/// </summary>
public sealed class LifecycleEvaluatorTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string, string, string> UserGuideExamples => new()
    {
        {
            "Filtering on image age: untagged older than 14 days",
            "A:[]:20d B:[]:14d C:[]:3d D:[v1]:30d",
            Rules(Rule(1, """{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14}""")),
            "A"
        },
        {
            "Filtering on image count: keep one untagged image",
            "A:[]:3d B:[]:2d C:[]:1d D:[v1]:4d",
            Rules(Rule(1, """{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1}""")),
            "A B"
        },
        {
            "Multiple rules, example A: prod before beta",
            "A:[beta-1,prod-1]:10d B:[beta-2,prod-2]:9d C:[beta-3]:8d",
            Rules(
                Rule(1, """{"tagStatus":"tagged","tagPrefixList":["prod"],"countType":"imageCountMoreThan","countNumber":1}"""),
                Rule(2, """{"tagStatus":"tagged","tagPrefixList":["beta"],"countType":"imageCountMoreThan","countNumber":1}""")),
            "A"
        },
        {
            "Multiple rules, example B: beta before prod",
            "A:[beta-1,prod-1]:10d B:[beta-2,prod-2]:9d C:[beta-3]:8d",
            Rules(
                Rule(1, """{"tagStatus":"tagged","tagPrefixList":["beta"],"countType":"imageCountMoreThan","countNumber":1}"""),
                Rule(2, """{"tagStatus":"tagged","tagPrefixList":["prod"],"countType":"imageCountMoreThan","countNumber":1}""")),
            "A B"
        },
        {
            "Multiple tags in one rule, example A: all prefixes must match",
            "A:[alpha-1]:12d B:[beta-1]:11d C:[alpha-2,beta-2]:10d D:[alpha-3]:4d E:[beta-3]:3d F:[alpha-4,beta-4]:2d",
            Rules(Rule(1, """{"tagStatus":"tagged","tagPrefixList":["alpha","beta"],"countType":"sinceImagePushed","countNumber":5,"countUnit":"days"}""")),
            "C"
        },
        {
            "Multiple tags in one rule, example B: tags are not exclusive",
            "A:[alpha-1,beta-1,gamma-1]:10d B:[alpha-2,beta-2]:9d C:[alpha-3,beta-3,gamma-2]:8d",
            Rules(Rule(1, """{"tagStatus":"tagged","tagPrefixList":["alpha","beta"],"countType":"imageCountMoreThan","countNumber":1}""")),
            "A B"
        },
        {
            "All images, example A: keep one image",
            "A:[alpha-1]:4d B:[beta-1]:3d C:[]:2d D:[alpha-2]:1d",
            Rules(Rule(1, """{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1}""")),
            "A B C"
        },
        {
            "All images, example B: every rule type together",
            "A:[alpha-1,beta-1]:4d B:[]:3d C:[alpha-2]:2d D:[git-hash]:1d1m E:[]:1d",
            Rules(
                Rule(1, """{"tagStatus":"tagged","tagPrefixList":["alpha"],"countType":"imageCountMoreThan","countNumber":1}"""),
                Rule(2, """{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":1}"""),
                Rule(3, """{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1}""")),
            "A B D"
        },
        {
            "Tag pattern prod* older than 14 days",
            "A:[prod]:20d B:[prod1]:15d C:[prod2]:3d D:[dev1]:30d",
            Rules(Rule(1, """{"tagStatus":"tagged","tagPatternList":["prod*"],"countType":"sinceImagePushed","countUnit":"days","countNumber":14}""")),
            "A B"
        },
    };

    [Theory]
    [MemberData(nameof(UserGuideExamples))]
    public void UserGuideExampleExpiresTheDocumentedImages(string example, string repository, string policy, string expired)
    {
        var images = Images(repository);
        var decisions = LifecycleEvaluator.Evaluate(LifecyclePolicy.Parse(policy), images.Values.ToList(), Now);
        Assert.True(expired == Names(images, decisions), example);
        Assert.All(decisions, d => Assert.Equal(LifecycleActionType.Expire, d.Action));
    }

    [Fact]
    public void ImageListedByAnIndexIsNotExpiredWhileTheIndexStays()
    {
        var images = Images("A:[]:10d B:[]:9d C:[v1]:1d");
        images["A"] = images["A"] with { ReferencedByIndex = true };
        var decisions = LifecycleEvaluator.Evaluate(
            LifecyclePolicy.Parse(Rules(Rule(1, """{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":1}"""))), [.. images.Values], Now);
        Assert.Equal("B", Names(images, decisions));
    }

    [Fact]
    public void CountKeepsTheMostRecentAndActsOldestFirst()
    {
        var images = Images("A:[v1]:5d B:[v2]:1d C:[v3]:3d D:[v4]:4d E:[v5]:2d");
        var decisions = LifecycleEvaluator.Evaluate(
            LifecyclePolicy.Parse(Rules(Rule(1, """{"tagStatus":"tagged","tagPatternList":["v*"],"countType":"imageCountMoreThan","countNumber":2}"""))), [.. images.Values], Now);
        Assert.Equal(["A", "D", "C"], decisions.Select(d => NameOf(images, d)));
    }

    [Fact]
    public void TransitionArchivesAndArchiveRulesExpireOnlyAfterNinetyDays()
    {
        var images = Images("A:[]:200d B:[]:150d C:[v1]:120d");
        images["A"] = images["A"] with { Status = ImageStatus.Archived, ArchivedAt = Now - TimeSpan.FromDays(100) };
        images["B"] = images["B"] with { Status = ImageStatus.Archived, ArchivedAt = Now - TimeSpan.FromDays(30) };
        var policy = LifecyclePolicy.Parse(Rules(
            Rule(1, """{"tagStatus":"any","countType":"sinceImagePushed","countUnit":"days","countNumber":100}""", """{"type":"transition","targetStorageClass":"archive"}"""),
            Rule(2, """{"tagStatus":"any","storageClass":"archive","countType":"imageCountMoreThan","countNumber":1}""")));
        var decisions = LifecycleEvaluator.Evaluate(policy, [.. images.Values], Now);
        Assert.Equal(
            ["A:Expire", "C:Transition"],
            decisions.Select(d => NameOf(images, d) + ":" + d.Action));
    }

    [Fact]
    public void SinceImagePulledUsesThePushTimeOfImagesNeverPulled()
    {
        var images = Images("A:[v1]:40d B:[v2]:40d C:[v3]:10d");
        images["B"] = images["B"] with { LastPulledAt = Now - TimeSpan.FromDays(2) };
        var decisions = LifecycleEvaluator.Evaluate(
            LifecyclePolicy.Parse(Rules(Rule(1, """{"tagStatus":"any","countType":"sinceImagePulled","countUnit":"days","countNumber":30}""", """{"type":"transition","targetStorageClass":"archive"}"""))),
            [.. images.Values], Now);
        Assert.Equal("A", Names(images, decisions));
    }

    [Theory]
    [InlineData("prod*", "prod", true)]
    [InlineData("prod*", "production", true)]
    [InlineData("prod*", "preprod", false)]
    [InlineData("*test*1*2*", "mytest-1-2-x", true)]
    [InlineData("*test*1*2*", "mytest-2-1", false)]
    [InlineData("v1.*.0", "v1.2.0", true)]
    [InlineData("v1.*.0", "v1.2.1", false)]
    [InlineData("latest", "latest", true)]
    [InlineData("latest", "Latest", false)]
    public void TagPatternMatchesWholeTags(string pattern, string tag, bool expected) =>
        Assert.Equal(expected, TagPattern.IsMatch(pattern, tag));

    internal static string Rule(int priority, string selection, string action = """{"type":"expire"}""") =>
        $$"""{"rulePriority":{{priority}},"description":"rule {{priority}}","selection":{{selection}},"action":{{action}}}""";

    internal static string Rules(params string[] rules) => $$"""{"rules":[{{string.Join(",", rules)}}]}""";

    /// <summary>"A:[t1,t2]:10d B:[]:1d1m": name, tags, age in days (and minutes).</summary>
    private static Dictionary<string, LifecycleImage> Images(string spec)
    {
        var images = new Dictionary<string, LifecycleImage>(StringComparer.Ordinal);
        foreach (var entry in spec.Split(' '))
        {
            var parts = entry.Split(':');
            var tags = parts[1].Trim('[', ']').Split(',', StringSplitOptions.RemoveEmptyEntries);
            var age = parts[2].Split('d');
            var pushed = Now - TimeSpan.FromDays(int.Parse(age[0], System.Globalization.CultureInfo.InvariantCulture))
                - (age[1].Length > 0 ? TimeSpan.FromMinutes(int.Parse(age[1].TrimEnd('m'), System.Globalization.CultureInfo.InvariantCulture)) : TimeSpan.Zero);
            var digest = Digest.Parse("sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(parts[0]))));
            images[parts[0]] = new LifecycleImage(digest, tags, pushed, null, ImageStatus.Active, null, false);
        }

        return images;
    }

    private static string NameOf(Dictionary<string, LifecycleImage> images, LifecycleDecision decision) =>
        images.Single(i => i.Value.Digest == decision.Image.Digest).Key;

    private static string Names(Dictionary<string, LifecycleImage> images, IReadOnlyList<LifecycleDecision> decisions) =>
        string.Join(" ", decisions.Select(d => NameOf(images, d)).Order(StringComparer.Ordinal));
}
