using System.Text;
using Berth.Core.Errors;

namespace Berth.Server.EcrApi;

/// <summary>Opaque pagination tokens: the key of the last item returned, base64url-encoded.</summary>
internal static class NextToken
{
    public static string Write(string lastKey) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("v1:" + lastKey)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The key a token encodes; null for no token. A token not made here is InvalidParameterException.</summary>
    public static string? Read(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += (padded.Length % 4) switch { 2 => "==", 3 => "=", _ => string.Empty };
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            if (text.StartsWith("v1:", StringComparison.Ordinal))
            {
                return text[3..];
            }
        }
        catch (FormatException)
        {
        }

        throw new RegistryException(EcrErrors.InvalidParameter, "Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid NextToken'");
    }
}
