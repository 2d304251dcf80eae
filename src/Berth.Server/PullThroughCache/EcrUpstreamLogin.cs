using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Berth.Core.PullThroughCache;
using Berth.Core.SigV4;

namespace Berth.Server.PullThroughCache;

/// <summary>
/// Logs in to an <c>ecr</c> upstream as <c>aws ecr get-login-password</c> does: GetAuthorizationToken signed with SigV4
/// (service <c>ecr</c>) with the access key the rule's secret holds (username: access key ID, accessToken: secret
/// access key), and the token's <c>AWS:password</c> becomes the credential /v2/ is pulled with. Tokens are kept until
/// five minutes before their <c>expiresAt</c> (ECR's last 12 hours), per (API endpoint, access key).
/// See https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetAuthorizationToken.html
/// </summary>
internal sealed class EcrUpstreamLogin(HttpClient http, TimeProvider time)
{
    private const string ContentType = "application/x-amz-json-1.1";
    private const string Target = "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken";
    private const int MaxAnswerBytes = 64 * 1024;
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, (UpstreamCredential Credential, DateTimeOffset Until)> _tokens = new(StringComparer.Ordinal);

    /// <summary>
    /// The registry credential for <paramref name="upstream"/>, signing for its region or else <paramref name="defaultRegion"/>.
    /// Throws <see cref="UpstreamFailure"/> when the upstream refuses or cannot be reached.
    /// </summary>
    public async Task<UpstreamCredential> LoginAsync(UpstreamRegistryUrl upstream, UpstreamCredential accessKey, string defaultRegion, CancellationToken cancellationToken)
    {
        var api = upstream.ApiUri ?? upstream.BaseUri;
        var region = upstream.SigningRegion ?? defaultRegion;
        var key = $"{api}|{region}|{accessKey.Username}|{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(accessKey.AccessToken)))}";
        if (_tokens.TryGetValue(key, out var cached) && cached.Until > time.GetUtcNow())
        {
            return cached.Credential;
        }

        var body = "{}"u8.ToArray();
        var (authorization, amzDate) = SigV4Signer.SignJsonPost(api.Authority, Target, ContentType, body, accessKey.Username, accessKey.AccessToken, region, "ecr", time.GetUtcNow());
        using var request = new HttpRequestMessage(HttpMethod.Post, api) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(ContentType);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", Target);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new UpstreamFailure(null, $"GetAuthorizationToken at {api} failed: {e.Message}", e);
        }

        using (response)
        {
            var answer = await ReadBoundedAsync(response, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                // ECR answers throttling as 400 ThrottlingException; the client is told 429 as for a registry's 429.
                var status = answer.Contains("ThrottlingException", StringComparison.Ordinal) ? HttpStatusCode.TooManyRequests : response.StatusCode;
                throw new UpstreamFailure(status, $"GetAuthorizationToken at {api} answered {(int)response.StatusCode}: {Shorten(answer)}");
            }

            var login = Parse(answer) ?? throw new UpstreamFailure(null, $"GetAuthorizationToken at {api} answered without an authorization token");
            var until = login.ExpiresAt - Margin;
            if (until > time.GetUtcNow())
            {
                _tokens[key] = (login.Credential, until);
            }

            return login.Credential;
        }
    }

    private static (UpstreamCredential Credential, DateTimeOffset ExpiresAt)? Parse(string answer)
    {
        try
        {
            using var document = JsonDocument.Parse(answer);
            if (!document.RootElement.TryGetProperty("authorizationData", out var data) || data.ValueKind != JsonValueKind.Array || data.GetArrayLength() == 0
                || !data[0].TryGetProperty("authorizationToken", out var token) || token.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(token.GetString()!));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return null;
            }

            // expiresAt is epoch seconds (a JSON number, possibly fractional) in the JSON 1.1 protocol.
            var expiresAt = data[0].TryGetProperty("expiresAt", out var e) && e.TryGetDouble(out var seconds)
                ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000))
                : DateTimeOffset.MinValue;
            return (new UpstreamCredential(decoded[..colon], decoded[(colon + 1)..]), expiresAt);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return null;
        }
    }

    private static async Task<string> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxAnswerBytes];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            return Encoding.UTF8.GetString(buffer, 0, total);
        }
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300];
}
