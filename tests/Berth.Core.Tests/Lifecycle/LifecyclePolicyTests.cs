using Berth.Core.Errors;
using Berth.Core.Lifecycle;
using static Berth.Core.Tests.Lifecycle.LifecycleEvaluatorTests;

namespace Berth.Core.Tests.Lifecycle;

public sealed class LifecyclePolicyTests
{
    private const string Prefix = "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: ";
    private const string Untagged = """{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1}""";
    private const string Any = """{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1}""";

    public static TheoryData<string, string> Refusals => new()
    {
        { "not json", "Could not map policyString into LifecyclePolicy." },
        { "[]", "Could not map policyString into LifecyclePolicy." },
        { """{"no_rules":1}""", """object instance has properties which are not allowed by the schema: ["no_rules"]""" },
        { "{}", """object has missing required properties (["rules"])""" },
        { """{"rules":[]}""", "array is too short: must have at least 1 elements but instance has 0 elements" },
        { """{"rules":[1]}""", """instance type (integer) does not match any allowed primitive type (allowed: ["object"])""" },
        { Rules("""{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1}}"""), """object has missing required properties (["action"])""" },
        { Rules(Rule(0, Any)), "numeric instance is lower than the required minimum (minimum: 1, found: 0)" },
        { Rules(Rule(1, """{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":0}""")), "numeric instance is lower than the required minimum (minimum: 1, found: 0)" },
        { Rules(Rule(1, """{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":"1"}""")), """instance type (string) does not match any allowed primitive type (allowed: ["integer"])""" },
        { Rules(Rule(1, """{"tagStatus":"some","countType":"imageCountMoreThan","countNumber":1}""")), """instance value ("some") not found in enum (possible values: ["tagged","untagged","any"])""" },
        { Rules(Rule(1, """{"tagStatus":"any","countType":"sinceImagePushed","countNumber":1}""")), """object has missing required properties (["countUnit"])""" },
        { Rules(Rule(1, """{"tagStatus":"any","countType":"sinceImagePushed","countUnit":"hours","countNumber":1}""")), """instance value ("hours") not found in enum (possible values: ["days"])""" },
        { Rules(Rule(1, """{"tagStatus":"any","countType":"imageCountMoreThan","countUnit":"days","countNumber":1}""")), "countUnit can only be specified when countType is sinceImagePushed, sinceImagePulled or sinceImageTransitioned." },
        { Rules(Rule(1, """{"tagStatus":"tagged","countType":"imageCountMoreThan","countNumber":1}""")), "Must specify tagPrefixList or tagPatternList when tagStatus=TAGGED." },
        { Rules(Rule(1, """{"tagStatus":"untagged","tagPrefixList":["a"],"countType":"imageCountMoreThan","countNumber":1}""")), "tagPrefixList and tagPatternList can only be specified when tagStatus=TAGGED." },
        { Rules(Rule(1, """{"tagStatus":"tagged","tagPrefixList":["a"],"tagPatternList":["a*"],"countType":"imageCountMoreThan","countNumber":1}""")), "tagPrefixList and tagPatternList cannot both be specified in one rule." },
        { Rules(Rule(1, """{"tagStatus":"tagged","tagPatternList":["*a*b*c*d*"],"countType":"imageCountMoreThan","countNumber":1}""")), "A tagPatternList entry can contain at most 4 wildcards (*)." },
        { Rules(Rule(1, Untagged), Rule(1, Any)), "The rulePriority of each rule must be unique." },
        { Rules(Rule(1, Untagged), Rule(2, Untagged)), "Only one rule can select Untagged images per storage class." },
        { Rules(Rule(1, Any), Rule(2, Untagged)), "Rule for tagStatus=ANY must have the lowest priority per storage class." },
        { Rules(Rule(1, Any, """{"type":"delete"}""")), """instance value ("delete") not found in enum (possible values: ["expire","transition"])""" },
        { Rules(Rule(1, Any, """{"type":"transition"}""")), """object has missing required properties (["targetStorageClass"])""" },
        { Rules(Rule(1, Any, """{"type":"expire","targetStorageClass":"archive"}""")), "targetStorageClass can only be specified when action type is transition." },
        { Rules(Rule(1, """{"tagStatus":"any","countType":"sinceImagePulled","countUnit":"days","countNumber":1}""")), "countType sinceImagePulled can only be used with action type transition." },
        { Rules(Rule(1, """{"tagStatus":"any","countType":"sinceImageTransitioned","countUnit":"days","countNumber":100}""")), "countType sinceImageTransitioned can only be used with storageClass archive." },
        { Rules(Rule(1, """{"tagStatus":"any","storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days","countNumber":30}""")), "Images in storageClass archive can only be expired after 90 days in archive." },
        { Rules(Rule(1, """{"tagStatus":"any","storageClass":"archive","countType":"imageCountMoreThan","countNumber":3}""", """{"type":"transition","targetStorageClass":"archive"}""")), "Rules for storageClass archive can only expire images." },
        { Rules(Rule(1, """{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1,"extra":true}""")), """object instance has properties which are not allowed by the schema: ["extra"]""" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void InvalidPolicyIsRefusedWithEcrsMessage(string text, string detail)
    {
        var error = Assert.Throws<RegistryException>(() => LifecyclePolicy.Parse(text));
        Assert.Equal("InvalidParameterException", error.Error.EcrException);
        Assert.Equal(Prefix + detail + "'", error.Message);
    }

    [Fact]
    public void FiftyRulesAreAcceptedAndFiftyOneRefused()
    {
        var rules = Enumerable.Range(1, 51).Select(i => Rule(i, $$"""{"tagStatus":"tagged","tagPrefixList":["t{{i}}"],"countType":"imageCountMoreThan","countNumber":1}""")).ToArray();
        Assert.Equal(50, LifecyclePolicy.Parse(Rules(rules[..50])).Rules.Count);
        var error = Assert.Throws<RegistryException>(() => LifecyclePolicy.Parse(Rules(rules)));
        Assert.Equal(Prefix + "array is too long: must have at most 50 elements but instance has 51 elements'", error.Message);
    }

    [Fact]
    public void ExpireSinceImagePulledIsAcceptedWhenTheExtensionIsOn()
    {
        var text = Rules(Rule(1, """{"tagStatus":"any","countType":"sinceImagePulled","countUnit":"days","countNumber":30}"""));
        var policy = LifecyclePolicy.Parse(text, allowExpireSinceImagePulled: true);
        Assert.Equal(LifecycleCountType.SinceImagePulled, Assert.Single(policy.Rules).Selection.CountType);
    }

    [Fact]
    public void RulesComeInPriorityOrderAndAnyRulesPerStorageClassMayCoexist()
    {
        var policy = LifecyclePolicy.Parse(Rules(
            Rule(9, """{"tagStatus":"any","storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days","countNumber":90}"""),
            Rule(5, Any),
            Rule(2, Untagged)));
        Assert.Equal([2, 5, 9], policy.Rules.Select(r => r.Priority));
    }
}
