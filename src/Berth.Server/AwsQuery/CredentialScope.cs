namespace Berth.Server.AwsQuery;

/// <summary>
/// Reads the region and service of a request's SigV4 credential scope (<c>Credential=KEY/DATE/REGION/SERVICE/aws4_request</c>
/// in the Authorization header, or <c>X-Amz-Credential</c> in the query), to choose the service before verifying.
/// </summary>
internal static class CredentialScope
{
    public static (string? Region, string? Service) Read(HttpRequest request)
    {
        var credential = request.Query["X-Amz-Credential"].ToString();
        var authorization = request.Headers.Authorization.ToString();
        var start = authorization.IndexOf("Credential=", StringComparison.Ordinal);
        if (start >= 0)
        {
            var end = authorization.IndexOfAny([',', ' '], start);
            credential = authorization[(start + "Credential=".Length)..(end < 0 ? authorization.Length : end)];
        }

        var parts = credential.Split('/');
        return parts.Length == 5 ? (parts[2], parts[3]) : (null, null);
    }
}
