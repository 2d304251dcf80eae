using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Berth.Core.PullThroughCache;

namespace Berth.Server.PullThroughCache;

/// <summary>
/// Talks to upstream registries for the pull through cache: one pooled <see cref="HttpClient"/>, and the token
/// authentication of the distribution spec: a request answered 401 with a <c>Bearer realm=…,service=…,scope=…</c>
/// challenge fetches a token from the realm (anonymously, or with the rule's credential as basic auth) and is sent
/// again with it; a <c>Basic</c> challenge is answered with the credential. Tokens are kept until shortly before
/// they expire, per (upstream, scope, user). Redirects (blob downloads from object stores) are followed; .NET drops
/// the Authorization header on them. See https://distribution.github.io/distribution/spec/auth/token/
/// </summary>
internal sealed class UpstreamClient(HttpClient http, TimeProvider time)
{
    private const int MaxTokenResponseBytes = 64 * 1024;

    // Stands in the token cache for "this upstream takes the credential as basic auth".
    private const string BasicMarker = "\0basic";
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Expires)> _tokens = new(StringComparer.Ordinal);

    /// <summary>
    /// Sends a request to the upstream and returns its response once the headers are read (the body streams). The
    /// caller disposes it. Network failures and timeouts throw <see cref="HttpRequestException"/> or
    /// <see cref="TaskCanceledException"/>.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(
        UpstreamRegistryUrl upstream, UpstreamCredential? credential, HttpMethod method, string path, string repository, string? accept, CancellationToken cancellationToken)
    {
        var scope = $"repository:{repository}:pull";
        var key = $"{upstream.BaseUri}|{scope}|{credential?.Username}";
        var basicKey = $"{upstream.BaseUri}|basic|{credential?.Username}";
        var cached = _tokens.TryGetValue(key, out var token) && token.Expires > time.GetUtcNow() ? token.Token
            : _tokens.TryGetValue(basicKey, out var basicToken) && basicToken.Expires > time.GetUtcNow() ? basicToken.Token
            : null;
        var preemptive = cached is null ? null
            : cached == BasicMarker && credential is not null ? Basic(credential)
            : new AuthenticationHeaderValue("Bearer", cached);
        var response = await SendOnceAsync(upstream, method, path, accept, preemptive, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        var challenge = response.Headers.WwwAuthenticate.FirstOrDefault();
        AuthenticationHeaderValue? authorization = null;
        if (challenge is { Scheme: var scheme } && scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            var parameters = ParseChallenge(challenge.Parameter ?? string.Empty);
            if (parameters.TryGetValue("realm", out var realm) && Uri.TryCreate(realm, UriKind.Absolute, out var realmUri))
            {
                var fetched = await FetchTokenAsync(realmUri, parameters.GetValueOrDefault("service"), parameters.GetValueOrDefault("scope") ?? scope, credential, cancellationToken).ConfigureAwait(false);
                if (fetched is not null)
                {
                    _tokens[key] = fetched.Value;
                    authorization = new AuthenticationHeaderValue("Bearer", fetched.Value.Token);
                }
            }
        }
        else if (challenge is { Scheme: var basic } && basic.Equals("Basic", StringComparison.OrdinalIgnoreCase) && credential is not null)
        {
            // Later requests send the credential at once instead of collecting a 401 each time.
            _tokens[basicKey] = (BasicMarker, time.GetUtcNow().AddMinutes(5));
            authorization = Basic(credential);
        }

        if (authorization is null)
        {
            return response;
        }

        response.Dispose();
        return await SendOnceAsync(upstream, method, path, accept, authorization, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendOnceAsync(
        UpstreamRegistryUrl upstream, HttpMethod method, string path, string? accept, AuthenticationHeaderValue? authorization, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(upstream.BaseUri, path));
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        request.Headers.Authorization = authorization;
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(string Token, DateTimeOffset Expires)?> FetchTokenAsync(
        Uri realm, string? service, string scope, UpstreamCredential? credential, CancellationToken cancellationToken)
    {
        var query = new StringBuilder(realm.Query.Length > 1 ? realm.Query[1..] + "&" : string.Empty);
        if (service is not null)
        {
            query.Append("service=").Append(Uri.EscapeDataString(service)).Append('&');
        }

        query.Append("scope=").Append(Uri.EscapeDataString(scope));
        using var request = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(realm) { Query = query.ToString() }.Uri);
        if (credential is not null)
        {
            request.Headers.Authorization = Basic(credential);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > MaxTokenResponseBytes)
        {
            return null;
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (body.Length > MaxTokenResponseBytes)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var token = root.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()
                : root.TryGetProperty("access_token", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()
                : null;
            // The token spec's default lifetime is 60 seconds; keep a margin for the clock and the request.
            var lifetime = root.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var seconds) && seconds > 0 ? seconds : 60;
            return token is null ? null : (token, time.GetUtcNow().AddSeconds(Math.Max(0, lifetime - 10)));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static AuthenticationHeaderValue Basic(UpstreamCredential credential) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.AccessToken}")));

    /// <summary>The <c>key="value"</c> pairs of a challenge (values may be quoted and contain commas).</summary>
    internal static Dictionary<string, string> ParseChallenge(string parameters)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < parameters.Length)
        {
            while (i < parameters.Length && (parameters[i] == ',' || char.IsWhiteSpace(parameters[i])))
            {
                i++;
            }

            var equals = parameters.IndexOf('=', i);
            if (equals < 0)
            {
                break;
            }

            var name = parameters[i..equals].Trim();
            i = equals + 1;
            string value;
            if (i < parameters.Length && parameters[i] == '"')
            {
                var end = parameters.IndexOf('"', i + 1);
                end = end < 0 ? parameters.Length : end;
                value = parameters[(i + 1)..end];
                i = end + 1;
            }
            else
            {
                var end = parameters.IndexOf(',', i);
                end = end < 0 ? parameters.Length : end;
                value = parameters[i..end].Trim();
                i = end;
            }

            result[name] = value;
        }

        return result;
    }
}
