namespace Berth.Core.SigV4;

/// <summary>
/// The signature's inputs as the client sent them, read either from the Authorization header or from the presigned
/// query string (<c>X-Amz-Algorithm</c>, <c>X-Amz-Credential</c>, ...). Nothing is validated beyond presence.
/// </summary>
internal sealed record SignatureParameters(
    string Credential,
    string SignedHeaders,
    string Signature,
    string RawDate,
    bool IsHttpDate,
    string? SessionToken,
    string? RawExpires,
    bool IsPresigned)
{
    private const string AuthorizationHeader = "Authorization";

    /// <summary>Reads the parameters, or the AWS error for a request that carries no or an incomplete signature.</summary>
    public static (SignatureParameters? Parameters, SigV4Error? Error) Read(SigV4Request request, HeaderLookup headers)
    {
        var authorization = headers.First(AuthorizationHeader);
        var query = QueryParameters(request.RawQuery);
        var presignedAlgorithm = query.GetValueOrDefault("X-Amz-Algorithm");
        if (string.IsNullOrWhiteSpace(authorization))
        {
            return presignedAlgorithm == SigningKey.Algorithm
                ? FromQuery(query)
                : (null, SigV4Error.MissingAuthenticationToken());
        }

        // Signed twice over, in the header and in the query: AWS rejects the request rather than pick one.
        return presignedAlgorithm is null ? FromHeader(authorization, headers) : (null, SigV4Error.SignatureMismatch());
    }

    /// <summary>
    /// <c>AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...</c>. AWS separates the parameters by commas
    /// and/or whitespace, so <c>a=1,b=2</c>, <c>a=1, b=2</c> and <c>a=1 b=2</c> are all accepted; the last of a
    /// repeated name wins. Any other scheme (<c>AWS AKID:sig</c>, <c>Bearer ...</c>) is answered as if every
    /// parameter were missing, which is what AWS does.
    /// </summary>
    private static (SignatureParameters?, SigV4Error?) FromHeader(string authorization, HeaderLookup headers)
    {
        var tokens = authorization.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (tokens is [SigningKey.Algorithm, ..])
        {
            foreach (var token in tokens.AsSpan(1))
            {
                var equals = token.IndexOf('=', StringComparison.Ordinal);
                if (equals < 0)
                {
                    return (null, SigV4Error.NotKeyValuePair(token, authorization));
                }

                values[token[..equals]] = token[(equals + 1)..];
            }
        }

        var amzDate = headers.First("X-Amz-Date");
        var date = amzDate ?? headers.First("Date");
        var missing = new List<string>();
        AddIfMissing(values, "Credential", missing, "Authorization header requires 'Credential' parameter.");
        AddIfMissing(values, "Signature", missing, "Authorization header requires 'Signature' parameter.");
        AddIfMissing(values, "SignedHeaders", missing, "Authorization header requires 'SignedHeaders' parameter.");
        if (date is null)
        {
            missing.Add("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }

        if (missing.Count > 0)
        {
            return (null, SigV4Error.MissingAuthorizationParts(missing, authorization));
        }

        return (new SignatureParameters(values["Credential"], values["SignedHeaders"], values["Signature"], date!,
            IsHttpDate: amzDate is null, headers.First("X-Amz-Security-Token"), RawExpires: null, IsPresigned: false), null);
    }

    private static (SignatureParameters?, SigV4Error?) FromQuery(Dictionary<string, string> query)
    {
        var missing = new List<string>();
        foreach (var name in (ReadOnlySpan<string>)["X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"])
        {
            AddIfMissing(query, name, missing, $"AWS query-string parameters must include '{name}'.");
        }

        if (missing.Count > 0)
        {
            return (null, SigV4Error.MissingQueryParameters(missing));
        }

        return (new SignatureParameters(query["X-Amz-Credential"], query["X-Amz-SignedHeaders"],
            query["X-Amz-Signature"], query["X-Amz-Date"], IsHttpDate: false,
            query.GetValueOrDefault("X-Amz-Security-Token"), query.GetValueOrDefault("X-Amz-Expires"),
            IsPresigned: true), null);
    }

    /// <summary>The first value of each query parameter, decoded.</summary>
    private static Dictionary<string, string> QueryParameters(string rawQuery)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in CanonicalUri.ParseQuery(rawQuery))
        {
            parameters.TryAdd(name, value);
        }

        return parameters;
    }

    private static void AddIfMissing(Dictionary<string, string> values, string name, List<string> missing, string message)
    {
        if (!values.ContainsKey(name))
        {
            missing.Add(message);
        }
    }
}
