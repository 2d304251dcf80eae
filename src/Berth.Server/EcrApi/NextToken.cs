using System.Security.Cryptography;
using System.Text;
using Berth.Core.Errors;

namespace Berth.Server.EcrApi;

/// <summary>
/// Opaque pagination tokens: the key of the last item returned, bound to the listing that issued it (the operation,
/// the registry and the repository), base64url-encoded. A token from another repository, registry or operation would
/// otherwise start the listing at a foreign key; it is refused as ECR refuses any token it did not issue for the call.
/// </summary>
internal static class NextToken
{
    private const string Version = "v2:";
    private const int ScopeChars = 16;

    public static string Write(EcrCall call, string lastKey) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(Version + ScopeOf(call) + ":" + lastKey)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// The key the call's nextToken encodes; null for no token. A token not made here, or made for another listing, is
    /// InvalidParameterException.
    /// </summary>
    public static string? Read(EcrCall call, string member = "nextToken")
    {
        var token = call.String(member);
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += (padded.Length % 4) switch { 2 => "==", 3 => "=", _ => string.Empty };
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            var prefix = Version + ScopeOf(call) + ":";
            if (text.StartsWith(prefix, StringComparison.Ordinal))
            {
                return text[prefix.Length..];
            }
        }
        catch (FormatException)
        {
        }

        throw new RegistryException(EcrErrors.InvalidParameter, $"Invalid parameter at '{member}' failed to satisfy constraint: 'Invalid NextToken'");
    }

    // The operation (X-Amz-Target), the registry and the repository, hashed so that the token stays short.
    private static string ScopeOf(EcrCall call)
    {
        var scope = string.Join('\n', call.Context.Request.Headers["X-Amz-Target"].ToString(), call.Registry.AccountId, call.Registry.Region, call.String("repositoryName") ?? string.Empty);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(scope)))[..ScopeChars];
    }
}
