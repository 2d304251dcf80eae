using System.Net;
using System.Text.RegularExpressions;
using Berth.Core.Errors;

namespace Berth.Core.PullThroughCache;

/// <summary>
/// An upstream registry as a rule names it: ECR's kinds with their hosts (the model's documentation of
/// <c>upstreamRegistryUrl</c>), and, as Berth's extension, any OCI registry given as <c>https://host[:port]</c> (or a
/// bare <c>host[:port]</c>) or, for a loopback host only, <c>http://host[:port]</c>. <see cref="BaseUri"/> is where
/// <c>/v2/</c> is reached. An <c>ecr</c> upstream is <c>&lt;account&gt;.dkr.ecr.&lt;region&gt;.amazonaws.com</c> (its API at
/// <c>api.ecr.&lt;region&gt;.amazonaws.com</c>) or, as Berth's extension, any URL above with the kind <c>ecr</c>
/// given: another Berth, whose endpoint serves both the ECR API and /v2/.
/// </summary>
public sealed partial record UpstreamRegistryUrl(string Url, string? Kind, Uri BaseUri)
{
    public const string Ecr = "ecr";
    public const string EcrPublic = "ecr-public";
    public const string DockerHub = "docker-hub";

    private static readonly Dictionary<string, string> KnownHosts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["public.ecr.aws"] = EcrPublic,
        ["registry-1.docker.io"] = DockerHub,
        ["quay.io"] = "quay",
        ["registry.k8s.io"] = "k8s",
        ["ghcr.io"] = "github-container-registry",
        ["registry.gitlab.com"] = "gitlab-container-registry",
        ["cgr.dev"] = "chainguard",
    };

    // ECR requires a Secrets Manager credential for these upstreams (the user guide's "upstream registries that
    // require authentication"); the others are pulled anonymously unless a credential is given. An ecr upstream needs
    // one in Berth only: ECR assumes a role there, Berth signs with the access key the secret holds.
    private static readonly HashSet<string> NeedCredential = new(StringComparer.Ordinal)
    {
        Ecr, DockerHub, "github-container-registry", "azure-container-registry", "gitlab-container-registry", "chainguard",
    };

    /// <summary>Whether pulls from this upstream need the rule's credential.</summary>
    public bool RequiresCredential => Kind is not null && NeedCredential.Contains(Kind);

    /// <summary>For an <c>ecr</c> upstream: where its ECR API (GetAuthorizationToken) is reached.</summary>
    public Uri? ApiUri { get; init; }

    /// <summary>
    /// For an <c>ecr</c> upstream: the region its API calls are signed for, from its host; null for an upstream of
    /// Berth's extension, which is signed for the pulling registry's own region.
    /// </summary>
    public string? SigningRegion { get; init; }

    /// <summary>
    /// Resolves the URL and kind of a request. A URL of a known host gives its kind (which must agree with
    /// <paramref name="kind"/> when both are given); any other URL is an upstream of Berth's extension, which takes no
    /// kind. Throws UnsupportedUpstreamRegistryException otherwise.
    /// </summary>
    public static UpstreamRegistryUrl Parse(string url, string? kind)
    {
        var (host, baseUri) = Address(url) ?? throw Unsupported(url);
        var known = KnownHosts.TryGetValue(host, out var k) ? k
            : AzureHost().IsMatch(host) ? "azure-container-registry"
            : EcrHost().IsMatch(host) ? Ecr
            : null;
        if (known == Ecr)
        {
            if (kind is not null && kind != Ecr)
            {
                throw Unsupported(url, kind);
            }

            var match = EcrHost().Match(host);
            var region = match.Groups["region"].Value.ToLowerInvariant();
            var api = match.Groups["fips"].Success ? $"https://ecr-fips.{region}.amazonaws.com{match.Groups["cn"].Value}/"
                : $"https://api.ecr.{region}.amazonaws.com{match.Groups["cn"].Value}/";
            return new UpstreamRegistryUrl(url, Ecr, baseUri) { ApiUri = new Uri(api), SigningRegion = region };
        }

        if (kind == Ecr)
        {
            // Berth's extension: another Berth (or anything serving the ECR API and /v2/ on one endpoint).
            return new UpstreamRegistryUrl(url, Ecr, baseUri) { ApiUri = baseUri };
        }

        if (kind is not null && known != kind)
        {
            throw Unsupported(url, kind);
        }

        return new UpstreamRegistryUrl(url, known, baseUri);
    }

    /// <summary>The host and base URI of a URL, or null when it is no registry address Berth accepts.</summary>
    private static (string Host, Uri BaseUri)? Address(string url)
    {
        var text = url.Contains("://", StringComparison.Ordinal) ? url : "https://" + url;
        if (!Uri.TryCreate(text.TrimEnd('/'), UriKind.Absolute, out var uri)
            || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.AbsolutePath != "/"
            || uri.HostNameType is not (UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6))
        {
            return null;
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri.Host))
        {
            return null;
        }

        return uri.Scheme is "https" or "http" ? (uri.Host, new Uri(uri.GetLeftPart(UriPartial.Authority) + "/")) : null;
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static RegistryException Unsupported(string url, string? kind = null) =>
        new(PullThroughCacheErrors.UnsupportedUpstreamRegistry, kind is null
            ? $"The upstream registry URL '{url}' is not supported. Use a registry host, https://host[:port], or http:// for a loopback host"
            : $"The upstream registry URL '{url}' is not supported for upstream registry '{kind}'");

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9-]*\.azurecr\.io\z", RegexOptions.IgnoreCase)]
    private static partial Regex AzureHost();

    [GeneratedRegex(@"\A[0-9]{12}\.dkr\.ecr(?<fips>-fips)?\.(?<region>[a-z0-9-]+)\.amazonaws\.com(?<cn>\.cn)?\z", RegexOptions.IgnoreCase | RegexOptions.ExplicitCapture)]
    private static partial Regex EcrHost();
}
