using System.Text.RegularExpressions;

namespace Berth.Core.IamPolicies;

/// <summary>
/// A Principal or NotPrincipal element: <c>"*"</c>, or a map of <c>AWS</c> (<c>*</c>, account ids, IAM and STS ARNs),
/// <c>Service</c>, <c>Federated</c> and <c>CanonicalUser</c> values. Account ids are kept as the account's root ARN,
/// as IAM rewrites them.
/// </summary>
internal sealed partial class PolicyPrincipals
{
    private readonly HashSet<string> _aws;

    private PolicyPrincipals(bool everyone, HashSet<string> aws, IReadOnlyList<string> services, IReadOnlyList<string> federated)
    {
        Everyone = everyone;
        _aws = aws;
        Services = services;
        Federated = federated;
    }

    public bool Everyone { get; }

    public IReadOnlyCollection<string> Aws => _aws;

    public IReadOnlyList<string> Services { get; }

    public IReadOnlyList<string> Federated { get; }

    /// <summary>Builds the element from its syntax-checked values, throwing IAM's "Invalid principal in policy" for a bad one.</summary>
    public static PolicyPrincipals Create(bool star, IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> entries)
    {
        var aws = new HashSet<string>(StringComparer.Ordinal);
        var services = new List<string>();
        var federated = new List<string>();
        var everyone = star;
        foreach (var (type, values) in entries)
        {
            foreach (var value in values)
            {
                switch (type)
                {
                    case "AWS" when value == "*":
                        everyone = true;
                        break;
                    case "AWS" when AccountId().IsMatch(value):
                        aws.Add(RequestPrincipal.AccountRootArn(value));
                        break;
                    case "AWS" when AwsPrincipalArn().IsMatch(value):
                        aws.Add(value);
                        break;
                    case "Service" when ServiceName().IsMatch(value):
                        services.Add(value);
                        break;
                    case "Federated" when FederatedProvider().IsMatch(value):
                        federated.Add(value);
                        break;
                    case "CanonicalUser" when value.Length > 0:
                        break;
                    default:
                        throw new MalformedPolicyDocumentException(PolicyErrors.InvalidPrincipal(
                            type == "AWS" ? "AWS" : type.ToUpperInvariant(), value));
                }
            }
        }

        return new PolicyPrincipals(everyone, aws, services, federated);
    }

    /// <summary>How this element names the caller (for a Principal element).</summary>
    public PrincipalMatch Match(RequestPrincipal principal)
    {
        if (Everyone)
        {
            return PrincipalMatch.Principal;
        }

        if (principal.Type == PrincipalType.Anonymous)
        {
            return PrincipalMatch.None;
        }

        if (_aws.Contains(principal.Arn) || (principal.RoleArn is { } role && _aws.Contains(role)))
        {
            return PrincipalMatch.Principal;
        }

        return _aws.Contains(RequestPrincipal.AccountRootArn(principal.AccountId)) ? PrincipalMatch.Account : PrincipalMatch.None;
    }

    /// <summary>
    /// For a NotPrincipal element: whether the caller is left out of the statement. As AWS documents, that needs
    /// every entity the request runs as to be listed: the caller's ARN, its role's ARN for a role session, and its
    /// account; naming a user without the account leaves the statement applying to that user.
    /// </summary>
    public bool Excludes(RequestPrincipal principal)
    {
        if (Everyone)
        {
            return true;
        }

        if (principal.Type == PrincipalType.Anonymous)
        {
            return false;
        }

        return _aws.Contains(principal.Arn)
            && (principal.RoleArn is null || _aws.Contains(principal.RoleArn))
            && _aws.Contains(RequestPrincipal.AccountRootArn(principal.AccountId));
    }

    [GeneratedRegex("^[0-9]{12}\\z")]
    private static partial Regex AccountId();

    [GeneratedRegex(@"^arn:aws(-cn|-us-gov|-iso|-iso-b)?:(iam::[0-9]{12}:(root|user/[^*?\s]+|role/[^*?\s]+|federated-user/[^*?\s]+)|sts::[0-9]{12}:(assumed-role/[^*?/\s]+/[^*?\s]+|federated-user/[^*?\s]+))\z")]
    private static partial Regex AwsPrincipalArn();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9.-]*\.(amazonaws\.com|amazonaws\.com\.cn|amazon\.com)\z")]
    private static partial Regex ServiceName();

    [GeneratedRegex(@"^(arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:(saml-provider|oidc-provider)/[^*?\s]+|cognito-identity\.amazonaws\.com|accounts\.google\.com|graph\.facebook\.com|www\.amazon\.com)\z")]
    private static partial Regex FederatedProvider();
}
