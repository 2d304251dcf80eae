using Berth.Core.IamPolicies;

namespace Berth.Server.Authentication;

/// <summary>The condition keys of an HTTP request itself, for policy evaluation on every face.</summary>
internal static class RequestConditions
{
    /// <summary>aws:SecureTransport, and aws:SourceIp (an IPv4-mapped address as IPv4).</summary>
    public static RequestContext Of(HttpContext context)
    {
        var keys = new RequestContext().Set(ContextKeys.SecureTransport, context.Request.IsHttps ? "true" : "false");
        if (context.Connection.RemoteIpAddress is { } address)
        {
            keys.Set(ContextKeys.SourceIp, (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString());
        }

        return keys;
    }
}
