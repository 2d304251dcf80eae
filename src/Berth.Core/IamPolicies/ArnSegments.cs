namespace Berth.Core.IamPolicies;

/// <summary>An ARN's six colon-separated parts: arn, partition, service, region, account and resource (which may hold colons).</summary>
internal static class ArnSegments
{
    public const int Count = 6;

    /// <summary>Splits an ARN at its first five colons; null when it has fewer than six parts or does not start with "arn".</summary>
    public static string[]? Split(string arn)
    {
        var parts = arn.Split(':', Count);
        return parts.Length == Count && parts[0] == "arn" ? parts : null;
    }
}
