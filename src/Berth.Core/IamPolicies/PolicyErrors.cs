namespace Berth.Core.IamPolicies;

/// <summary>The texts IAM answers in MalformedPolicyDocument, word for word.</summary>
public static class PolicyErrors
{
    public const string SyntaxErrors = "Syntax errors in policy.";
    public const string ShouldNotSpecifyPrincipal = "Policy document should not specify a principal.";
    public const string MissingPrincipal = "Missing required field Principal";
    public const string VersionTooOld = "Policy document must be version 2012-10-17 or greater.";
    public const string LegacyParsing = "The policy failed legacy parsing";
    public const string DuplicateSid = "Statement IDs (SID) in a single policy must be unique.";
    public const string SidNotAlphanumeric =
        "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*";
    public const string MissingActions = "Policy statement must contain actions.";
    public const string MissingResources = "Policy statement must contain resources.";
    public const string MissingVendor = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
    public const string TooManyColons = "Actions/Condition can contain only one colon.";
    public const string ResourceVendorNotQualified = "Resource vendor must be fully qualified and cannot contain regexes.";

    public static string InvalidVendor(string vendor) => $"Vendor {vendor} is not valid";

    public static string ResourceNotArn(string resource) => $"Resource {resource} must be in ARN format or \"*\".";

    public static string InvalidPartition(string partition, string normalizedArn) =>
        $"Partition \"{partition}\" is not valid for resource \"{normalizedArn}\".";

    /// <summary>IAM names the principal type as AWS, SERVICE or FEDERATED: <c>Invalid principal in policy: "SERVICE":"lambda"</c>.</summary>
    public static string InvalidPrincipal(string type, string value) => $"Invalid principal in policy: \"{type}\":\"{value}\"";
}
