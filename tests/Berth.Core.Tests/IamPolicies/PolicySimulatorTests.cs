using Berth.Core.IamPolicies;
using Berth.Core.PolicySimulation;

namespace Berth.Core.Tests.IamPolicies;

/// <summary>
/// The simulator's explanations: where the deciding statement is in its policy's text, which condition failed and on
/// what values, which keys were missing. (Every table case of the evaluator also runs through the simulator: see
/// <see cref="Evaluation.Decide"/>.)
/// </summary>
public sealed class PolicySimulatorTests
{
    private const string TwoStatements = """
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "Push",
              "Effect": "Allow",
              "Action": ["ecr:PutImage", "ecr:InitiateLayerUpload"],
              "Resource": "arn:aws:ecr:us-east-1:111122223333:repository/app"
            },
            {"Sid": "NoDeleteOffHours", "Effect": "Deny", "Action": "ecr:BatchDeleteImage", "Resource": "*",
             "Condition": {"StringEquals": {"aws:RequestTag/window": ["closed"]}}}
          ]
        }
        """;

    private static SimulationRequest Request(string[] actions, string[] resources, string context = "", string? resourcePolicy = null) => new(
        Evaluation.User, actions, resources,
        [new SimulationPolicy("team", "user", TwoStatements, Evaluation.Identity(TwoStatements))],
        resourcePolicy is null ? null : new SimulationPolicy("ResourcePolicy", "resource", resourcePolicy, Evaluation.Resource(resourcePolicy)),
        Evaluation.Account, Evaluation.Context(context));

    [Fact]
    public void AnAllowNamesItsStatementsLinesAndColumns()
    {
        var results = Evaluation.Simulator.Simulate(Request(["ecr:PutImage"], [Evaluation.Repository, "arn:aws:ecr:us-east-1:111122223333:repository/other"]));

        Assert.Equal(["allowed", "implicitDeny"], results.Select(r => r.Decision));
        var matched = Assert.Single(results[0].MatchedStatements);
        Assert.Equal(("team", "user"), (matched.Policy.Id, matched.Policy.SourceType));
        Assert.Equal(new TextPosition(4, 5), matched.Start);
        Assert.Equal(new TextPosition(9, 5), matched.End);
        Assert.Equal("Push", matched.Statement.Sid);
        Assert.Empty(results[1].MatchedStatements);
        var other = Assert.Single(results[1].Trace.Statements, s => s.Statement.Sid == "Push");
        Assert.True(other.ActionMatched);
        Assert.False(other.ResourceMatched);
    }

    [Fact]
    public void AFailedConditionIsReportedWithBothSidesValuesAndAMissingKeyIsListed()
    {
        var missing = Assert.Single(Evaluation.Simulator.Simulate(Request(["ecr:BatchDeleteImage"], [Evaluation.Repository])));
        var open = Assert.Single(Evaluation.Simulator.Simulate(Request(["ecr:BatchDeleteImage"], [Evaluation.Repository], "aws:RequestTag/window=open")));
        var closed = Assert.Single(Evaluation.Simulator.Simulate(Request(["ecr:BatchDeleteImage"], [Evaluation.Repository], "aws:RequestTag/window=closed")));

        Assert.Equal("implicitDeny", missing.Decision);
        Assert.Equal(["aws:RequestTag/window"], missing.MissingContextValues);
        var condition = Assert.Single(Assert.Single(open.Trace.Statements, s => s.Statement.Sid == "NoDeleteOffHours").Conditions);
        Assert.Equal(new ConditionEvaluation("StringEquals", "aws:RequestTag/window", ["closed"], ["open"], false), condition with { PolicyValues = [.. condition.PolicyValues], RequestValues = [.. condition.RequestValues!] }, new ConditionComparer());
        Assert.Empty(open.MissingContextValues);
        Assert.Equal("explicitDeny", closed.Decision);
        var deny = Assert.Single(closed.MatchedStatements);
        Assert.Equal(new TextPosition(10, 5), deny.Start);
        Assert.Equal(new TextPosition(11, 74), deny.End);
    }

    [Fact]
    public void AResourcePolicyDenyWinsAndIsReportedAsTheResourcePolicy()
    {
        const string denyPush = """{"Version":"2012-10-17","Statement":[{"Sid":"Frozen","Effect":"Deny","Principal":"*","Action":"ecr:PutImage"}]}""";

        var result = Assert.Single(Evaluation.Simulator.Simulate(Request(["ecr:PutImage"], [Evaluation.Repository], resourcePolicy: denyPush)));

        Assert.Equal("explicitDeny", result.Decision);
        var matched = Assert.Single(result.MatchedStatements);
        Assert.Equal(("ResourcePolicy", "resource"), (matched.Policy.Id, matched.Policy.SourceType));
        Assert.Equal(new TextPosition(1, 38), matched.Start);
        Assert.Equal(PolicyType.ResourceBased, result.Result.PolicyType);
    }

    private sealed class ConditionComparer : IEqualityComparer<ConditionEvaluation>
    {
        public bool Equals(ConditionEvaluation? x, ConditionEvaluation? y) =>
            x!.Operator == y!.Operator && x.Key == y.Key && x.Held == y.Held && x.PolicyValues.SequenceEqual(y.PolicyValues)
            && (x.RequestValues ?? []).SequenceEqual(y.RequestValues ?? []);

        public int GetHashCode(ConditionEvaluation obj) => obj.Key.GetHashCode(StringComparison.Ordinal);
    }
}
