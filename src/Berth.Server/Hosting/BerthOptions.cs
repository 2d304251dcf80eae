namespace Berth.Server.Hosting;

/// <summary>The <c>Berth</c> configuration section (appsettings.json, <c>Berth__…</c> variables, command line).</summary>
internal sealed class BerthOptions
{
    public const string Section = "Berth";

    public const string DefaultUrls = "http://127.0.0.1:5000";

    /// <summary>Semicolon-separated listen URLs of the private face (the /v2/ API, the AWS APIs, layer downloads).</summary>
    public string Urls { get; set; } = DefaultUrls;

    /// <summary>
    /// Semicolon-separated listen URLs that serve the ECR Public registries and nothing else: a request arriving there
    /// gets the public /v2/, /token and /logos/, and 404 for every private API. <c>none</c>: no public listener, the
    /// public face is chosen by Host (PublicRegistryHost, else a first label <c>public</c>). Unset: http://127.0.0.1:5001
    /// beside the default Urls, none beside URLs an operator chose.
    /// </summary>
    public string? PublicRegistryUrls { get; set; }

    /// <summary>
    /// Listeners that each serve one registry (account, region): /v2/ requests arriving there are for that registry
    /// whatever their Host, and repositoryUri and proxyEndpoint name that port. A way to reach registries other than
    /// the default without DNS names.
    /// </summary>
    public List<RegistryListenerOptions> RegistryListeners { get; set; } = [];

    /// <summary>The account of the default registry (12 digits).</summary>
    public string AccountId { get; set; } = "000000000000";

    /// <summary>The region of the default registry.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>
    /// Whether a push into a repository that does not exist creates it, as CNCF Distribution does. Off by default:
    /// as in ECR, repositories are created with CreateRepository first.
    /// </summary>
    public bool CreateRepositoryOnPush { get; set; }

    /// <summary>
    /// Whether /v2/ requires the Basic AWS:&lt;token&gt; credentials GetAuthorizationToken issues, as ECR does. Turning it
    /// off makes an open registry (for a laptop or a test), never for production.
    /// </summary>
    public bool RequireRegistryAuthentication { get; set; } = true;

    /// <summary>
    /// How many seconds authorization may reuse what it read from the store (a registry token's key and owner, identity
    /// and repository policies, repository tags); changes made on this node apply at once regardless, changes made on
    /// other nodes within this bound. 0 reads the store on every request.
    /// </summary>
    public double AuthorizationCacheSeconds { get; set; } = 1;

    /// <summary>Base64 of the 32-byte key that encrypts secrets at rest; empty means &lt;data&gt;/master.key.</summary>
    public string? MasterKey { get; set; }

    /// <summary>The account root's access key id (BERTH_ROOT_ACCESS_KEY_ID takes precedence).</summary>
    public string? RootAccessKeyId { get; set; }

    /// <summary>The account root's secret access key (BERTH_ROOT_SECRET_ACCESS_KEY takes precedence).</summary>
    public string? RootSecretAccessKey { get; set; }

    /// <summary>
    /// The host[:port] clients use to reach the registry, as repositoryUri and proxyEndpoint report it; empty means the
    /// host each request arrived on.
    /// </summary>
    public string? PublicHost { get; set; }

    /// <summary>
    /// The domain under which every registry is named <c>&lt;account&gt;.dkr.ecr.&lt;region&gt;.&lt;domain&gt;</c> in
    /// repositoryUri and proxyEndpoint (a bare DNS name: no scheme, port or path); empty keeps PublicHost / the request
    /// host for the default registry (see RegistryAddresses for the whole rule).
    /// </summary>
    public string? RegistryDomain { get; set; }

    /// <summary>
    /// Whether X-Forwarded-Proto (from a TLS-terminating proxy) sets the scheme of proxyEndpoint and of other URLs
    /// Berth hands out. Off by default: a client could otherwise choose it.
    /// </summary>
    public bool TrustForwardedHeaders { get; set; }

    /// <summary>Where the embedded stores keep blobs and the database.</summary>
    public string DataDirectory { get; set; } = "./berth-data";

    /// <summary>
    /// Whether a mount request without <c>from</c> links any blob the registry already holds
    /// (distribution-spec "automatic content discovery"). Off by default: a repository only reads what it was given.
    /// </summary>
    public bool AutomaticCrossMount { get; set; }

    /// <summary>
    /// The BLOB_MOUNTING account setting of an account that has not set it with PutAccountSetting: DISABLED, as in
    /// ECR (a mount request then starts a normal upload), or ENABLED.
    /// </summary>
    public string BlobMounting { get; set; } = "DISABLED";

    /// <summary>
    /// The host[:port] of the ECR Public registries' /v2/ face (images <c>&lt;host&gt;/&lt;alias&gt;/&lt;repository&gt;</c>),
    /// matched against each request's Host, e.g. a second listen URL's port; empty means <c>public.</c> before
    /// PublicHost or the request's host.
    /// </summary>
    public string? PublicRegistryHost { get; set; }

    /// <summary>Image pulls per second from the public registries (ECR Public's quotas).</summary>
    public PublicPullOptions PublicPulls { get; set; } = new();

    public UploadOptions Uploads { get; set; } = new();

    /// <summary>Lifecycle policy evaluation (Berth:Lifecycle).</summary>
    public LifecycleOptions Lifecycle { get; set; } = new();

    public GarbageCollectionOptions GarbageCollection { get; set; } = new();
    /// <summary>The Prometheus endpoint's listener (Berth:Metrics).</summary>
    public MetricsOptions Metrics { get; set; } = new();

    /// <summary>Replication workers (Berth:Replication).</summary>
    public ReplicationOptions Replication { get; set; } = new();

    /// <summary>The audit trail (Berth:AuditTrail).</summary>
    public AuditTrail.AuditTrailOptions AuditTrail { get; set; } = new();

    /// <summary>Image events to webhooks (Berth:Events).</summary>
    public Events.EventsOptions Events { get; set; } = new();

    /// <summary>Image scanning workers (Berth:Scanning).</summary>
    public ScanningOptions Scanning { get; set; } = new();

    /// <summary>The web console under /console/ (Berth:Console).</summary>
    public WebConsole.ConsoleOptions Console { get; set; } = new();

    /// <summary>Pull through cache (Berth:PullThroughCache).</summary>
    public PullThroughCacheOptions PullThroughCache { get; set; } = new();
}

internal sealed class PullThroughCacheOptions
{
    /// <summary>How long a cached tag is served before it is compared with its upstream again (ECR: 24 hours).</summary>
    public TimeSpan TagRefreshInterval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long Berth waits for an upstream's response headers before it serves what it has cached.</summary>
    public TimeSpan UpstreamTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

internal sealed class RegistryListenerOptions
{
    /// <summary>The listen URL, e.g. http://127.0.0.1:5002.</summary>
    public string Url { get; set; } = string.Empty;

    /// <summary>The registry's account; empty means Berth:AccountId.</summary>
    public string? AccountId { get; set; }

    public string Region { get; set; } = string.Empty;
}

internal sealed class UploadOptions
{
    /// <summary>An upload idle for longer than this is removed.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often abandoned uploads are looked for.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(10);
}

internal sealed class GarbageCollectionOptions
{
    /// <summary>Whether the server runs garbage-collection cycles (one node of a cluster at a time).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often a cycle runs.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a blob must have been unreferenced (and its bytes unwritten) before a cycle deletes it.</summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromHours(1);
}

internal sealed class LifecycleOptions
{
    /// <summary>How often every repository's lifecycle policy is applied (on one node of a cluster at a time).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Berth extension, off by default as in ECR: accept lifecycle rules that expire images by sinceImagePulled (ECR
    /// accepts sinceImagePulled only with the transition action).
    /// </summary>
    public bool AllowExpireSinceImagePulled { get; set; }
}

internal sealed class ReplicationOptions
{
    /// <summary>How often each node looks for queued replications when the last look found none.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a node holds a claimed replication; another node takes it over after that (the node died).</summary>
    public TimeSpan ClaimDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Replications claimed at once by one node.</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>Attempts before a replication that keeps failing is FAILED.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>The delay before the first retry, doubled per attempt up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the outbox per destination is logged (event 124) and published as gauges, and finished rows pruned.</summary>
    public TimeSpan StatsInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long COMPLETE and FAILED rows (the images' replication statuses) are kept.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Remote destinations: the longest one HTTP request may take, blob chunks included.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Remote destinations: the longest a TCP (and TLS) connection may take to open.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Remote destinations: blobs larger than this many bytes are sent in PATCH chunks of this size; smaller ones in one PUT.</summary>
    public long ChunkSize { get; set; } = 64L * 1024 * 1024;
}

internal sealed class ScanningOptions
{
    /// <summary>How often each node looks for queued scans when the last look found none.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a node holds a claimed scan; another node takes it over after that (the node died). Longer than the slowest scan.</summary>
    public TimeSpan ClaimDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Claims of one image (each interrupted by a crash or a lost claim) before its scan is FAILED.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Where a scan copies an image's rpmdb while reading it; the system's temporary directory when empty.</summary>
    public string TemporaryDirectory { get; set; } = string.Empty;
}
