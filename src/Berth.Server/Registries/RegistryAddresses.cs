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
/// <item>A registry with its own listener (Berth:RegistryListeners) is the host of Berth:PublicHost (else of the
/// request's Host) with that listener's port; a request arriving on that listener is for that registry.</item>
/// <item>The default registry is Berth:PublicHost, else the request's Host (on the first private listener's port when
/// the request came through another listener).</item>
/// <item>When the request's Host is itself a registry name, another registry is the same name with its account and
/// region (<c>1111….dkr.ecr.eu-west-1.example.com:5000</c> from <c>0000….dkr.ecr.us-east-1.example.com:5000</c>).</item>
/// <item>Otherwise another registry is <c>&lt;account&gt;.dkr.ecr.&lt;region&gt;.</c> before PublicHost or the request's
/// Host, when that is a DNS name; an IP address cannot carry the prefix, so it is reported as is (and reaches the
/// default registry: give the registry a listener, or set Berth:RegistryDomain).</item>
/// </list>
/// docker, podman and skopeo resolve names with the system resolver, which here does not map <c>*.localhost</c> to
/// loopback, so a registry listener is the way to another registry without DNS.
/// </summary>
internal sealed class RegistryAddresses(IOptions<BerthOptions> options, Listeners listeners)
{
    public RegistryIdentity Default { get; } = new(options.Value.AccountId, options.Value.Region);

    /// <summary>The registry of the request's listener, else the one its Host names, else the default registry.</summary>
    public RegistryIdentity Resolve(HttpRequest request) =>
        Listener.Of(request.HttpContext) is { Registry: { } registry } ? registry
        : RegistryHostName.TryParse(request.Host.Value, out var named, out _) ? named
        : Default;

    /// <summary>The host[:port] clients use to reach <paramref name="registry"/>.</summary>
    public string HostOf(RegistryIdentity registry, HttpRequest request)
    {
        var requestHost = request.Host.Value is { Length: > 0 } h ? h : "localhost";
        var advertised = options.Value.PublicHost is { Length: > 0 } p ? p : requestHost;
        if (options.Value.RegistryDomain is { Length: > 0 } domain)
        {
            return RegistryHostName.Format(registry, domain + PortSuffix(advertised));
        }

        if (listeners.Of(registry) is { } own)
        {
            return WithPort(advertised, own.Port);
        }

        if (registry == Default)
        {
            return options.Value.PublicHost is { Length: > 0 } || Listener.Of(request.HttpContext) is null or { Face: ListenerFace.Private }
                ? advertised
                : WithPort(advertised, listeners.Private.Port);
        }

        if (RegistryHostName.TryParse(requestHost, out _, out var rest))
        {
            return RegistryHostName.Format(registry, rest);
        }

        return RegistryHostName.IsIpLiteral(advertised) ? advertised : RegistryHostName.Format(registry, advertised);
    }

    /// <summary>
    /// The host[:port] of the public registries' /v2/ face: Berth:PublicRegistryHost; else, with a public listener, the
    /// host of Berth:PublicHost or the request on that listener's port; else <c>public.</c> before Berth:PublicHost or
    /// the request's host. Images are <c>&lt;this&gt;/&lt;alias&gt;/&lt;repository&gt;</c>.
    /// </summary>
    public string PublicHostOf(HttpRequest request)
    {
        var advertised = options.Value.PublicHost is { Length: > 0 } p ? p : request.Host.Value is { Length: > 0 } h ? h : "localhost";
        return options.Value.PublicRegistryHost is { Length: > 0 } configured ? configured
            : listeners.Public is { } listener ? WithPort(advertised, listener.Port)
            : "public." + advertised;
    }

    /// <summary>
    /// Whether a request is for the public registries. With a public listener: whether it arrived on one, whatever its
    /// Host. Without: whether its Host is Berth:PublicRegistryHost (with its port when it names one), else whether the
    /// Host's first label is <c>public</c>. Its /v2/ paths start with a registry alias.
    /// </summary>
    public bool IsPublicHost(HttpRequest request)
    {
        if (listeners.Public is not null)
        {
            return Listener.Of(request.HttpContext) is { Face: ListenerFace.Public };
        }

        var host = request.Host;
        if (options.Value.PublicRegistryHost is not { Length: > 0 } configured)
        {
            return host.Host.StartsWith("public.", StringComparison.OrdinalIgnoreCase);
        }

        var expected = HostString.FromUriComponent(configured);
        return string.Equals(expected.Host, host.Host, StringComparison.OrdinalIgnoreCase)
            && (expected.Port is null || expected.Port == (host.Port ?? (request.IsHttps ? 443 : 80)));
    }

    /// <summary>The host part of <paramref name="host"/> (IPv6 in brackets) with <paramref name="port"/>.</summary>
    private static string WithPort(string host, int port) => $"{HostString.FromUriComponent(host).Host}:{port}";

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
