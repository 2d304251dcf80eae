using Berth.Core.IamPolicies;
using Berth.Core.Tests.SigV4;

namespace Berth.Core.Tests.IamPolicies;

/// <summary>Builds evaluator requests for the tables: account 111122223333, user "ci", a fixed clock.</summary>
internal static class Evaluation
{
    public const string Account = "111122223333";
    public const string OtherAccount = "444455556666";
    public const string Repository = "arn:aws:ecr:us-east-1:111122223333:repository/app";
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static RequestPrincipal User { get; } = RequestPrincipal.User(Account, "ci", "AIDAEXAMPLEUSERID");

    public static PolicyEvaluator Evaluator { get; } = new(new FixedTimeProvider(Now));

    public static PolicyDocument Identity(string json) => PolicyDocument.Parse(json, PolicyDocumentKind.Identity);

    public static PolicyDocument Resource(string json) => PolicyDocument.Parse(json, PolicyDocumentKind.Resource);

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
        Evaluator.Evaluate(new AuthorizationRequest(principal, action, resource, resourceAccount, Context(context), identityPolicies, resourcePolicy));
}
