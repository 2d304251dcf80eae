using Berth.Core.Blobs;
using Berth.Core.Credentials;
using Berth.Core.Iam;
using Berth.Core.Images;
using Berth.Core.Layers;
using Berth.Core.Repositories;
using Berth.Storage.FileSystem;
using Berth.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Berth.Storage;

public static class StorageRegistration
{
    /// <summary>
    /// Registers the blob and metadata backends chosen by <paramref name="options"/>, once, at startup. Unknown types
    /// throw, naming the configuration key. Relative or empty paths resolve under <paramref name="dataDirectory"/>.
    /// </summary>
    public static IServiceCollection AddRegistryStorage(this IServiceCollection services, StorageOptions options, string dataDirectory)
    {
        switch (options.Blobs.Type)
        {
            case "FileSystem":
                var root = Resolve(dataDirectory, options.Blobs.FileSystem.Root, "blobs");
                services.AddSingleton<IBlobStore>(_ => new FileSystemBlobStore(root));
                break;
            default:
                throw new InvalidOperationException($"Invalid configuration 'Berth:Storage:Blobs:Type': unknown blob store '{options.Blobs.Type}' (expected FileSystem).");
        }

        switch (options.Metadata.Type)
        {
            case "Sqlite":
                var path = Resolve(dataDirectory, options.Metadata.Sqlite.Path, "berth.db");
                services.AddSingleton(_ => new SqliteDatabase(path));
                services.AddSingleton<IRepositoryStore, SqliteRepositoryStore>();
                services.AddSingleton<IImageStore, SqliteImageStore>();
                services.AddSingleton<IImageCatalog, SqliteImageCatalog>();
                services.AddSingleton<IBlobLinkStore, SqliteBlobLinkStore>();
                services.AddSingleton<IUploadSessionStore, SqliteUploadSessionStore>();
                services.AddSingleton<ICredentialStore, SqliteCredentialStore>();
                services.AddSingleton<ILayerStore, SqliteLayerStore>();
                services.AddSingleton<IRepositoryCreationTemplateStore, SqliteRepositoryCreationTemplateStore>();
                services.AddSingleton<IIamEntityStore, SqliteIamEntityStore>();
                services.AddSingleton<IAccessKeyStore, SqliteAccessKeyStore>();
                services.AddSingleton<IManagedPolicyStore, SqliteManagedPolicyStore>();
                services.AddSingleton<IRoleSessionStore, SqliteRoleSessionStore>();
                services.AddHostedService<SqliteInitializer>();
                break;
            default:
                throw new InvalidOperationException($"Invalid configuration 'Berth:Storage:Metadata:Type': unknown metadata store '{options.Metadata.Type}' (expected Sqlite).");
        }

        return services;
    }

    /// <summary>Where the stores of this configuration keep their data, for the start-up banner.</summary>
    public static string Describe(StorageOptions options, string dataDirectory) =>
        $"blobs: {options.Blobs.Type} {Resolve(dataDirectory, options.Blobs.FileSystem.Root, "blobs")}; " +
        $"metadata: {options.Metadata.Type} {Resolve(dataDirectory, options.Metadata.Sqlite.Path, "berth.db")}";

    private static string Resolve(string dataDirectory, string? configured, string defaultName) =>
        Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? Path.Combine(dataDirectory, defaultName) : Path.Combine(dataDirectory, configured));

    /// <summary>Creates and migrates the database before the server accepts requests.</summary>
    private sealed class SqliteInitializer(SqliteDatabase database) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => database.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
