using System.Text;

namespace Berth.Core.SigV4;

/// <summary>
/// Builds the canonical request:
/// <c>Method \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n PayloadHash</c>.
/// See https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request.
/// </summary>
internal static class CanonicalRequest
{
    /// <param name="signedHeaders">The <c>SignedHeaders</c> value exactly as the client sent it (<c>;</c>-separated).</param>
    public static string Build(
        string method,
        string canonicalUri,
        string canonicalQuery,
        HeaderLookup headers,
        string signedHeaders,
        string payloadHash)
    {
        var builder = new StringBuilder(512);
        builder.Append(method).Append('\n');
        builder.Append(canonicalUri).Append('\n');
        builder.Append(canonicalQuery).Append('\n');
        foreach (var name in signedHeaders.Split(';'))
        {
            var values = headers.Values(name);
            if (values.Count == 0)
            {
                // A signed header the request lacks: the client cannot have signed a value for it.
                continue;
            }

            builder.Append(name.ToLowerInvariant()).Append(':');
            for (var i = 0; i < values.Count; i++)
            {
                if (i > 0)
                {
                    builder.Append(',');
                }

                AppendTrimmed(builder, values[i]);
            }

            builder.Append('\n');
        }

        builder.Append('\n');
        builder.Append(signedHeaders).Append('\n');
        builder.Append(payloadHash);
        return builder.ToString();
    }

    /// <summary>AWS's Trimall: no leading or trailing whitespace, inner runs (folded lines too) become one space.</summary>
    private static void AppendTrimmed(StringBuilder builder, string value)
    {
        var pendingSpace = false;
        var wroteAny = false;
        foreach (var c in value)
        {
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                pendingSpace = wroteAny;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
            wroteAny = true;
        }
    }
}
