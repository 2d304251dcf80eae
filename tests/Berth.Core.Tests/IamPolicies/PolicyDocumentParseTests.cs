using System.Diagnostics;
using Berth.Core.IamPolicies;

namespace Berth.Core.Tests.IamPolicies;

/// <summary>Parsing and validation, with the MalformedPolicyDocument texts IAM answers.</summary>
public sealed class PolicyDocumentParseTests
{
    private const string Allow = """{"Effect":"Allow","Action":"ecr:*","Resource":"*"}""";

    public static TheoryData<string, PolicyDocumentKind, string> MalformedDocuments => new()
    {
        { "not json", PolicyDocumentKind.Identity, PolicyErrors.SyntaxErrors },
        { "", PolicyDocumentKind.Identity, PolicyErrors.SyntaxErrors },
        { """{"Version":"2012-10-17","Statement":ALLOW,"Statement":""" + new string('[', 1000) + "}", PolicyDocumentKind.Identity, PolicyErrors.SyntaxErrors },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"*","Condition":{"StringEquals":{"aws:username":null}}}}""", PolicyDocumentKind.Identity, PolicyErrors.SyntaxErrors },
        { "[]", PolicyDocumentKind.Identity, PolicyErrors.SyntaxErrors },
        { """{"Version":"2012-10-17"}""", PolicyDocumentKind.Identity, PolicyErrors.SyntaxErrors },
        { """{"Version":"2012-10-17","Statement":[]}""", PolicyDocumentKind.Identity, PolicyErrors.SyntaxErrors },
        { """{"Version":"2013-01-01","Statement":[ALLOW]}""", PolicyDocumentKind.Identity, PolicyErrors.SyntaxErrors },
        { """{"Version":"2012-10-17","Statement":[ALLOW],"Extra":1}""", PolicyDocumentKind.Identity, PolicyErrors.SyntaxErrors },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"*","Foo":"x"}}""", PolicyDocumentKind.Identity, PolicyErrors.SyntaxErrors },
        { """{"Version":"2012-10-17","Statement":{"Action":"ecr:*","Resource":"*"}}""", PolicyDocumentKind.Identity, PolicyErrors.SyntaxErrors },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Maybe","Action":"ecr:*","Resource":"*"}}""", PolicyDocumentKind.Identity, PolicyErrors.SyntaxErrors },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","NotAction":"s3:*","Resource":"*"}}""", PolicyDocumentKind.Identity, PolicyErrors.SyntaxErrors },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"*","NotResource":"*"}}""", PolicyDocumentKind.Identity, PolicyErrors.SyntaxErrors },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":[1],"Resource":"*"}}""", PolicyDocumentKind.Identity, PolicyErrors.SyntaxErrors },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"*","Condition":{"StringEqualz":{"aws:username":"a"}}}}""", PolicyDocumentKind.Identity, PolicyErrors.SyntaxErrors },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"*","Condition":{"NullIfExists":{"aws:username":"true"}}}}""", PolicyDocumentKind.Identity, PolicyErrors.SyntaxErrors },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"*","Condition":{"StringEquals":{"aws:username":{"a":"b"}}}}}""", PolicyDocumentKind.Identity, PolicyErrors.SyntaxErrors },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"*","Condition":{"StringEquals":"x"}}}""", PolicyDocumentKind.Identity, PolicyErrors.SyntaxErrors },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"999.1.1.1/99"}}}}""", PolicyDocumentKind.Identity, PolicyErrors.SyntaxErrors },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","10.0.0.0/33"]}}}}""", PolicyDocumentKind.Identity, PolicyErrors.SyntaxErrors },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"*","Condition":{"IpAddressIfExists":{"aws:SourceIp":"2001:db8::/129"}}}}""", PolicyDocumentKind.Identity, PolicyErrors.SyntaxErrors },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10"}}}}""", PolicyDocumentKind.Identity, PolicyErrors.SyntaxErrors },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/"}}}}""", PolicyDocumentKind.Identity, PolicyErrors.SyntaxErrors },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"me","Action":"ecr:*"}}""", PolicyDocumentKind.Resource, PolicyErrors.SyntaxErrors },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Somebody":"x"},"Action":"ecr:*"}}""", PolicyDocumentKind.Resource, PolicyErrors.SyntaxErrors },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"ecr:*","Resource":"*"}}""", PolicyDocumentKind.Identity, PolicyErrors.ShouldNotSpecifyPrincipal },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"ecr:*","Resource":"*"}}""", PolicyDocumentKind.Identity, PolicyErrors.ShouldNotSpecifyPrincipal },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*"}}""", PolicyDocumentKind.Resource, PolicyErrors.MissingPrincipal },
        { """{"Version":"2012-10-17","Statement":{"Effect":"allow","Action":"ecr:*","Resource":"*"}}""", PolicyDocumentKind.Identity, PolicyErrors.LegacyParsing },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"yesterday"}}}}""", PolicyDocumentKind.Identity, PolicyErrors.LegacyParsing },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"arn:aws:ecr::repo"}}""", PolicyDocumentKind.Identity, PolicyErrors.LegacyParsing },
        { """{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"ecr:*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"ecr:*","Resource":"*"}]}""", PolicyDocumentKind.Identity, PolicyErrors.DuplicateSid },
        { """{"Version":"2012-10-17","Statement":{"Sid":"not ok","Effect":"Allow","Action":"ecr:*","Resource":"*"}}""", PolicyDocumentKind.Identity, PolicyErrors.SidNotAlphanumeric },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Resource":"*"}}""", PolicyDocumentKind.Identity, PolicyErrors.MissingActions },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":[],"Resource":"*"}}""", PolicyDocumentKind.Identity, PolicyErrors.MissingActions },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*"}}""", PolicyDocumentKind.Identity, PolicyErrors.MissingResources },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":[]}}""", PolicyDocumentKind.Identity, PolicyErrors.MissingResources },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"my-repo"}}""", PolicyDocumentKind.Identity, "Resource my-repo must be in ARN format or \"*\"." },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"arn:xyz:ecr"}}""", PolicyDocumentKind.Identity, "Partition \"xyz\" is not valid for resource \"arn:xyz:ecr:*:*:*\"." },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"arn:aws"}}""", PolicyDocumentKind.Identity, PolicyErrors.ResourceVendorNotQualified },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam:us-east-1:111122223333:user/a"}}""", PolicyDocumentKind.Identity, "IAM resource arn:aws:iam:us-east-1:111122223333:user/a cannot contain region information." },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"PutImage","Resource":"*"}}""", PolicyDocumentKind.Identity, PolicyErrors.MissingVendor },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:Put:Image","Resource":"*"}}""", PolicyDocumentKind.Identity, PolicyErrors.TooManyColons },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"e cr:PutImage","Resource":"*"}}""", PolicyDocumentKind.Identity, "Vendor e cr is not valid" },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"*","Condition":{"StringEquals":{"username":"a"}}}}""", PolicyDocumentKind.Identity, PolicyErrors.MissingVendor },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"bob"},"Action":"ecr:*"}}""", PolicyDocumentKind.Resource, "Invalid principal in policy: \"AWS\":\"bob\"" },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/*"},"Action":"ecr:*"}}""", PolicyDocumentKind.Resource, "Invalid principal in policy: \"AWS\":\"arn:aws:iam::111122223333:user/*\"" },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"amazonaws.com"},"Action":"sts:AssumeRole"}}""", PolicyDocumentKind.Resource, "Invalid principal in policy: \"SERVICE\":\"amazonaws.com\"" },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"evil.example"},"Action":"sts:AssumeRoleWithWebIdentity"}}""", PolicyDocumentKind.Resource, "Invalid principal in policy: \"FEDERATED\":\"evil.example\"" },
    };

    [Theory]
    [MemberData(nameof(MalformedDocuments))]
    public void MalformedDocumentIsRefusedWithIamsText(string json, PolicyDocumentKind kind, string message)
    {
        var error = Assert.Throws<MalformedPolicyDocumentException>(() => PolicyDocument.Parse(json.Replace("ALLOW", Allow, StringComparison.Ordinal), kind));
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("""{"Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"*"}}""")]
    [InlineData("""{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"*"}}""")]
    public void ManagedPoliciesNeedTheCurrentVersion(string json)
    {
        Assert.NotNull(PolicyDocument.Parse(json, PolicyDocumentKind.Identity));
        var error = Assert.Throws<MalformedPolicyDocumentException>(() => PolicyDocument.Parse(json, PolicyDocumentKind.Identity, requireCurrentVersion: true));
        Assert.Equal(PolicyErrors.VersionTooOld, error.Message);
    }

    [Fact]
    public void StatementMayBeOneObjectOrAnArray()
    {
        var single = PolicyDocument.Parse("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"*"}}""", PolicyDocumentKind.Identity);
        var array = PolicyDocument.Parse("""{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"One","Effect":"Allow","Action":["ecr:A","ecr:B"],"Resource":["*"]},{"Effect":"Deny","NotAction":"ecr:C","NotResource":"arn:aws:ecr:us-east-1:111122223333:repository/a"}]}""", PolicyDocumentKind.Identity);
        Assert.Single(single.Statements);
        Assert.Equal(2, array.Statements.Count);
        Assert.Equal("x", array.Id);
        Assert.Equal("One", array.Statements[0].Sid);
        Assert.Equal(["ecr:A", "ecr:B"], array.Statements[0].Actions);
        Assert.True(array.Statements[1].IsNotAction);
        Assert.True(array.Statements[1].IsNotResource);
        Assert.Equal(PolicyEffect.Deny, array.Statements[1].Effect);
    }

    [Fact]
    public void ResourcePolicyAcceptsEveryPrincipalForm()
    {
        var document = PolicyDocument.Parse("""
            {"Version":"2008-10-17","Statement":[
              {"Sid":"new statement","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"},
              {"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::111122223333:root","arn:aws:iam::111122223333:user/ci","arn:aws:iam::111122223333:role/path/deployer","arn:aws:sts::111122223333:assumed-role/deployer/s1"]},"Action":"ecr:*"},
              {"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"ecr:*"},
              {"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"},
              {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/ci"},"Action":"ecr:*"}
            ]}
            """, PolicyDocumentKind.Resource);
        Assert.Equal(5, document.Statements.Count);
        Assert.False(document.HasResourceElement);
    }

    [Fact]
    public void UnknownActionsAreAccepted()
    {
        var document = PolicyDocument.Parse("""{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"ecr:NoSuchThing","Resource":"*"}}""", PolicyDocumentKind.Identity);
        Assert.Equal(["ecr:NoSuchThing"], document.Statements[0].Actions);
    }

    [Fact]
    public void ConditionValuesMayBeNumbersAndBooleans()
    {
        var document = PolicyDocument.Parse("""{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"ecr:maxResults":[10, 2.5]},"ForAllValues:StringLikeIfExists":{"aws:TagKeys":"team*"}}}}""", PolicyDocumentKind.Identity);
        Assert.Equal(
            [new ConditionOperator(SetQualifier.None, ConditionOperatorKind.Bool, false), new ConditionOperator(SetQualifier.None, ConditionOperatorKind.NumericLessThan, false), new ConditionOperator(SetQualifier.ForAllValues, ConditionOperatorKind.StringLike, true)],
            document.Statements[0].ConditionOperators);
    }

    [Fact]
    public void LengthIsTheDocumentsLength()
    {
        var json = """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"*"}}""";
        Assert.Equal(json.Length, PolicyDocument.Parse(json, PolicyDocumentKind.Identity).Length);
    }

    [Fact]
    public void HugeDocumentParsesWithoutPathologicalTime()
    {
        var stars = new string('*', 50);
        var statements = Enumerable.Range(0, 5000).Select(i =>
            "{\"Sid\":\"S" + i + "\",\"Effect\":\"Allow\",\"Action\":[\"ecr:*a*b*c*d*e*f*g*h*" + i + "\",\"ecr:Get*\"],"
            + "\"Resource\":\"arn:aws:ecr:*:*:repository/" + stars + "a" + i + "\","
            + "\"Condition\":{\"StringLike\":{\"aws:username\":\"" + stars + "x\"}}}");
        var json = $$"""{"Version":"2012-10-17","Statement":[{{string.Join(',', statements)}}]}""";
        var clock = Stopwatch.StartNew();
        var document = PolicyDocument.Parse(json, PolicyDocumentKind.Identity);
        Assert.Equal(5000, document.Statements.Count);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"parsing took {clock.Elapsed}");
    }
}
