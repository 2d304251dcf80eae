using System.Text.RegularExpressions;

namespace Berth.Core.Registries;

/// <summary>
/// A registry is one (account, region), as in ECR: a deployment hosts a registry for every region of every account it
/// knows. ARNs, repository URIs and the proxy endpoint are built from it. An account's ECR Public registry is the
/// registry of the reserved region key <see cref="PublicRegion"/>, which no AWS region can be: every store keyed by
/// registry serves it unchanged, and only its ARNs differ (<c>arn:aws:ecr-public::&lt;account&gt;:…</c>, no region).
/// </summary>
public sealed partial record RegistryIdentity(string AccountId, string Region)
{
    /// <summary>The region key of an account's public registry (not an AWS region: it fails <see cref="IsValidRegion"/>).</summary>
    public const string PublicRegion = "public";

    /// <summary>Whether this is an account's ECR Public registry.</summary>
    public bool IsPublic => Region == PublicRegion;

    /// <summary>The ECR Public registry of <paramref name="accountId"/>.</summary>
    public static RegistryIdentity Public(string accountId) => new(accountId, PublicRegion);

    /// <summary>
    /// arn:&lt;partition&gt;:ecr:&lt;region&gt;:&lt;account&gt;:repository/&lt;name&gt;, or for the public registry
    /// arn:aws:ecr-public::&lt;account&gt;:repository/&lt;name&gt;.
    /// </summary>
    public string RepositoryArn(string repository) => IsPublic
        ? $"arn:aws:ecr-public::{AccountId}:repository/{repository}"
        : $"arn:{Partition}:ecr:{Region}:{AccountId}:repository/{repository}";

    /// <summary>arn:aws:ecr-public::&lt;account&gt;:registry/&lt;account&gt;, the public registry's ARN.</summary>
    public string PublicRegistryArn => $"arn:aws:ecr-public::{AccountId}:registry/{AccountId}";

    /// <summary>
    /// The ARN of the account's AWS managed key <c>aws/ecr</c> in this region, which ECR reports as the <c>kmsKey</c> of
    /// a KMS-encrypted repository created without one (ECR user guide, encryption-at-rest). Berth has no KMS: the key id
    /// is a UUID derived from the account and region, the same on every node and every call. Nothing is encrypted with it.
    /// </summary>
    public string AwsManagedEcrKeyArn
    {
        get
        {
            var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"aws/ecr:{AccountId}:{Region}"));
            var keyId = new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString("D");
            return $"arn:{Partition}:kms:{Region}:{AccountId}:key/{keyId}";
        }
    }

    /// <summary>The account root, arn:aws:iam::&lt;account&gt;:root.</summary>
    public string RootArn => AccountRootArn(AccountId);

    /// <summary>The AWS partition of the region (aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b), as ARNs name it.</summary>
    public string Partition => Region switch
    {
        _ when Region.StartsWith("cn-", StringComparison.Ordinal) => "aws-cn",
        _ when Region.StartsWith("us-gov-", StringComparison.Ordinal) => "aws-us-gov",
        _ when Region.StartsWith("us-isob-", StringComparison.Ordinal) => "aws-iso-b",
        _ when Region.StartsWith("us-iso-", StringComparison.Ordinal) => "aws-iso",
        _ => "aws",
    };

    /// <summary>arn:aws:iam::&lt;account&gt;:root, the principal of an account's root key.</summary>
    public static string AccountRootArn(string accountId) => $"arn:aws:iam::{accountId}:root";

    /// <summary>An AWS account id: exactly 12 digits.</summary>
    public static bool IsValidAccountId(string? accountId) => accountId is not null && AccountIdPattern().IsMatch(accountId);

    /// <summary>
    /// AWS's region syntax (botocore's partition regexes): <c>us-east-1</c>, <c>eu-west-1</c>, <c>ap-southeast-2</c>,
    /// <c>us-gov-west-1</c>, <c>cn-north-1</c>, <c>us-iso-east-1</c>.
    /// </summary>
    public static bool IsValidRegion(string? region) => region is not null && RegionPattern().IsMatch(region);

    [GeneratedRegex("^[0-9]{12}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex AccountIdPattern();

    [GeneratedRegex("^[a-z]{2}(-gov|-iso|-isob|-isoe|-isof)?-[a-z]+-[0-9]{1,2}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex RegionPattern();
}
