using Berth.Core.IamPolicies;

namespace Berth.Core.Iam;

/// <summary>
/// The checks every policy document passes before IAM stores it, so nothing malformed is ever half-stored: the policy
/// grammar (<see cref="PolicyDocument.Parse(string, PolicyDocumentKind, bool)"/>, MalformedPolicyDocument with IAM's
/// text) and IAM's size quotas, which count characters other than white space (LimitExceeded).
/// </summary>
public static class PolicyDocuments
{
    public const int MaxManagedPolicySize = 6144;
    public const int MaxTrustPolicySize = 2048;

    /// <summary>Validates an inline identity policy.</summary>
    public static void ValidateInlinePolicy(string document) => Parse(document, PolicyDocumentKind.Identity, requireCurrentVersion: false);

    /// <summary>Validates a managed policy version (IAM requires Version 2012-10-17 there).</summary>
    public static void ValidateManagedPolicy(string document) => Parse(document, PolicyDocumentKind.Identity, requireCurrentVersion: true);

    /// <summary>Validates a role's trust policy (a resource policy without Resource elements) and its size quota.</summary>
    public static void ValidateTrustPolicy(string document)
    {
        if (Parse(document, PolicyDocumentKind.Resource, requireCurrentVersion: false).HasResourceElement)
        {
            throw IamException.MalformedPolicyDocument("Has prohibited field Resource");
        }

        if (Size(document) > MaxTrustPolicySize)
        {
            throw IamException.LimitExceeded($"Cannot exceed quota for ACLSizePerRole: {MaxTrustPolicySize}");
        }
    }

    /// <summary>The size IAM's quotas measure: the characters that are not white space.</summary>
    public static int Size(string document) => document.Count(c => !char.IsWhiteSpace(c));

    private static PolicyDocument Parse(string document, PolicyDocumentKind kind, bool requireCurrentVersion)
    {
        try
        {
            return PolicyDocument.Parse(document, kind, requireCurrentVersion);
        }
        catch (MalformedPolicyDocumentException e)
        {
            throw IamException.MalformedPolicyDocument(e.Message);
        }
    }
}
