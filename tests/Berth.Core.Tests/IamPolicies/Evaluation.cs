using System.Runtime.CompilerServices;
using Berth.Core.IamPolicies;
using Berth.Core.PolicySimulation;
using Berth.Core.Tests.SigV4;

namespace Berth.Core.Tests.IamPolicies;

/// <summary>
/// Builds evaluator requests for the tables: account 111122223333, user "ci", a fixed clock. Every case of every table
/// goes through <see cref="Decide"/>, which also runs the policy simulator on the same inputs and fails the case when
/// the simulator's decision differs from the live evaluator's or its matched statements do not explain it.
/// </summary>
internal static class Evaluation
{
    public const string Account = "111122223333";
    public const string OtherAccount = "444455556666";
    public const string Repository = "arn:aws:ecr:us-east-1:111122223333:repository/app";
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static RequestPrincipal User { get; } = RequestPrincipal.User(Account, "ci", "AIDAEXAMPLEUSERID");

    private static readonly ConditionalWeakTable<PolicyDocument, string> Texts = new();

    public static PolicyEvaluator Evaluator { get; } = new(new FixedTimeProvider(Now));

    public static PolicySimulator Simulator { get; } = new(Evaluator);

    public static PolicyDocument Identity(string json) => Remember(PolicyDocument.Parse(json, PolicyDocumentKind.Identity), json);

    public static PolicyDocument Resource(string json) => Remember(PolicyDocument.Parse(json, PolicyDocumentKind.Resource), json);

    /// <summary>The live evaluator's result, after checking that the simulator, given the same inputs, decides the same.</summary>
    public static AuthorizationResult Decide(AuthorizationRequest request)
    {
        var live = Evaluator.Evaluate(request);
        SimulationPolicy Input(PolicyDocument document, string id, string type) => new(id, type, Texts.TryGetValue(document, out var text) ? text : "", document);
        var simulation = new SimulationRequest(
            request.Principal, [request.Action], [request.Resource],
            [.. request.IdentityPolicies.Select((d, i) => Input(d, $"PolicyInputList.{i + 1}", "none"))],
            request.ResourcePolicy is null ? null : Input(request.ResourcePolicy, "ResourcePolicy", "resource"),
            request.ResourceAccountId, request.Context,
            request.RegistryPolicy is null ? null : Input(request.RegistryPolicy, "RegistryPolicy", "resource"));
        var simulated = Assert.Single(Simulator.Simulate(simulation));
        Assert.Equal(live, simulated.Result);
        var effects = simulated.MatchedStatements.Select(m => m.Statement.Effect).ToList();
        switch (live.Decision)
        {
            case AuthorizationDecision.ExplicitDeny:
                Assert.Equal([PolicyEffect.Deny], effects);
                break;
            case AuthorizationDecision.Allow when request.Principal.Type != PrincipalType.Root:
                Assert.NotEmpty(effects);
                Assert.All(effects, e => Assert.Equal(PolicyEffect.Allow, e));
                break;
            case AuthorizationDecision.ImplicitDeny:
                Assert.Empty(effects);
                break;
        }

        return live;
    }

    private static PolicyDocument Remember(PolicyDocument document, string json)
    {
        Texts.AddOrUpdate(document, json);
        return document;
    }

    /// <summary>A one-statement identity policy allowing ecr:* on every resource under the given Condition block.</summary>
    public static PolicyDocument AllowWithCondition(string condition) => Identity(
        """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"*","Condition":""" + condition + "}}");

    /// <summary>Reads "key=v1|v2;other=v" into a request context ("" for none).</summary>
    public static RequestContext Context(string spec)
    {
        var context = new RequestContext();
        foreach (var entry in spec.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            var values = entry[(equals + 1)..];
            context.Set(entry[..equals], values.Length == 0 ? [] : values.Split('|'));
        }

        return context;
    }

    public static AuthorizationResult Evaluate(
        RequestPrincipal principal,
        string action,
        string resource,
        IReadOnlyList<PolicyDocument> identityPolicies,
        PolicyDocument? resourcePolicy = null,
        string context = "",
        string resourceAccount = Account) =>
        Decide(new AuthorizationRequest(principal, action, resource, resourceAccount, Context(context), identityPolicies, resourcePolicy));
}
