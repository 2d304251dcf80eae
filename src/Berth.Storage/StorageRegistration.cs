using Berth.Core.PullThroughCache;
using Berth.Core.Secrets;
using Berth.Core.Accounts;
using Berth.Core.AuditTrail;
using Berth.Core.Events;
using Berth.Core.Blobs;
using Berth.Core.Credentials;
using Berth.Core.GarbageCollection;
using Berth.Core.Iam;
using Berth.Core.Images;
using Berth.Core.Layers;
using Berth.Core.Leases;
using Berth.Core.PublicRegistries;
using Berth.Core.Registries;
using Berth.Core.Replication;
using Berth.Core.Scanning;
using Berth.Core.Scanning.Inventory;
using Berth.Core.Repositories;
using Berth.Storage.FileSystem;
using Berth.Storage.Metadata;
using Berth.Storage.Postgres;
using Berth.Storage.S3;
using Berth.Storage.Sqlite;
using Berth.Core.Lifecycle;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Berth.Storage;

public static class StorageRegistration
{
    /// <summary>
    /// Registers the blob and metadata backends chosen by <paramref name="options"/>, once, at startup. Unknown types
    /// throw, naming the configuration key. Relative or empty paths resolve under <paramref name="dataDirectory"/>.
    /// Stores of one registry's data (repositories, images, links, layers, templates) are scoped: each is built for the
    /// <see cref="RegistryIdentity"/> of the scope (a request's). Uploads, credentials and accounts span registries.
    /// Rows older than registries belong to <paramref name="defaultRegistry"/>.
    /// </summary>
    public static IServiceCollection AddRegistryStorage(this IServiceCollection services, StorageOptions options, string dataDirectory, RegistryIdentity defaultRegistry)
    {
        switch (options.Blobs.Type)
        {
            case "FileSystem":
                var root = Resolve(dataDirectory, options.Blobs.FileSystem.Root, "blobs");
                services.AddSingleton(_ => new FileSystemBlobStore(root, options.Blobs.FileSystem.DirectIo));
                services.AddSingleton<IBlobStore>(sp => sp.GetRequiredService<FileSystemBlobStore>());
                services.AddSingleton<IPooledBuffers, FileSystem.AlignedBufferPool>();
                services.AddSingleton<IBlobInventory>(sp => new FileSystemBlobInventory(sp.GetRequiredService<FileSystemBlobStore>()));
                services.AddSingleton(sp => new StoreReadiness(
                    sp.GetRequiredService<MetadataDatabase>(), _ => StoreReadiness.ProbeFileSystem(sp.GetRequiredService<FileSystemBlobStore>())));
                break;
            case "S3":
                AddS3Blobs(services, options.Blobs.S3);
                break;
            default:
                throw new InvalidOperationException($"Invalid configuration 'Berth:Storage:Blobs:Type': unknown blob store '{options.Blobs.Type}' (expected FileSystem or S3).");
        }

        switch (options.Metadata.Type)
        {
            case "Sqlite":
                var path = Resolve(dataDirectory, options.Metadata.Sqlite.Path, "berth.db");
                // Built when first needed (an operator command that never opens the database leaves no file behind).
                services.AddSingleton<MetadataDatabase>(_ => new SqliteDatabase(path, defaultRegistry));
                AddMetadataStores(services);
                break;
            case "Postgres":
                // Built here, not lazily, so that a missing or malformed connection string stops the start at once.
                var postgres = new PostgresDatabase(options.Metadata.Postgres.ConnectionString, defaultRegistry);
                services.AddSingleton(postgres);
                services.AddSingleton<MetadataDatabase>(postgres);
                AddMetadataStores(services);
                break;
            default:
                throw new InvalidOperationException($"Invalid configuration 'Berth:Storage:Metadata:Type': unknown metadata store '{options.Metadata.Type}' (expected Sqlite or Postgres).");
        }

        return services;
    }

    /// <summary>The stores, written once over <see cref="MetadataDatabase"/>, whichever engine it is.</summary>
    private static void AddMetadataStores(IServiceCollection services)
    {
        services.AddScoped<IRepositoryStore, SqlRepositoryStore>();
        services.AddScoped<IImageStore, SqlImageStore>();
        services.AddScoped<IImageCatalog, SqlImageCatalog>();
        services.AddScoped<IBlobLinkStore, SqlBlobLinkStore>();
        services.AddScoped<ILayerStore, SqlLayerStore>();
        services.AddScoped<IRepositoryCreationTemplateStore, SqlRepositoryCreationTemplateStore>();
        services.AddScoped<ILifecycleStore, SqlLifecycleStore>();
        services.AddScoped<IPullTimeExclusionStore, SqlPullTimeExclusionStore>();
        services.AddScoped<IReplicationStore, SqlReplicationStore>();
        services.AddScoped<IPullThroughCacheRuleStore, SqlPullThroughCacheRuleStore>();
        services.AddScoped<IUpstreamCheckStore, SqlUpstreamCheckStore>();
        services.AddScoped<ISecretStore, SqlSecretStore>();
        services.AddSingleton<IReplicationOutbox, SqlReplicationOutbox>();
        services.AddSingleton<IReplicationMaintenance, SqlReplicationMaintenance>();
        services.AddSingleton<IRemoteDestinationStore, SqlRemoteDestinationStore>();
        services.AddSingleton<IEventOutbox, SqlEventOutbox>();
        services.AddScoped<IImageActionFailures, SqlImageActionFailures>();
        services.AddSingleton<IAuditTrailStore, SqlAuditTrailStore>();
        services.AddScoped<IImageScanStore, SqlImageScanStore>();
        services.AddSingleton<IScanBacklog, SqlScanBacklog>();
        services.AddSingleton<IVulnerabilityFeed, SqlVulnerabilityFeed>();
        services.AddSingleton<IRpmDatabaseReader, Sqlite.SqliteRpmDatabaseReader>();
        services.AddSingleton<ILifecycleSchedule, SqlLifecycleSchedule>();
        services.AddSingleton<IUploadSessionStore, SqlUploadSessionStore>();
        services.AddSingleton<ICredentialStore, SqlCredentialStore>();
        services.AddSingleton<IConsoleKeyStore, SqlConsoleKeyStore>();
        services.AddSingleton<ILeaseStore, SqlLeaseStore>();
        services.AddSingleton<IGarbageCollectionStore, SqlGarbageCollectionStore>();
        services.AddSingleton<IIamEntityStore, SqlIamEntityStore>();
        services.AddSingleton<IAccessKeyStore, SqlAccessKeyStore>();
        services.AddSingleton<IManagedPolicyStore, SqlManagedPolicyStore>();
        services.AddSingleton<IRoleSessionStore, SqlRoleSessionStore>();
        services.AddSingleton<IAccountStore, SqlAccountStore>();
        services.AddSingleton<IRegistryPolicyStore, SqlRegistryPolicyStore>();
        services.AddSingleton<IPublicRegistryStore, SqlPublicRegistryStore>();
        services.AddSingleton<MetadataInitializer>();
        services.AddSingleton<IStorageInitializer>(sp => sp.GetRequiredService<MetadataInitializer>());
        services.AddHostedService(sp => sp.GetRequiredService<MetadataInitializer>());
    }

    /// <summary>Where the stores of this configuration keep their data, for the start-up banner.</summary>
    public static string Describe(StorageOptions options, string dataDirectory, IServiceProvider services) =>
        $"blobs: {options.Blobs.Type} {(options.Blobs.Type == "S3" ? S3BlobBackend.Describe(options.Blobs.S3) : Resolve(dataDirectory, options.Blobs.FileSystem.Root, "blobs"))}; " +
        $"metadata: {options.Metadata.Type} " + (options.Metadata.Type == "Postgres"
            ? services.GetRequiredService<PostgresDatabase>().Description
            : Resolve(dataDirectory, options.Metadata.Sqlite.Path, "berth.db"));

    /// <summary>
    /// The S3 blob store on one client; the bucket is checked before the server accepts requests, and presigned
    /// redirects of blob GETs are offered only when <see cref="S3BlobOptions.PresignedRedirects"/> is on.
    /// </summary>
    private static void AddS3Blobs(IServiceCollection services, S3BlobOptions s3)
    {
        var bucket = S3BlobBackend.Connect(s3);
        var keys = new S3KeyLayout(s3.Prefix);
        services.AddSingleton(_ => bucket);
        services.AddSingleton(_ => new S3BlobStore(bucket, keys));
        services.AddSingleton<IBlobStore>(sp => sp.GetRequiredService<S3BlobStore>());
        services.AddSingleton<IPooledBuffers>(sp => sp.GetRequiredService<S3BlobStore>().Buffers);
        services.AddSingleton<IBlobInventory>(_ => new S3BlobInventory(bucket, keys));
        services.AddHostedService(_ => new S3BucketCheck(bucket, s3));
        services.AddSingleton(sp => new StoreReadiness(sp.GetRequiredService<MetadataDatabase>(), ct => StoreReadiness.ProbeS3(bucket, ct)));
        if (s3.PresignedRedirects)
        {
            services.AddSingleton<IBlobRedirects>(provider => new S3PresignedRedirects(bucket, keys, S3BlobBackend.UsesHttp(s3), provider.GetRequiredService<TimeProvider>()));
        }
    }

    private static string Resolve(string dataDirectory, string? configured, string defaultName) =>
        Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? Path.Combine(dataDirectory, defaultName) : Path.Combine(dataDirectory, configured));

    /// <summary>Prepares the stores (creates and migrates the database) without starting a host: for operator commands.</summary>
    public static async Task InitializeStorageAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        foreach (var initializer in services.GetServices<IStorageInitializer>())
        {
            await initializer.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Creates or migrates the database (PostgreSQL: one node at a time) before the server accepts requests.</summary>
    private sealed class MetadataInitializer(MetadataDatabase database) : IHostedService, IStorageInitializer
    {
        public Task InitializeAsync(CancellationToken cancellationToken) => database.InitializeAsync(cancellationToken);

        public Task StartAsync(CancellationToken cancellationToken) => database.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
