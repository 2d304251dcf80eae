namespace Berth.Core.IamPolicies;

/// <summary>IAM's checks of a Resource / NotResource entry, with its texts.</summary>
internal static class ResourceFormat
{
    private static readonly string[] Partitions = ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b"];

    private static readonly string[] IamResourceStarts =
    [
        "user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/", "server-certificate/", "policy/",
        "sms-mfa/", "saml-provider/", "oidc-provider/", "report/", "access-report/",
    ];

    /// <summary>IAM's text for an entry it refuses, or null when the entry is well formed.</summary>
    public static string? Check(string resource)
    {
        if (resource == "*")
        {
            return null;
        }

        var parts = resource.Split(':');
        if (parts.Length == 1)
        {
            return PolicyErrors.ResourceNotArn(resource);
        }

        var partition = parts[1];
        if (!Partitions.Contains(partition))
        {
            string Part(int index) => index < parts.Length && (parts[index].Length > 0 || parts.Length > index + 1) ? parts[index] : "*";
            var resourcePart = parts.Length > 5 ? string.Join(':', parts[5..]) : "*";
            return PolicyErrors.InvalidPartition(partition, $"arn:{partition}:{Part(2)}:{Part(3)}:{Part(4)}:{resourcePart}");
        }

        if (parts.Length < 3)
        {
            return PolicyErrors.ResourceVendorNotQualified;
        }

        var service = parts[2];
        var region = parts.Length > 3 ? parts[3] : "";
        if (service == "iam" && region.Length > 0)
        {
            return $"IAM resource {resource} cannot contain region information.";
        }

        if (service == "s3" && region.Length > 0)
        {
            return $"Resource {resource} can not contain region information.";
        }

        if (service == "iam")
        {
            var path = parts.Length > 5 ? string.Join(':', parts[5..]) : "";
            if (path != "*" && !IamResourceStarts.Any(start => path.StartsWith(start, StringComparison.Ordinal)))
            {
                return $"IAM resource path must either be \"*\" or start with {string.Join(", ", IamResourceStarts)}.";
            }
        }

        return null;
    }

    /// <summary>IAM's legacy parser refuses an entry with "::" but fewer than five colons, or with an empty service.</summary>
    public static bool PassesLegacyParsing(string resource) =>
        resource == "*"
        || ((resource.Count(c => c == ':') >= 5 || !resource.Contains("::", StringComparison.Ordinal))
            && resource.Split(':') is { Length: > 2 } parts && parts[2].Length > 0);
}
