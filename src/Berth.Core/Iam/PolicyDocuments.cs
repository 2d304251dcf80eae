using System.Text.Json;

namespace Berth.Core.Iam;

/// <summary>
/// The checks every policy document passes before IAM stores it: the grammar (MalformedPolicyDocument) and IAM's
/// size quotas, which count characters other than white space (LimitExceeded).
/// </summary>
public static class PolicyDocuments
{
    public const int MaxManagedPolicySize = 6144;
    public const int MaxTrustPolicySize = 2048;

    /// <summary>Validates an identity policy (inline or managed).</summary>
    public static void ValidateIdentityPolicy(string document) => Parse(document);

    /// <summary>Validates a role's trust policy (a resource policy) and its size quota.</summary>
    public static void ValidateTrustPolicy(string document)
    {
        Parse(document);
        if (Size(document) > MaxTrustPolicySize)
        {
            throw IamException.LimitExceeded($"Cannot exceed quota for ACLSizePerRole: {MaxTrustPolicySize}");
        }
    }

    /// <summary>The size IAM's quotas measure: the characters that are not white space.</summary>
    public static int Size(string document) => document.Count(c => !char.IsWhiteSpace(c));

    private static void Parse(string document)
    {
        try
        {
            using var parsed = JsonDocument.Parse(document);
            if (parsed.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw IamException.MalformedPolicyDocument("Syntax errors in policy.");
            }
        }
        catch (JsonException)
        {
            throw IamException.MalformedPolicyDocument("Syntax errors in policy.");
        }
    }
}
