using Berth.Core.IamPolicies;

namespace Berth.Core.Tests.IamPolicies;

/// <summary>
/// Every condition operator, IfExists form and set qualifier, with the missing-key rules of the IAM User Guide
/// ("IAM JSON policy elements: Condition operators" and "Single-valued vs. multivalued context keys"). Each row is an
/// identity policy allowing ecr:* under one Condition block, evaluated for user ci at 2026-03-01T12:00:00Z.
/// </summary>
public sealed class ConditionOperatorTests
{
    [Theory]
    // String operators: case-sensitive unless IgnoreCase; several values are OR'ed.
    [InlineData("""{"StringEquals":{"aws:PrincipalTag/team":"infra"}}""", "aws:PrincipalTag/team=infra", true)]
    [InlineData("""{"StringEquals":{"aws:PrincipalTag/team":"infra"}}""", "aws:PrincipalTag/team=Infra", false)]
    [InlineData("""{"StringEquals":{"aws:PrincipalTag/team":["web","infra"]}}""", "aws:PrincipalTag/team=infra", true)]
    [InlineData("""{"StringEquals":{"aws:PrincipalTag/team":"infra"}}""", "", false)]
    [InlineData("""{"StringNotEquals":{"aws:PrincipalTag/team":"infra"}}""", "aws:PrincipalTag/team=web", true)]
    [InlineData("""{"StringNotEquals":{"aws:PrincipalTag/team":["web","infra"]}}""", "aws:PrincipalTag/team=web", false)]
    [InlineData("""{"StringNotEquals":{"aws:PrincipalTag/team":"infra"}}""", "", true)]
    [InlineData("""{"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"INFRA"}}""", "aws:PrincipalTag/team=infra", true)]
    [InlineData("""{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/team":"INFRA"}}""", "aws:PrincipalTag/team=infra", false)]
    [InlineData("""{"StringLike":{"aws:PrincipalTag/team":"in*a"}}""", "aws:PrincipalTag/team=infra", true)]
    [InlineData("""{"StringLike":{"aws:PrincipalTag/team":"inf?a"}}""", "aws:PrincipalTag/team=infra", true)]
    [InlineData("""{"StringLike":{"aws:PrincipalTag/team":"IN*"}}""", "aws:PrincipalTag/team=infra", false)]
    [InlineData("""{"StringNotLike":{"aws:PrincipalTag/team":"dev-*"}}""", "aws:PrincipalTag/team=infra", true)]
    [InlineData("""{"StringNotLike":{"aws:PrincipalTag/team":"dev-*"}}""", "aws:PrincipalTag/team=dev-1", false)]
    [InlineData("""{"StringNotLike":{"aws:PrincipalTag/team":"dev-*"}}""", "", true)]
    // Keys compare case-insensitively; several keys are AND'ed; several operators are AND'ed.
    [InlineData("""{"StringEquals":{"AWS:PRINCIPALTAG/TEAM":"infra"}}""", "aws:PrincipalTag/team=infra", true)]
    [InlineData("""{"StringEquals":{"aws:PrincipalTag/team":"infra","aws:PrincipalTag/env":"prod"}}""", "aws:PrincipalTag/team=infra", false)]
    [InlineData("""{"StringEquals":{"aws:PrincipalTag/team":"infra","aws:PrincipalTag/env":"prod"}}""", "aws:PrincipalTag/team=infra;aws:PrincipalTag/env=prod", true)]
    [InlineData("""{"StringEquals":{"aws:PrincipalTag/team":"infra"},"Bool":{"aws:SecureTransport":"true"}}""", "aws:PrincipalTag/team=infra;aws:SecureTransport=false", false)]
    // Numeric operators.
    [InlineData("""{"NumericEquals":{"ecr:maxResults":"10"}}""", "ecr:maxResults=10", true)]
    [InlineData("""{"NumericEquals":{"ecr:maxResults":10}}""", "ecr:maxResults=10.0", true)]
    [InlineData("""{"NumericNotEquals":{"ecr:maxResults":"10"}}""", "ecr:maxResults=11", true)]
    [InlineData("""{"NumericNotEquals":{"ecr:maxResults":"10"}}""", "ecr:maxResults=10", false)]
    [InlineData("""{"NumericLessThan":{"ecr:maxResults":"10"}}""", "ecr:maxResults=9", true)]
    [InlineData("""{"NumericLessThan":{"ecr:maxResults":"10"}}""", "ecr:maxResults=10", false)]
    [InlineData("""{"NumericLessThanEquals":{"ecr:maxResults":"10"}}""", "ecr:maxResults=10", true)]
    [InlineData("""{"NumericGreaterThan":{"ecr:maxResults":"10"}}""", "ecr:maxResults=10.5", true)]
    [InlineData("""{"NumericGreaterThan":{"ecr:maxResults":"10"}}""", "ecr:maxResults=10", false)]
    [InlineData("""{"NumericGreaterThanEquals":{"ecr:maxResults":"10"}}""", "ecr:maxResults=10", true)]
    [InlineData("""{"NumericGreaterThanEquals":{"ecr:maxResults":"10"}}""", "ecr:maxResults=ten", false)]
    [InlineData("""{"NumericLessThan":{"ecr:maxResults":"10"}}""", "", false)]
    // Date operators against aws:CurrentTime (2026-03-01T12:00:00Z, filled in by the evaluator) and aws:EpochTime.
    [InlineData("""{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}""", "", true)]
    [InlineData("""{"DateLessThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}""", "", false)]
    [InlineData("""{"DateLessThanEquals":{"aws:CurrentTime":"2026-03-01T12:00:00Z"}}""", "", true)]
    [InlineData("""{"DateGreaterThanEquals":{"aws:CurrentTime":"2026-03-01T12:00:01Z"}}""", "", false)]
    [InlineData("""{"DateEquals":{"aws:CurrentTime":"2026-03-01T12:00:00Z"}}""", "", true)]
    [InlineData("""{"DateNotEquals":{"aws:CurrentTime":"2026-03-01T12:00:00Z"}}""", "", false)]
    [InlineData("""{"DateGreaterThan":{"aws:EpochTime":"1767225600"}}""", "", true)]
    [InlineData("""{"DateLessThan":{"aws:CurrentTime":"1767225600"}}""", "", false)]
    [InlineData("""{"DateLessThan":{"aws:CurrentTime":"2026-12-31"}}""", "", true)]
    // Bool, BinaryEquals.
    [InlineData("""{"Bool":{"aws:SecureTransport":"true"}}""", "aws:SecureTransport=true", true)]
    [InlineData("""{"Bool":{"aws:SecureTransport":false}}""", "aws:SecureTransport=false", true)]
    [InlineData("""{"Bool":{"aws:SecureTransport":"true"}}""", "aws:SecureTransport=false", false)]
    [InlineData("""{"Bool":{"aws:SecureTransport":"true"}}""", "", false)]
    [InlineData("""{"BinaryEquals":{"ecr:blob":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}""", "ecr:blob=QmluYXJ5VmFsdWVJbkJhc2U2NA==", true)]
    [InlineData("""{"BinaryEquals":{"ecr:blob":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}""", "ecr:blob=b3RoZXI=", false)]
    // IpAddress / NotIpAddress, IPv4 and IPv6 (IAM User Guide example: 203.0.113.0/24 and 2001:DB8:1234:5678::/64).
    [InlineData("""{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}""", "aws:SourceIp=203.0.113.77", true)]
    [InlineData("""{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}""", "aws:SourceIp=203.0.114.1", false)]
    [InlineData("""{"IpAddress":{"aws:SourceIp":"203.0.113.9"}}""", "aws:SourceIp=203.0.113.9", true)]
    [InlineData("""{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:DB8:1234:5678::/64"]}}""", "aws:SourceIp=2001:db8:1234:5678::1", true)]
    [InlineData("""{"IpAddress":{"aws:SourceIp":"2001:DB8:1234:5678::/64"}}""", "aws:SourceIp=2001:db8:1234:5679::1", false)]
    [InlineData("""{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}""", "aws:SourceIp=::ffff:10.1.2.3", true)]
    [InlineData("""{"IpAddress":{"aws:SourceIp":"10.0.0.0/12"}}""", "aws:SourceIp=10.16.0.1", false)]
    [InlineData("""{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}""", "aws:SourceIp=2001:db8::1", false)]
    [InlineData("""{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}""", "aws:SourceIp=198.51.100.1", true)]
    [InlineData("""{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}""", "aws:SourceIp=203.0.113.1", false)]
    [InlineData("""{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}""", "", true)]
    // ARN operators: each of the six parts matched on its own.
    [InlineData("""{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/ci"}}""", "", true)]
    [InlineData("""{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/c?"}}""", "", true)]
    [InlineData("""{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/*"}}""", "", false)]
    [InlineData("""{"ArnLike":{"aws:SourceArn":"arn:aws:ecr:*:111122223333:repository/*"}}""", "aws:SourceArn=arn:aws:ecr:us-east-1:111122223333:repository/a/b", true)]
    [InlineData("""{"ArnLike":{"aws:SourceArn":"arn:aws:ecr:us-*:111122223333:*"}}""", "aws:SourceArn=arn:aws:ecr:eu-west-1:111122223333:repository/a", false)]
    [InlineData("""{"ArnLike":{"aws:SourceArn":"arn:aws:ecr:*"}}""", "aws:SourceArn=not-an-arn", false)]
    [InlineData("""{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/admin"}}""", "", true)]
    [InlineData("""{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/*"}}""", "", false)]
    [InlineData("""{"ArnNotLike":{"aws:SourceArn":"arn:aws:ecr:*"}}""", "", true)]
    // Null: "true" means the key is absent, "false" that it is present.
    [InlineData("""{"Null":{"aws:SourceIp":"true"}}""", "", true)]
    [InlineData("""{"Null":{"aws:SourceIp":"true"}}""", "aws:SourceIp=203.0.113.1", false)]
    [InlineData("""{"Null":{"aws:SourceIp":"false"}}""", "aws:SourceIp=203.0.113.1", true)]
    [InlineData("""{"Null":{"aws:username":"false"}}""", "", true)]
    // …IfExists: a missing key satisfies the condition; a present key is compared normally.
    [InlineData("""{"StringEqualsIfExists":{"aws:PrincipalTag/team":"infra"}}""", "", true)]
    [InlineData("""{"StringEqualsIfExists":{"aws:PrincipalTag/team":"infra"}}""", "aws:PrincipalTag/team=web", false)]
    [InlineData("""{"NumericLessThanIfExists":{"ecr:maxResults":"10"}}""", "", true)]
    [InlineData("""{"DateLessThanIfExists":{"ecr:created":"2020-01-01T00:00:00Z"}}""", "", true)]
    [InlineData("""{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}""", "", true)]
    [InlineData("""{"IpAddressIfExists":{"aws:SourceIp":"203.0.113.0/24"}}""", "aws:SourceIp=198.51.100.1", false)]
    [InlineData("""{"ArnLikeIfExists":{"aws:SourceArn":"arn:aws:ecr:*"}}""", "", true)]
    [InlineData("""{"StringNotLikeIfExists":{"aws:PrincipalTag/team":"dev*"}}""", "aws:PrincipalTag/team=dev1", false)]
    // ForAnyValue / ForAllValues on the multi-valued aws:TagKeys.
    [InlineData("""{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}""", "aws:TagKeys=team|env", true)]
    [InlineData("""{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}""", "aws:TagKeys=team|owner", false)]
    [InlineData("""{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}""", "", true)]
    [InlineData("""{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}""", "aws:TagKeys=", true)]
    [InlineData("""{"ForAnyValue:StringEquals":{"aws:TagKeys":["team","env"]}}""", "aws:TagKeys=owner|env", true)]
    [InlineData("""{"ForAnyValue:StringEquals":{"aws:TagKeys":["team","env"]}}""", "aws:TagKeys=owner", false)]
    [InlineData("""{"ForAnyValue:StringEquals":{"aws:TagKeys":["team","env"]}}""", "", false)]
    [InlineData("""{"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":["team"]}}""", "", true)]
    [InlineData("""{"ForAnyValue:StringLike":{"aws:TagKeys":["cost-*"]}}""", "aws:TagKeys=team|cost-center", true)]
    [InlineData("""{"ForAllValues:StringLike":{"aws:TagKeys":["cost-*"]}}""", "aws:TagKeys=team|cost-center", false)]
    [InlineData("""{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["team"]}}""", "aws:TagKeys=team|env", true)]
    [InlineData("""{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["team"]}}""", "aws:TagKeys=team", false)]
    [InlineData("""{"ForAllValues:StringNotEquals":{"aws:TagKeys":["secret"]}}""", "aws:TagKeys=team|env", true)]
    [InlineData("""{"ForAllValues:StringNotEquals":{"aws:TagKeys":["secret"]}}""", "aws:TagKeys=team|secret", false)]
    // Without a qualifier, a multi-valued key matches when any of its values does (and a negation when none does).
    [InlineData("""{"StringEquals":{"aws:TagKeys":"env"}}""", "aws:TagKeys=team|env", true)]
    [InlineData("""{"StringNotEquals":{"aws:TagKeys":"env"}}""", "aws:TagKeys=team|env", false)]
    // Policy variables in condition values (2012-10-17): resolved from the request, literal escapes.
    [InlineData("""{"StringEquals":{"aws:PrincipalTag/owner":"${aws:username}"}}""", "aws:PrincipalTag/owner=ci", true)]
    [InlineData("""{"StringLike":{"ecr:ResourceTag/owner":"${aws:username}-*"}}""", "ecr:ResourceTag/owner=ci-team", true)]
    [InlineData("""{"StringEquals":{"ecr:ResourceTag/team":"${aws:PrincipalTag/team}"}}""", "ecr:ResourceTag/team=web;aws:PrincipalTag/team=web", true)]
    [InlineData("""{"StringEquals":{"ecr:ResourceTag/team":"${aws:PrincipalTag/team}"}}""", "ecr:ResourceTag/team=web", false)]
    [InlineData("""{"StringNotEquals":{"ecr:ResourceTag/team":"${aws:PrincipalTag/team}"}}""", "ecr:ResourceTag/team=web", false)]
    [InlineData("""{"StringEquals":{"ecr:ResourceTag/team":"${aws:PrincipalTag/team, 'none'}"}}""", "ecr:ResourceTag/team=none", true)]
    [InlineData("""{"StringEquals":{"ecr:ResourceTag/mark":"a${*}b${?}c${$}"}}""", "ecr:ResourceTag/mark=a*b?c$", true)]
    [InlineData("""{"StringLike":{"ecr:ResourceTag/mark":"a${*}"}}""", "ecr:ResourceTag/mark=abc", false)]
    [InlineData("""{"ArnEquals":{"aws:SourceArn":"arn:aws:ecr:us-east-1:${aws:PrincipalAccount}:repository/${aws:username}"}}""", "aws:SourceArn=arn:aws:ecr:us-east-1:111122223333:repository/ci", true)]
    public void ConditionDecidesWhetherTheAllowApplies(string condition, string context, bool allowed)
    {
        var result = Evaluation.Evaluate(Evaluation.User, "ecr:PutImage", Evaluation.Repository, [Evaluation.AllowWithCondition(condition)], context: context);
        Assert.Equal(allowed ? AuthorizationDecision.Allow : AuthorizationDecision.ImplicitDeny, result.Decision);
    }

    [Fact]
    public void VariablesAreLiteralTextInA2008Policy()
    {
        var policy = Evaluation.Identity("""{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/owner":"${aws:username}"}}}}""");
        Assert.False(Evaluation.Evaluate(Evaluation.User, "ecr:PutImage", Evaluation.Repository, [policy], context: "aws:PrincipalTag/owner=ci").IsAllowed);
        Assert.True(Evaluation.Evaluate(Evaluation.User, "ecr:PutImage", Evaluation.Repository, [policy], context: "aws:PrincipalTag/owner=${aws:username}").IsAllowed);
    }
}
