namespace Berth.Core.IamPolicies;

/// <summary>The global condition keys Berth fills in, spelled as AWS documents them (lookups ignore case).</summary>
public static class ContextKeys
{
    public const string SourceIp = "aws:SourceIp";
    public const string PrincipalArn = "aws:PrincipalArn";
    public const string PrincipalAccount = "aws:PrincipalAccount";
    public const string PrincipalType = "aws:PrincipalType";
    public const string UserName = "aws:username";
    public const string UserId = "aws:userid";
    public const string CurrentTime = "aws:CurrentTime";
    public const string EpochTime = "aws:EpochTime";
    public const string SecureTransport = "aws:SecureTransport";
    public const string TagKeys = "aws:TagKeys";

    public static string RequestTag(string tagKey) => "aws:RequestTag/" + tagKey;

    public static string ResourceTag(string tagKey) => "aws:ResourceTag/" + tagKey;

    public static string EcrResourceTag(string tagKey) => "ecr:ResourceTag/" + tagKey;

    public static string PrincipalTag(string tagKey) => "aws:PrincipalTag/" + tagKey;
}
