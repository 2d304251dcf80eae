using System.Net;
using System.Net.Sockets;

namespace Berth.Core.IamPolicies;

/// <summary>An IpAddress / NotIpAddress value: an IPv4 or IPv6 address, or a CIDR block such as 203.0.113.0/24 or 2001:DB8::/32.</summary>
internal sealed class IpRange
{
    private readonly byte[] _network;
    private readonly int _prefixLength;

    private IpRange(byte[] network, int prefixLength)
    {
        _network = network;
        _prefixLength = prefixLength;
    }

    /// <summary>The range of an address or CIDR block, or null for text that is neither (a bad address, a prefix too long).</summary>
    public static IpRange? TryParse(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText, out var address)
            || (address.AddressFamily == AddressFamily.InterNetwork && !IsDottedQuad(addressText)))
        {
            return null;
        }

        var bytes = Normalize(address).GetAddressBytes();
        var prefix = bytes.Length * 8;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out prefix) || prefix > bytes.Length * 8))
        {
            return null;
        }

        return new IpRange(bytes, prefix);
    }

    /// <summary>Whether a request's address (aws:SourceIp) falls in the range; false for any text that is not an address.</summary>
    public bool Contains(string candidate)
    {
        if (!IPAddress.TryParse(candidate, out var address))
        {
            return false;
        }

        var bytes = Normalize(address).GetAddressBytes();
        if (bytes.Length != _network.Length)
        {
            return false;
        }

        var fullBytes = _prefixLength / 8;
        for (var i = 0; i < fullBytes; i++)
        {
            if (bytes[i] != _network[i])
            {
                return false;
            }
        }

        var remainingBits = _prefixLength % 8;
        if (remainingBits == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - remainingBits));
        return (bytes[fullBytes] & mask) == (_network[fullBytes] & mask);
    }

    // IPAddress.TryParse also takes the old inet_aton forms ("10" is 0.0.0.10, "1.2.3" is 1.2.0.3, "0x7f.1" is
    // 127.0.0.1); a policy means four decimal parts.
    private static bool IsDottedQuad(string text)
    {
        var parts = text.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit) && int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) <= 255);
    }

    private static IPAddress Normalize(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
