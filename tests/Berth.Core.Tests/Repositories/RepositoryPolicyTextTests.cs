using Berth.Core.Errors;
using Berth.Core.Repositories;

namespace Berth.Core.Tests.Repositories;

/// <summary>Which repository policies ECR accepts, and the normalized text it answers (the AWS CLI's examples as fixtures).</summary>
public sealed class RepositoryPolicyTextTests
{
    // awscli/examples/ecr/set-repository-policy.rst: my-policy.json and the policyText of the output.
    private const string ExampleInput = """
        {
            "Version" : "2008-10-17",
            "Statement" : [
                {
                    "Sid" : "allow public pull",
                    "Effect" : "Allow",
                    "Principal" : "*",
                    "Action" : [
                        "ecr:BatchCheckLayerAvailability",
                        "ecr:BatchGetImage",
                        "ecr:GetDownloadUrlForLayer"
                    ]
                }
            ]
        }
        """;

    private const string ExampleOutput =
        "{\n  \"Version\" : \"2008-10-17\",\n  \"Statement\" : [ {\n    \"Sid\" : \"allow public pull\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : \"*\",\n    \"Action\" : [ \"ecr:BatchCheckLayerAvailability\", \"ecr:BatchGetImage\", \"ecr:GetDownloadUrlForLayer\" ]\n  } ]\n}";

    [Fact]
    public void ThePolicyIsAnsweredAsTheAwsCliExampleShows() => Assert.Equal(ExampleOutput, RepositoryPolicyText.Normalize(ExampleInput));

    [Fact]
    public void NestedObjectsEmptyValuesAndEscapesFollowJacksonsPrettyPrinter()
    {
        const string Input = """{"Statement":[{"Principal":{"AWS":["arn:aws:iam::111122223333:root"]},"Condition":{},"Sid":"a\"b\\c\u0001\n/é","N":[]}]}""";
        const string Expected = "{\n  \"Statement\" : [ {\n    \"Principal\" : {\n      \"AWS\" : [ \"arn:aws:iam::111122223333:root\" ]\n    },\n    \"Condition\" : { },\n    \"Sid\" : \"a\\\"b\\\\c\\u0001\\n/é\",\n    \"N\" : [ ]\n  } ]\n}";
        Assert.Equal(Expected, RepositoryPolicyText.Normalize(Input));
    }

    [Theory]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Resource":"*"}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","NotResource":"arn:aws:ecr:us-east-1:111122223333:repository/x"}}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage","s3:GetObject"]}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","NotAction":"iam:*"}]}""")]
    public void AResourceElementOrAnotherServicesActionIsAnInvalidRepositoryPolicy(string policy)
    {
        var error = Assert.Throws<RegistryException>(() => RepositoryPolicyText.Validate(policy));
        Assert.Equal("InvalidParameterException", error.Error.EcrException);
        Assert.Equal(RepositoryPolicyText.InvalidMessage, error.Message);
    }

    [Theory]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*"}]}""")]
    [InlineData("""{"Version":"2008-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":["ECR:BatchGetImage","ecr:GetDownloadUrlForLayer"]}}""")]
    public void AnEcrOnlyPolicyWithoutResourceIsAccepted(string policy) => RepositoryPolicyText.Validate(policy);
}
