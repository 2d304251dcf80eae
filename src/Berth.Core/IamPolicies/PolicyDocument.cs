namespace Berth.Core.IamPolicies;

/// <summary>
/// A parsed and validated IAM policy document (identity policy, ECR repository or registry policy, role trust policy).
/// Parse once and keep it: evaluation compiles nothing, so one instance serves every request, from any thread.
/// </summary>
public sealed class PolicyDocument
{
    /// <summary>The current policy language version; the only one with policy variables.</summary>
    public const string CurrentVersion = "2012-10-17";

    /// <summary>The earlier version, still accepted (ECR's documentation uses it for repository policies).</summary>
    public const string LegacyVersion = "2008-10-17";

    internal PolicyDocument(string? version, string? id, PolicyDocumentKind kind, IReadOnlyList<PolicyStatement> statements, int length)
    {
        Version = version;
        Id = id;
        Kind = kind;
        Statements = statements;
        Length = length;
    }

    /// <summary>The Version element, or null when absent (then 2008-10-17 rules apply: no policy variables).</summary>
    public string? Version { get; }

    public string? Id { get; }

    public PolicyDocumentKind Kind { get; }

    public IReadOnlyList<PolicyStatement> Statements { get; }

    /// <summary>The length of the JSON text in characters, for the caller's size limits (IAM counts characters, whitespace excluded or not per API).</summary>
    public int Length { get; }

    /// <summary>Whether any statement has a Resource or NotResource element (IAM refuses one in a role trust policy: "Has prohibited field Resource").</summary>
    public bool HasResourceElement => Statements.Any(s => s.HasResourceElement);

    /// <summary>Parses and validates a document; throws <see cref="MalformedPolicyDocumentException"/> with IAM's text.</summary>
    public static PolicyDocument Parse(string json, PolicyDocumentKind kind) => PolicyDocumentParser.Parse(json, kind, requireCurrentVersion: false);

    /// <summary>
    /// As <see cref="Parse(string, PolicyDocumentKind)"/>, and when <paramref name="requireCurrentVersion"/> is set, refuses
    /// anything but Version 2012-10-17 with "Policy document must be version 2012-10-17 or greater." as IAM's
    /// CreatePolicy and CreatePolicyVersion do for managed policies.
    /// </summary>
    public static PolicyDocument Parse(string json, PolicyDocumentKind kind, bool requireCurrentVersion) =>
        PolicyDocumentParser.Parse(json, kind, requireCurrentVersion);
}
