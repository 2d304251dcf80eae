using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Berth.Core.Content;
using Berth.Core.Naming;
using Berth.Core.Replication;

namespace Berth.Server.RemoteReplication;

/// <summary>
/// The OCI distribution API of one remote destination, for one replication task (the token it obtains is for the
/// task's repository). Authentication follows the registry's challenge: Basic with the user and password, or the
/// token flow (GET realm?service&amp;scope with the user and password; https://distribution.github.io/distribution/spec/auth/token/),
/// asking, as docker does, for the challenge's scope and <c>repository:&lt;name&gt;:pull,push</c> of every repository
/// the task touched so far (<c>pull</c> only for a mount's source), so one token serves the whole copy;
/// an <see cref="RemoteAuthentication.Ecr"/> destination gets a GetAuthorizationToken token first (<see cref="EcrApiCall"/>).
/// Requests without a body are replayed once after a challenge; a streamed blob body is never replayed (the
/// attempt fails and the task is retried). Error bodies are read up to 4 KiB, token answers up to 64 KiB.
/// See https://github.com/opencontainers/distribution-spec/blob/main/spec.md.
/// </summary>
internal sealed partial class RemoteRegistryClient(HttpClient http, RemoteDestination destination, string? secret, TimeProvider time)
{
    private const int ErrorBodyLimit = 4 * 1024;
    private const int TokenBodyLimit = 64 * 1024;
    private readonly List<string> _scopes = [];
    private AuthenticationHeaderValue? _authorization;

    /// <summary>For an ECR-style destination: logs in and creates the repository when it is missing.</summary>
    public async Task PrepareAsync(RepositoryName repository, CancellationToken cancellationToken)
    {
        if (destination.Authentication != RemoteAuthentication.Ecr)
        {
            return;
        }

        var ecr = new EcrApiCall(http, destination, secret ?? string.Empty, time);
        _authorization = new AuthenticationHeaderValue("Basic", await ecr.GetAuthorizationTokenAsync(cancellationToken).ConfigureAwait(false));
        await ecr.EnsureRepositoryAsync(repository, cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> BlobExistsAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken) =>
        ExistsAsync($"v2/{Scoped(repository, Push)}/blobs/{digest}", cancellationToken);

    public Task<bool> ManifestExistsAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken) =>
        ExistsAsync($"v2/{Scoped(repository, Push)}/manifests/{digest}", cancellationToken);

    /// <summary>
    /// Starts an upload; with <paramref name="mountFrom"/> asks for a cross-repository mount first. Null when the
    /// destination mounted the blob (201); else where to upload (202: no mount support, or not allowed from there).
    /// </summary>
    public async Task<Uri?> StartUploadAsync(RepositoryName repository, Digest digest, RepositoryName? mountFrom, CancellationToken cancellationToken)
    {
        var path = mountFrom is null
            ? $"v2/{Scoped(repository, Push)}/blobs/uploads/"
            : $"v2/{Scoped(repository, Push)}/blobs/uploads/?mount={digest}&from={Scoped(mountFrom, "pull")}";
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, Url(path)) { Content = new ByteArrayContent([]) }, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Created && mountFrom is not null)
        {
            return null;
        }

        await ExpectAsync(response, HttpStatusCode.Accepted).ConfigureAwait(false);
        return Location(response);
    }

    /// <summary>
    /// Streams <paramref name="size"/> bytes of <paramref name="content"/> to the upload at <paramref name="location"/>:
    /// one PUT when it fits in <paramref name="chunkSize"/>, else PATCH chunks (Content-Range) and a closing PUT.
    /// </summary>
    public async Task UploadAsync(Uri location, Stream content, long size, Digest digest, long chunkSize, CancellationToken cancellationToken)
    {
        if (size > chunkSize)
        {
            for (long offset = 0; offset < size; offset += chunkSize)
            {
                var length = Math.Min(chunkSize, size - offset);
                var body = new StreamContent(new SliceStream(content, length), 64 * 1024);
                body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                body.Headers.ContentLength = length;
                body.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + length - 1}");
                using var patched = await SendOnceAsync(new HttpRequestMessage(HttpMethod.Patch, location) { Content = body }, cancellationToken).ConfigureAwait(false);
                await ExpectAsync(patched, HttpStatusCode.Accepted).ConfigureAwait(false);
                location = Location(patched);
            }

            content = Stream.Null;
            size = 0;
        }

        var closing = new StreamContent(content, 64 * 1024);
        closing.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        closing.Headers.ContentLength = size;
        using var put = await SendOnceAsync(new HttpRequestMessage(HttpMethod.Put, WithDigest(location, digest)) { Content = closing }, cancellationToken).ConfigureAwait(false);
        await ExpectAsync(put, HttpStatusCode.Created).ConfigureAwait(false);
    }

    public async Task PutManifestAsync(RepositoryName repository, string reference, string mediaType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() =>
        {
            var body = new ReadOnlyMemoryContent(content);
            body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            return new HttpRequestMessage(HttpMethod.Put, Url($"v2/{Scoped(repository, Push)}/manifests/{reference}")) { Content = body };
        }, cancellationToken).ConfigureAwait(false);
        await ExpectAsync(response, HttpStatusCode.Created).ConfigureAwait(false);
    }

    private async Task<bool> ExistsAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Head, Url(path)), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await ExpectAsync(response, HttpStatusCode.OK).ConfigureAwait(false);
        return true;
    }

    /// <summary>Sends; on a 401 with a challenge, authenticates and sends a fresh request once more.</summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        var response = await SendOnceAsync(request(), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || response.Headers.WwwAuthenticate.FirstOrDefault() is not { } challenge)
        {
            return response;
        }

        response.Dispose();
        _authorization = await AnswerAsync(challenge, cancellationToken).ConfigureAwait(false);
        return await SendOnceAsync(request(), cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            request.Headers.Authorization = _authorization;
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<AuthenticationHeaderValue> AnswerAsync(AuthenticationHeaderValue challenge, CancellationToken cancellationToken)
    {
        var basic = destination.Username is null ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes($"{destination.Username}:{secret}"));
        if (challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            // An ECR-style destination already sent its token: a second Basic challenge is a refusal.
            return destination.Authentication == RemoteAuthentication.Basic && basic is not null
                ? new AuthenticationHeaderValue("Basic", basic)
                : throw new RemoteRegistryException($"{destination.Endpoint} refused the credentials (401 Unauthorized)", 401, permanent: true);
        }

        var parameters = ChallengeParameter().Matches(challenge.Parameter ?? string.Empty).ToDictionary(m => m.Groups[1].Value.ToLowerInvariant(), m => m.Groups[2].Value);
        if (!challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || !parameters.TryGetValue("realm", out var realm))
        {
            throw new RemoteRegistryException($"{destination.Endpoint} asks for an authentication scheme Berth does not speak ({challenge.Scheme})", 401, permanent: true);
        }

        var scopes = parameters.TryGetValue("scope", out var asked) && !_scopes.Contains(asked, StringComparer.Ordinal) ? _scopes.Prepend(asked) : _scopes;
        var query = new List<string>();
        if (parameters.TryGetValue("service", out var service))
        {
            query.Add($"service={Uri.EscapeDataString(service)}");
        }

        query.AddRange(scopes.Select(scope => $"scope={Uri.EscapeDataString(scope)}"));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(query.Count == 0 ? realm : $"{realm}{(realm.Contains('?', StringComparison.Ordinal) ? '&' : '?')}{string.Join('&', query)}"));
        request.Headers.Authorization = destination.Authentication == RemoteAuthentication.Basic && basic is not null ? new AuthenticationHeaderValue("Basic", basic) : _authorization;
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await ExpectAsync(response, HttpStatusCode.OK).ConfigureAwait(false);
        using var answer = JsonDocument.Parse(await ReadBoundedAsync(response.Content, TokenBodyLimit, cancellationToken).ConfigureAwait(false));
        var token = answer.RootElement.TryGetProperty("token", out var t) ? t.GetString() : answer.RootElement.TryGetProperty("access_token", out var a) ? a.GetString() : null;
        return new AuthenticationHeaderValue("Bearer", token ?? throw new RemoteRegistryException($"{realm} answered without a token", 200, permanent: false));
    }

    /// <summary>Throws <see cref="RemoteRegistryException"/> unless the status is <paramref name="expected"/>.</summary>
    internal static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode == expected)
        {
            return;
        }

        var status = (int)response.StatusCode;
        var detail = string.Empty;
        try
        {
            detail = await ReadBoundedAsync(response.Content, ErrorBodyLimit, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException)
        {
            // The reason is the status then.
        }

        var request = response.RequestMessage;
        var message = $"{request?.Method} {request?.RequestUri?.AbsolutePath} answered {status} {response.ReasonPhrase}{(detail.Length == 0 ? string.Empty : ": " + detail.Trim())}";
        throw new RemoteRegistryException(message, status, permanent: status is >= 400 and < 500 and not 408 and not 429);
    }

    /// <summary>The body as text, at most <paramref name="limit"/> bytes (the rest is not read).</summary>
    internal static async Task<string> ReadBoundedAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[limit];
            var total = 0;
            int read;
            while (total < limit && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            return Encoding.UTF8.GetString(buffer, 0, total);
        }
    }

    private Uri Url(string relative) => new(destination.Endpoint, relative);

    private const string Push = "pull,push";

    /// <summary>Remembers that a token must cover <paramref name="actions"/> on <paramref name="repository"/>; returns the name.</summary>
    private RepositoryName Scoped(RepositoryName repository, string actions)
    {
        var scope = $"repository:{repository}:{actions}";
        if (!_scopes.Contains(scope, StringComparer.Ordinal) && !(actions == "pull" && _scopes.Contains($"repository:{repository}:{Push}", StringComparer.Ordinal)))
        {
            _scopes.Add(scope);
        }

        return repository;
    }

    private Uri Location(HttpResponseMessage response) =>
        response.Headers.Location is { } location
            ? location.IsAbsoluteUri ? location : new Uri(destination.Endpoint, location)
            : throw new RemoteRegistryException($"{destination.Endpoint} started an upload without a Location", (int)response.StatusCode, permanent: false);

    private static Uri WithDigest(Uri location, Digest digest) =>
        new($"{location}{(string.IsNullOrEmpty(location.Query) ? '?' : '&')}digest={Uri.EscapeDataString(digest.ToString())}");

    [GeneratedRegex("""(\w+)="([^"]*)"?""", RegexOptions.CultureInvariant)]
    private static partial Regex ChallengeParameter();
}
