using System.Diagnostics.CodeAnalysis;
using Berth.Core.Registries;

namespace Berth.Server.Registries;

/// <summary>
/// ECR's registry host names, <c>&lt;account&gt;.dkr.ecr.&lt;region&gt;.&lt;domain&gt;[:port]</c>: parsing the Host of
/// a /v2/ request, and building the names repositoryUri and proxyEndpoint report.
/// </summary>
internal static class RegistryHostName
{
    private const string Marker = ".dkr.ecr.";

    /// <summary>
    /// Reads a host such as <c>111122223333.dkr.ecr.eu-west-1.registry.example.com:5000</c>: the registry it names and
    /// the rest (<c>registry.example.com:5000</c>). False for any other host, a malformed account or region included.
    /// </summary>
    public static bool TryParse(string? host, [NotNullWhen(true)] out RegistryIdentity? registry, [NotNullWhen(true)] out string? rest)
    {
        registry = null;
        rest = null;
        if (host is null || host.Length < 12 + Marker.Length || !host.AsSpan(12).StartsWith(Marker, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var account = host[..12];
        var regionStart = 12 + Marker.Length;
        var dot = host.IndexOf('.', regionStart);
        if (dot < 0 || dot == host.Length - 1)
        {
            return false;
        }

        var region = host[regionStart..dot].ToLowerInvariant();
        if (!RegistryIdentity.IsValidAccountId(account) || !RegistryIdentity.IsValidRegion(region))
        {
            return false;
        }

        registry = new RegistryIdentity(account, region);
        rest = host[(dot + 1)..];
        return true;
    }

    /// <summary><c>&lt;account&gt;.dkr.ecr.&lt;region&gt;.&lt;domain&gt;</c>, the domain keeping any port it carries.</summary>
    public static string Format(RegistryIdentity registry, string domain) => $"{registry.AccountId}{Marker}{registry.Region}.{domain}";

    /// <summary>Whether the host part of <c>host[:port]</c> is an IP address literal (v4, or v6 in brackets).</summary>
    public static bool IsIpLiteral(string host)
    {
        if (host.StartsWith('['))
        {
            return true;
        }

        var colon = host.LastIndexOf(':');
        return System.Net.IPAddress.TryParse(colon < 0 ? host : host[..colon], out _);
    }
}
