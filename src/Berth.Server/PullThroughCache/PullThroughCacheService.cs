using System.Net;
using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.Credentials;
using Berth.Core.Errors;
using Berth.Core.IamPolicies;
using Berth.Core.Images;
using Berth.Core.Manifests;
using Berth.Core.Naming;
using Berth.Core.PullThroughCache;
using Berth.Core.Registries;
using Berth.Core.Repositories;
using Berth.Server.AuditTrail;
using Berth.Server.Authentication;
using Berth.Server.Hosting;
using Berth.Server.Registries;
using Microsoft.Extensions.Options;

namespace Berth.Server.PullThroughCache;

/// <summary>
/// The pull through cache on /v2/: a pull from a repository that a rule covers and that misses (or whose tag is due
/// for a check, at most once per <see cref="PullThroughCacheOptions.TagRefreshInterval"/>) fetches from the upstream,
/// stores what it fetched, and lets the ordinary read path serve it. A manifest by digest never needs the upstream
/// once cached. When the upstream fails (down, slow, 429, refusing) a cached tag is served as it is, with a warning;
/// only a pull with nothing cached fails. Importing needs ecr:BatchImportUpstreamImage on the repository, and
/// ecr:CreateRepository when the pull creates it (with the settings of a PULL_THROUGH_CACHE creation template).
/// Blobs stream to their clients while they are stored (<see cref="BlobFlights"/>).
/// See https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html
/// </summary>
internal sealed partial class PullThroughCacheService(
    PullThroughCacheRuleService rules,
    IImageStore images,
    IUpstreamCheckStore checks,
    RepositoryService repositories,
    IRepositoryStore repositoryStore,
    IBlobLinkStore links,
    IBlobStore blobs,
    IRegistryAuthorizer authorizer,
    RegistryIdentity registry,
    UpstreamClient upstream,
    EcrUpstreamLogin ecrLogin,
    BlobFlights flights,
    KeyedLocks locks,
    IServiceScopeFactory scopes,
    IOptions<BerthOptions> options,
    TimeProvider time,
    ILogger<PullThroughCacheService> logger)
{
    /// <summary>The key of the authenticated caller in HttpContext.Items, set by the /v2/ edge.</summary>
    public static readonly object PrincipalItem = new();

    private static readonly string ManifestAccept = string.Join(", ", MediaTypes.OciIndex, MediaTypes.DockerManifestList, MediaTypes.OciManifest, MediaTypes.DockerManifest);

    /// <summary>
    /// Makes the manifest <paramref name="reference"/> of <paramref name="name"/> current in the cache when a rule
    /// covers the repository; does nothing otherwise. Throws only when nothing cached can answer the pull.
    /// </summary>
    public async Task RefreshManifestAsync(HttpContext http, RepositoryName name, Reference reference, Principal? principal, CancellationToken cancellationToken)
    {
        if (await rules.MatchAsync(name.Value, cancellationToken).ConfigureAwait(false) is not { } rule)
        {
            return;
        }

        var cached = await images.FindManifestAsync(name, reference, cancellationToken).ConfigureAwait(false);
        if (reference.Tag is not { } tag)
        {
            if (cached is null)
            {
                try
                {
                    await ImportManifestAsync(rule, name, reference, null, null, principal, http, cancellationToken).ConfigureAwait(false);
                }
                catch (UpstreamFailure e)
                {
                    throw e.ToRegistryException(RegistryErrorCode.ManifestUnknown, $"manifest {reference}");
                }
            }

            return;
        }

        if (cached is not null && !await IsDueAsync(name, tag, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        // One refresh of a tag at a time on this node: concurrent first pulls fetch the manifest once.
        using var held = await locks.AcquireAsync($"{registry.AccountId}/{registry.Region}/{name}:{tag}", cancellationToken).ConfigureAwait(false);
        cached = await images.FindManifestAsync(name, reference, cancellationToken).ConfigureAwait(false);
        if (cached is not null && !await IsDueAsync(name, tag, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            await ImportManifestAsync(rule, name, reference, cached?.Digest, tag, principal, http, cancellationToken).ConfigureAwait(false);
        }
        catch (UpstreamFailure e) when (cached is not null)
        {
            LogServedStale(logger, name, tag, cached.Digest, e.Message);
        }
        catch (UpstreamFailure e)
        {
            throw e.ToRegistryException(RegistryErrorCode.ManifestUnknown, $"manifest {reference}");
        }
        catch (RegistryException e) when (cached is not null && e.Error == EcrErrors.ImageTagAlreadyExists)
        {
            // An immutable tag (from the creation template) keeps the image it was first cached with.
            LogServedStale(logger, name, tag, cached.Digest, e.Message);
        }
    }

    /// <summary>
    /// Serves a blob that <paramref name="name"/> does not link when a rule covers the repository: from the store when
    /// another repository brought it in, else from the upstream while it is stored. False when no rule applies.
    /// </summary>
    public async Task<bool> ServeBlobAsync(HttpContext context, RepositoryName name, Digest digest, Principal? principal)
    {
        var cancellationToken = context.RequestAborted;
        if (await rules.MatchAsync(name.Value, cancellationToken).ConfigureAwait(false) is not { } rule)
        {
            return false;
        }

        await AdmitImportAsync(context, name, principal, cancellationToken).ConfigureAwait(false);
        if (await blobs.FindSizeAsync(digest, cancellationToken).ConfigureAwait(false) is { } size)
        {
            await links.LinkAsync(name, digest, size, cancellationToken).ConfigureAwait(false);
            await OciDistribution.BlobEndpoint.ServeAsync(context, blobs, digest, size).ConfigureAwait(false);
            return true;
        }

        var upstreamRepository = rule.UpstreamRepository(rule.Remainder(name.Value)!);
        var endpoint = UpstreamRegistryUrl.Parse(rule.UpstreamRegistryUrl, rule.UpstreamRegistry);
        UpstreamCredential? credential;
        try
        {
            credential = await CredentialAsync(rule, endpoint, cancellationToken).ConfigureAwait(false);
        }
        catch (UpstreamFailure e)
        {
            throw e.ToRegistryException(RegistryErrorCode.BlobUnknown, $"blob {digest}");
        }

        var path = $"v2/{upstreamRepository}/blobs/{digest}";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            await HeadUpstreamBlobAsync(context, endpoint, credential, path, upstreamRepository, digest).ConfigureAwait(false);
            return true;
        }

        var key = $"{endpoint.BaseUri}|{upstreamRepository}|{rule.CredentialArn}|{digest}";
        var flight = flights.Join(key, (f, stopping) => FetchAsync(f, endpoint, credential, path, upstreamRepository, name, digest, stopping));
        // A Range asks for part of the blob: it is served from the store once the whole blob is there.
        using var subscriber = context.Request.Headers.Range.Count == 0 ? flight.TrySubscribe() : null;
        long? announced;
        try
        {
            announced = await flight.Started.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (UpstreamFailure e)
        {
            throw e.ToRegistryException(RegistryErrorCode.BlobUnknown, $"blob {digest}");
        }

        if (subscriber is not null && announced is { } length)
        {
            await StreamAsync(context, subscriber, flight, digest, length).ConfigureAwait(false);
            await links.LinkAsync(name, digest, length, cancellationToken).ConfigureAwait(false);
            return true;
        }

        long stored;
        try
        {
            stored = await flight.Stored.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (UpstreamFailure e)
        {
            throw e.ToRegistryException(RegistryErrorCode.BlobUnknown, $"blob {digest}");
        }

        await links.LinkAsync(name, digest, stored, cancellationToken).ConfigureAwait(false);
        await OciDistribution.BlobEndpoint.ServeAsync(context, blobs, digest, stored).ConfigureAwait(false);
        return true;
    }

    /// <summary>Reaches the upstream's /v2/ with the rule's credential; the reason it failed, or null.</summary>
    public async Task<string?> ValidateAsync(PullThroughCacheRule rule, CancellationToken cancellationToken)
    {
        try
        {
            var endpoint = UpstreamRegistryUrl.Parse(rule.UpstreamRegistryUrl, rule.UpstreamRegistry);
            var credential = await CredentialAsync(rule, endpoint, cancellationToken).ConfigureAwait(false);
            using var response = await upstream.SendAsync(endpoint, credential, HttpMethod.Get, "v2/", "library/validate", null, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : $"The upstream registry answered {(int)response.StatusCode} {response.ReasonPhrase} to GET /v2/";
        }
        catch (RegistryException e)
        {
            return e.Message;
        }
        catch (UpstreamFailure e)
        {
            return $"The upstream registry refused the login: {e.Message}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return $"The upstream registry could not be reached: {e.Message}";
        }
    }

    /// <summary>
    /// What the upstream is pulled with: nothing, the secret's username and access token, or, for an <c>ecr</c> upstream,
    /// the registry login GetAuthorizationToken gives for the access key the secret holds (<see cref="EcrUpstreamLogin"/>).
    /// </summary>
    private async Task<UpstreamCredential?> CredentialAsync(PullThroughCacheRule rule, UpstreamRegistryUrl endpoint, CancellationToken cancellationToken)
    {
        if (rule.CredentialArn is null)
        {
            return null;
        }

        var secret = await rules.ReadCredentialAsync(rule.CredentialArn, cancellationToken).ConfigureAwait(false);
        return endpoint.Kind == UpstreamRegistryUrl.Ecr ? await ecrLogin.LoginAsync(endpoint, secret, registry.Region, cancellationToken).ConfigureAwait(false) : secret;
    }

    private async Task<bool> IsDueAsync(RepositoryName name, Tag tag, CancellationToken cancellationToken)
    {
        var checkedAt = await checks.FindCheckedAtAsync(name, tag, cancellationToken).ConfigureAwait(false);
        return checkedAt is null || time.GetUtcNow() - checkedAt.Value >= options.Value.PullThroughCache.TagRefreshInterval;
    }

    /// <summary>
    /// Fetches a manifest (a tag's after a HEAD shows it moved from <paramref name="cachedDigest"/>) and stores it,
    /// tagged, in the repository; records the tag's check.
    /// </summary>
    private async Task ImportManifestAsync(
        PullThroughCacheRule rule, RepositoryName name, Reference reference, Digest? cachedDigest, Tag? tag, Principal? principal, HttpContext http, CancellationToken cancellationToken)
    {
        var upstreamRepository = rule.UpstreamRepository(rule.Remainder(name.Value)!);
        var endpoint = UpstreamRegistryUrl.Parse(rule.UpstreamRegistryUrl, rule.UpstreamRegistry);
        var credential = await CredentialAsync(rule, endpoint, cancellationToken).ConfigureAwait(false);
        var path = $"v2/{upstreamRepository}/manifests/{reference}";
        if (cachedDigest is { } current)
        {
            // Docker Hub counts GETs, not HEADs: an unchanged tag costs no pull of the upstream's quota.
            using var head = await CallAsync(endpoint, credential, HttpMethod.Head, path, upstreamRepository, cancellationToken).ConfigureAwait(false);
            if (head.Headers.TryGetValues(OciDistribution.OciHeaders.ContentDigest, out var values) && values.FirstOrDefault() == current.ToString())
            {
                await checks.MarkCheckedAsync(name, tag!, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        using var response = await CallAsync(endpoint, credential, HttpMethod.Get, path, upstreamRepository, cancellationToken).ConfigureAwait(false);
        var content = await ReadManifestAsync(response, cancellationToken).ConfigureAwait(false);
        ParsedManifest manifest;
        try
        {
            manifest = ManifestParser.Parse(content, response.Content.Headers.ContentType?.MediaType);
        }
        catch (RegistryException e)
        {
            throw new UpstreamFailure(null, $"the upstream's manifest {upstreamRepository}:{reference} is not valid: {e.Message}");
        }

        var expected = reference.Digest ?? (response.Headers.TryGetValues(OciDistribution.OciHeaders.ContentDigest, out var header)
            && Digest.TryParse(header.FirstOrDefault(), out var announced) ? announced : null);
        if (expected is { } claimed && claimed.Algorithm == "sha256" && claimed != manifest.Digest)
        {
            throw new UpstreamFailure(null, $"the upstream's manifest {upstreamRepository}:{reference} is {manifest.Digest}, not {claimed}");
        }

        await AdmitImportAsync(http, name, principal, cancellationToken).ConfigureAwait(false);
        var outcome = await images.PutUpstreamManifestAsync(name, manifest, tag, cancellationToken).ConfigureAwait(false);
        switch (outcome.Status)
        {
            case PutManifestStatus.TagImmutable:
                throw EcrErrors.TagImmutable(tag?.Value, name.Value);
            case PutManifestStatus.TagLimitExceeded:
                throw EcrErrors.TagsFull(manifest.Digest.ToString(), ImageService.MaxTagsPerImage);
        }

        if (tag is not null)
        {
            await checks.MarkCheckedAsync(name, tag, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        LogImported(logger, name, reference, manifest.Digest, endpoint.BaseUri, upstreamRepository);
    }

    /// <summary>
    /// The caller's right to import into the repository (ecr:BatchImportUpstreamImage) and, when the pull creates it,
    /// to create it (ecr:CreateRepository); then the repository exists. A caller without a token (a registry without
    /// authentication) has every right.
    /// </summary>
    private async Task AdmitImportAsync(HttpContext http, RepositoryName name, Principal? principal, CancellationToken cancellationToken)
    {
        var exists = await repositoryStore.ExistsAsync(name, cancellationToken).ConfigureAwait(false);
        if (principal is not null)
        {
            // Refusals are kept on the pull's audit record, so that berth explain can explain them like any other.
            var arn = registry.RepositoryArn(name.Value);
            var conditions = RequestConditions.Of(http);
            if (!exists)
            {
                await DeniedAuthorization.AuthorizeAsync(http, authorizer, principal, registry, "ecr:CreateRepository", arn, conditions).ConfigureAwait(false);
            }

            await DeniedAuthorization.AuthorizeAsync(http, authorizer, principal, registry, "ecr:BatchImportUpstreamImage", arn, conditions).ConfigureAwait(false);
        }

        if (!exists)
        {
            await repositories.EnsureForPullThroughCacheAsync(name, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<HttpResponseMessage> CallAsync(
        UpstreamRegistryUrl endpoint, UpstreamCredential? credential, HttpMethod method, string path, string repository, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.PullThroughCache.UpstreamTimeout);
        try
        {
            response = await upstream.SendAsync(endpoint, credential, method, path, repository, ManifestAccept, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new UpstreamFailure(null, e is OperationCanceledException ? $"no answer within {options.Value.PullThroughCache.UpstreamTimeout}" : e.Message, e);
        }

        if (!response.IsSuccessStatusCode)
        {
            var status = response.StatusCode;
            var reason = response.ReasonPhrase;
            response.Dispose();
            throw new UpstreamFailure(status, $"{method} {path} answered {(int)status} {reason}");
        }

        return response;
    }

    private static async Task<byte[]> ReadManifestAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > ImageService.MaxManifestBytes)
        {
            throw new UpstreamFailure(null, $"the upstream's manifest exceeds {ImageService.MaxManifestBytes} bytes");
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[64 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > ImageService.MaxManifestBytes)
                {
                    throw new UpstreamFailure(null, $"the upstream's manifest exceeds {ImageService.MaxManifestBytes} bytes");
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    private async Task HeadUpstreamBlobAsync(HttpContext context, UpstreamRegistryUrl endpoint, UpstreamCredential? credential, string path, string repository, Digest digest)
    {
        long? size;
        try
        {
            using var response = await CallAsync(endpoint, credential, HttpMethod.Head, path, repository, context.RequestAborted).ConfigureAwait(false);
            size = response.Content.Headers.ContentLength;
        }
        catch (UpstreamFailure e)
        {
            throw e.ToRegistryException(RegistryErrorCode.BlobUnknown, $"blob {digest}");
        }

        var headers = context.Response;
        headers.StatusCode = StatusCodes.Status200OK;
        headers.ContentType = "application/octet-stream";
        headers.Headers[OciDistribution.OciHeaders.ContentDigest] = digest.ToString();
        headers.ContentLength = size;
    }

    /// <summary>The flight's work: GET the blob upstream, then store it through an upload session while its clients receive it.</summary>
    private async Task FetchAsync(
        BlobFlight flight, UpstreamRegistryUrl endpoint, UpstreamCredential? credential, string path, string upstreamRepository, RepositoryName name, Digest digest, CancellationToken stopping)
    {
        using var response = await CallAsync(endpoint, credential, HttpMethod.Get, path, upstreamRepository, stopping).ConfigureAwait(false);
        var size = response.Content.Headers.ContentLength;
        flight.Start(size);
        var body = await response.Content.ReadAsStreamAsync(stopping).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<RequestRegistry>().Current = registry;
            var uploads = scope.ServiceProvider.GetRequiredService<BlobUploadService>();
            var stored = await uploads.ImportAsync(name, digest, size, new TeeStream(body, flight), stopping).ConfigureAwait(false);
            LogBlobImported(logger, name, digest, stored, endpoint.BaseUri, upstreamRepository);
            flight.Finish(stored);
        }
    }

    /// <summary>Sends the flight's bytes as they arrive; a fetch that fails midway aborts the response (the client sees a short body, never a wrong one).</summary>
    private static async Task StreamAsync(HttpContext context, BlobFlight.Subscriber subscriber, BlobFlight flight, Digest digest, long length)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/octet-stream";
        response.ContentLength = length;
        response.Headers[OciDistribution.OciHeaders.ContentDigest] = digest.ToString();
        response.Headers.ETag = $"\"{digest}\"";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        try
        {
            await foreach (var chunk in subscriber.Queue.Reader.ReadAllAsync(context.RequestAborted).ConfigureAwait(false))
            {
                await response.Body.WriteAsync(chunk, context.RequestAborted).ConfigureAwait(false);
            }

            await flight.Stored.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            // Headers and part of the body are out: only cutting the connection tells the client the blob is incomplete.
            var logger = context.RequestServices.GetRequiredService<ILogger<PullThroughCacheService>>();
            LogStreamFailed(logger, digest, e.Message);
            context.Abort();
        }
    }

    [LoggerMessage(EventId = 1900, Level = LogLevel.Warning,
        Message = "Pull through cache: served {Repository}:{Tag} ({Digest}) from the cache without its upstream check, which failed: {Reason}")]
    private static partial void LogServedStale(ILogger logger, RepositoryName repository, Tag tag, Digest digest, string reason);

    [LoggerMessage(EventId = 1901, Level = LogLevel.Information, Message = "Pull through cache: imported {Repository}@{Reference} ({Digest}) from {Upstream} {UpstreamRepository}")]
    private static partial void LogImported(ILogger logger, RepositoryName repository, Reference reference, Digest digest, Uri upstream, string upstreamRepository);

    [LoggerMessage(EventId = 1902, Level = LogLevel.Information, Message = "Pull through cache: stored blob {Digest} ({Size} bytes) for {Repository} from {Upstream} {UpstreamRepository}")]
    private static partial void LogBlobImported(ILogger logger, RepositoryName repository, Digest digest, long size, Uri upstream, string upstreamRepository);

    [LoggerMessage(EventId = 1903, Level = LogLevel.Warning, Message = "Pull through cache: the upstream fetch of blob {Digest} failed while a client received it: {Reason}")]
    private static partial void LogStreamFailed(ILogger logger, Digest digest, string reason);
}
