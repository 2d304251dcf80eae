using Berth.Core.Registries;
using Berth.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Berth.Server.Registries;

/// <summary>
/// Which registry a /v2/ request addresses, and the host[:port] each registry is reached at (repositoryUri,
/// proxyEndpoint, layer download URLs). The rule, in order:
/// <list type="number">
/// <item>With <c>Berth:RegistryDomain</c>, every registry is <c>&lt;account&gt;.dkr.ecr.&lt;region&gt;.&lt;domain&gt;</c>,
/// plus the port of Berth:PublicHost (else of the request's Host) unless that is 80, 443 or absent.</item>
/// <item>The default registry is Berth:PublicHost, else the request's Host.</item>
/// <item>When the request's Host is itself a registry name, another registry is the same name with its account and
/// region (<c>1111….dkr.ecr.eu-west-1.localhost:5000</c> from <c>0000….dkr.ecr.us-east-1.localhost:5000</c>).</item>
/// <item>Otherwise another registry is <c>&lt;account&gt;.dkr.ecr.&lt;region&gt;.</c> before PublicHost or the request's
/// Host, when that is a DNS name; an IP address cannot carry the prefix, so it is reported as is (and reaches the
/// default registry: set Berth:RegistryDomain to serve several registries behind an address).</item>
/// </list>
/// </summary>
internal sealed class RegistryAddresses(IOptions<BerthOptions> options)
{
    public RegistryIdentity Default { get; } = new(options.Value.AccountId, options.Value.Region);

    /// <summary>The registry a /v2/ request's Host names, or the default registry for any other host.</summary>
    public RegistryIdentity Resolve(HttpRequest request) =>
        RegistryHostName.TryParse(request.Host.Value, out var registry, out _) ? registry : Default;

    /// <summary>The host[:port] clients use to reach <paramref name="registry"/>.</summary>
    public string HostOf(RegistryIdentity registry, HttpRequest request)
    {
        var requestHost = request.Host.Value is { Length: > 0 } h ? h : "localhost";
        var advertised = options.Value.PublicHost is { Length: > 0 } p ? p : requestHost;
        if (options.Value.RegistryDomain is { Length: > 0 } domain)
        {
            return RegistryHostName.Format(registry, domain + PortSuffix(advertised));
        }

        if (registry == Default)
        {
            return advertised;
        }

        if (RegistryHostName.TryParse(requestHost, out _, out var rest))
        {
            return RegistryHostName.Format(registry, rest);
        }

        return RegistryHostName.IsIpLiteral(advertised) ? advertised : RegistryHostName.Format(registry, advertised);
    }

    /// <summary>
    /// The host[:port] of the public registries' /v2/ face: Berth:PublicRegistryHost, else <c>public.</c> before
    /// Berth:PublicHost or the request's host. Images are <c>&lt;this&gt;/&lt;alias&gt;/&lt;repository&gt;</c>.
    /// </summary>
    public string PublicHostOf(HttpRequest request) =>
        options.Value.PublicRegistryHost is { Length: > 0 } configured ? configured
        : "public." + (options.Value.PublicHost is { Length: > 0 } p ? p : request.Host.Value is { Length: > 0 } h ? h : "localhost");

    /// <summary>
    /// Whether a request arrived on the public registries' host: Berth:PublicRegistryHost (with its port when it names
    /// one), else any host whose first label is <c>public</c>. Its /v2/ paths start with a registry alias.
    /// </summary>
    public bool IsPublicHost(HttpRequest request)
    {
        var host = request.Host;
        if (options.Value.PublicRegistryHost is not { Length: > 0 } configured)
        {
            return host.Host.StartsWith("public.", StringComparison.OrdinalIgnoreCase);
        }

        var expected = HostString.FromUriComponent(configured);
        return string.Equals(expected.Host, host.Host, StringComparison.OrdinalIgnoreCase)
            && (expected.Port is null || expected.Port == (host.Port ?? (request.IsHttps ? 443 : 80)));
    }

    private static string PortSuffix(string host)
    {
        var colon = host.LastIndexOf(':');
        if (colon < 0 || host.IndexOf(']', colon) >= 0)
        {
            return string.Empty;
        }

        var port = host[(colon + 1)..];
        return port is "80" or "443" or "" ? string.Empty : ":" + port;
    }
}
