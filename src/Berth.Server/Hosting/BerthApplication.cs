using Berth.Core.PullThroughCache;
using Berth.Core.Secrets;
using Berth.Server.PullThroughCache;
using Berth.Core.Caching;
using Berth.Core.Accounts;
using Berth.Core.Blobs;
using Berth.Core.Credentials;
using Berth.Core.GarbageCollection;
using Berth.Core.Iam;
using Berth.Core.Images;
using Berth.Core.Lifecycle;
using Berth.Core.Layers;
using Berth.Core.SigV4;
using Berth.Server.AuditTrail;
using Berth.Server.Authentication;
using Berth.Server.AwsQuery;
using Berth.Server.IamApi;
using Berth.Server.StsApi;
using Berth.Server.Telemetry;
using Berth.Server.Tls;
using Berth.Server.EcrApi;
using Berth.Core.Registries;
using Berth.Core.Replication;
using Berth.Server.RemoteReplication;
using Berth.Core.Scanning;
using Berth.Core.Repositories;
using Berth.Server.BackgroundJobs;
using Berth.Server.WebConsole;
using Berth.Server.OciDistribution;
using Berth.Server.PublicDistribution;
using Berth.Core.PublicRegistries;
using Berth.Server.Registries;
using Berth.Storage;
using Berth.Storage.FileSystem;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Berth.Server.Hosting;

/// <summary>Composes the registry: configuration, storage, Core services, the HTTP faces and background jobs.</summary>
internal static class BerthApplication
{
    /// <summary>
    /// Builds the application. <paramref name="configure"/> adds the last (strongest) configuration source: the
    /// command line, or a test's settings. Invalid configuration throws, naming the key. <paramref name="overrides"/>
    /// replaces registered services (a test's clock).
    /// </summary>
    public static WebApplication Create(Action<IConfigurationBuilder>? configure = null, Action<IServiceCollection>? overrides = null)
    {
        // The slim builder leaves out what Berth does not use (IIS integration, HTTP/3 over QUIC, host filtering, the
        // Debug and EventSource log providers): fewer assemblies loaded, a faster start and a smaller idle footprint.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,

            // The console's pages are compiled into this assembly and found from the application's name; a host
            // started by another process (a test runner) would otherwise look in that process's entry assembly.
            ApplicationName = typeof(BerthApplication).Assembly.GetName().Name,
        });
        builder.WebHost.UseKestrelHttpsConfiguration();
        configure?.Invoke(builder.Configuration);

        var options = builder.Configuration.GetSection(BerthOptions.Section).Get<BerthOptions>() ?? new BerthOptions();
        var validation = new BerthOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(BerthOptions.Section, typeof(BerthOptions), validation.Failures);
        }

        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();

        var listeners = Listeners.From(options);
        builder.Services.AddSingleton(listeners);
        builder.AddServerCertificate(listeners);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            listeners.Configure(kestrel);

            // Kestrel pauses a response writer once 64 KiB are unsent; a blob pull then stalls on every chunk. One MiB
            // per connection keeps the socket busy while the next chunk is read.
            kestrel.Limits.MaxResponseBufferSize = 1024 * 1024;
        });
        // Kestrel's socket transport takes its memory pool from this service: 64 KiB blocks instead of 4 KiB ones.
        builder.Services.AddSingleton<TransportMemoryPoolFactory>();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>>(sp => sp.GetRequiredService<TransportMemoryPoolFactory>());
        // Free transfer buffers and the heap grown by a burst go back to the system once the server is quiet.
        builder.Services.AddSingleton<IPooledBuffers>(sp => new TransportBuffers(sp.GetRequiredService<TransportMemoryPoolFactory>()));
        builder.Services.AddHostedService<IdleMemoryRelease>();
        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddSingleton(TimeProvider.System);
        var defaultRegistry = new RegistryIdentity(options.AccountId, options.Region);
        builder.Services.AddRegistryStorage(storage, dataDirectory, defaultRegistry);

        // Process-wide services.
        builder.Services.AddSingleton<RegistryAddresses>();
        builder.Services.AddSingleton(new RepositoryPushPolicy(options.CreateRepositoryOnPush));
        builder.Services.AddSingleton(new AccountSettingDefaults(options.BlobMounting));
        builder.Services.AddSingleton(new SecretProtector(MasterKey.Load(options.MasterKey, dataDirectory)));
        builder.Services.AddSingleton<RootCredentials>();
        builder.Services.AddSingleton<MasterKeyCheck>();
        builder.Services.AddSingleton<AccountService>();
        builder.Services.AddSingleton<SigningKeys>();
        builder.Services.AddSingleton<RegistryTokenService>();
        builder.Services.AddSingleton<SigV4Verifier>();
        builder.Services.AddSingleton<SigV4Authenticator>();
        builder.Services.AddSingleton<RegistryAuthentication>();
        builder.Services.AddSingleton(sp => new AuthorizationCachePolicy(
            TimeSpan.FromSeconds(options.AuthorizationCacheSeconds), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<RegistryAuthorizationCache>();
        builder.Services.AddSingleton<PullThroughCacheRuleCache>();
        builder.Services.AddSingleton<PullRecordThrottle>();
        builder.Services.AddSingleton(_ => EcrModel.Load());
        builder.Services.AddSingleton<OpenUploads>();
        builder.Services.AddSingleton<PublicRegistryService>();
        builder.Services.AddSingleton(sp => new PublicAccessTokens(sp.GetRequiredService<SigningKeys>(), sp.GetRequiredService<TimeProvider>(), options.AccountId));
        builder.Services.AddSingleton<PublicPullLimiter>();
        AddIam(builder.Services);
        builder.Services.AddBerthConsole(options.Console);
        builder.Services.AddHostedService<RootKeyBootstrap>();

        // Services of one registry: built per request, for the registry the edge decided (RequestRegistry).
        builder.Services.AddScoped<RequestRegistry>();
        builder.Services.AddScoped(sp => sp.GetRequiredService<RequestRegistry>().Current);
        builder.Services.AddScoped<RepositoryCreationTemplateService>();
        builder.Services.AddScoped<RepositoryService>();
        builder.Services.AddScoped<IRegistryAuthorizer, RegistryAuthorizer>();
        builder.Services.AddScoped<AccountSettingService>();
        builder.Services.AddScoped<RegistryPolicyService>();
        builder.Services.AddScoped<BlobUploadService>();
        builder.Services.AddScoped<ImageService>();
        builder.Services.AddScoped<ImageCatalogService>();
        builder.Services.AddSingleton(new LifecycleSettings(options.Lifecycle.AllowExpireSinceImagePulled));
        builder.Services.AddScoped<LifecycleService>();
        builder.Services.AddScoped<ReplicationService>();
        builder.Services.AddScoped<ReplicationDelivery>();
        builder.Services.AddSingleton(new ReplicationSettings(options.Replication.MaxAttempts, options.Replication.RetryDelay, options.Replication.MaxRetryDelay));
        builder.Services.AddScoped<RemoteDelivery>();
        builder.Services.AddSingleton(new RemoteReplicationSettings(options.Replication.ChunkSize));
        builder.Services.AddSingleton<ReplicationMetrics>();
        builder.Services.AddHttpClient(RemoteDelivery.HttpClientName, client => client.Timeout = options.Replication.RequestTimeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                ConnectTimeout = options.Replication.ConnectTimeout,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AllowAutoRedirect = false,
            });
        builder.Services.AddScoped<ScanningService>();
        builder.Services.AddSingleton<ImageScanner>();
        builder.Services.AddScoped<Core.Scanning.Sbom.SbomReferrer>();
        builder.Services.AddSingleton<ScanSbomAttacher>();
        builder.Services.AddScoped<SecretService>();
        builder.Services.AddScoped<PullThroughCacheRuleService>();
        builder.Services.AddScoped<PullThroughCacheService>();
        builder.Services.AddSingleton<BlobFlights>();
        builder.Services.AddSingleton<KeyedLocks>();
        builder.Services.AddSingleton(sp => new UpstreamClient(
            new HttpClient(new SocketsHttpHandler
            {
                AllowAutoRedirect = true,
                MaxAutomaticRedirections = 5,
                AutomaticDecompression = System.Net.DecompressionMethods.None,
                ConnectTimeout = options.PullThroughCache.UpstreamTimeout,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            { Timeout = Timeout.InfiniteTimeSpan },
            sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new EcrUpstreamLogin(
            new HttpClient(new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                ConnectTimeout = options.PullThroughCache.UpstreamTimeout,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            { Timeout = options.PullThroughCache.UpstreamTimeout },
            sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddScoped<LayerUploadService>();
        builder.Services.AddScoped<LayerAvailabilityService>();
        builder.Services.AddScoped<LayerDownloadSigner>();
        if (options.TrustForwardedHeaders)
        {
            builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
            {
                // The operator vouches for whatever sits in front of Berth; only the scheme is taken from it.
                forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedProto;
                forwarded.KnownIPNetworks.Clear();
                forwarded.KnownProxies.Clear();
            });
        }

        // Request-start lines carry the query string, and a layer download URL's signature is a credential.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);

        // The console's cookie keys are sealed under the master key by ConsoleKeyRing itself, not by a Data Protection
        // XML encryptor, which Data Protection warns about at every start.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);

        builder.AddBerthTelemetry(listeners);
        builder.Services.AddSingleton<NodeIdentity>();
        builder.Services.AddHostedService<UploadJanitor>();
        builder.Services.AddSingleton<LifecycleJob>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LifecycleJob>());
        builder.Services.AddSingleton<GarbageCollector>();
        builder.Services.AddSingleton(sp => new LinkRenewal(options.GarbageCollection.GracePeriod, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<GarbageCollectionLease>();
        if (options.GarbageCollection.Enabled)
        {
            builder.Services.AddHostedService<GarbageCollectionJob>();
        }
        builder.Services.AddSingleton<ReplicationJob>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReplicationJob>());
        builder.Services.AddAuditTrailAndEvents(options);
        builder.Services.AddSingleton<ScanJob>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ScanJob>());

        overrides?.Invoke(builder.Services);
        var app = builder.Build();
        if (options.TrustForwardedHeaders)
        {
            app.UseForwardedHeaders();
        }

        app.UseServerCertificate();
        app.UseBerthTelemetry();
        Listeners.UseListenerFaces(app);
        app.UseMetricsEndpoint();
        app.UseAuditTrail();
        app.UseAuthorizationCacheInvalidation();
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = UnexpectedErrorHandler.HandleAsync, SuppressDiagnosticsCallback = _ => true });
        app.MapHealth();
        app.MapOciDistribution();
        app.MapEcrApi();
        app.MapLayerDownloads();
        app.MapPublicTokens();
        app.MapPublicLogos();
        app.MapBerthConsole(options.Console);

        var banner = $"data in {dataDirectory} ({StorageRegistration.Describe(storage, dataDirectory, app.Services)})";
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            Console.WriteLine($"Berth listening on {string.Join(", ", addresses)}; {banner}");
            if (Directory.Exists(dataDirectory) && PrivateFiles.IsOpenToOthers(dataDirectory))
            {
                // Berth creates the directory 0700, but one made earlier (or by hand) keeps the mode it was given.
                Console.WriteLine($"Warning: other local users can enter the data directory {dataDirectory}; 'chmod 700' it to keep blobs and the database private.");
            }

            if (storage.Metadata.Type == "Postgres")
            {
                // The database's key-check value refuses a node with another key at start (MasterKeyCheck).
                Console.WriteLine("Every node on this database needs the same 'Berth:MasterKey'; a node with another key refuses to start.");
            }
        });
        return app;
    }

    /// <summary>IAM and STS: identities, policies, role sessions and the Query-protocol faces.</summary>
    private static void AddIam(IServiceCollection services)
    {
        services.AddSingleton<IamIdentityService>();
        services.AddSingleton<IamPolicyService>();
        services.AddSingleton<AccessKeyService>();
        services.AddSingleton<IdentityResolver>();
        services.AddSingleton<IdentityPolicies>();
        services.AddSingleton<Berth.Core.IamPolicies.PolicyDocumentCache>();
        services.AddSingleton<IamAuthorization>();
        services.AddSingleton<RoleSessionService>();
        services.AddSingleton(AwsManagedPolicyCatalog.FromManagedPolicies());
        services.TryAddSingleton<Berth.Core.IamPolicies.PolicyEvaluator>();
        services.AddSingleton<Berth.Core.PolicySimulation.PolicySimulator>();
        services.AddSingleton<Berth.Core.PolicySimulation.PolicySimulationService>();
        services.AddSingleton(_ => new QueryServices([IamApiOperations.Create(), StsOperations.Create()]));
    }
}
