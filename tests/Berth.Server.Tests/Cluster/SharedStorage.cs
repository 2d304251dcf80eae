using System.Security.Cryptography;
using Berth.Testing.Postgres;

namespace Berth.Server.Tests.Cluster;

/// <summary>
/// What the nodes of one cluster share: a PostgreSQL database of the test cluster, one blob directory and one master
/// key. <see cref="Settings"/> gives them to an in-process node, <see cref="Environment"/> to a berth process.
/// </summary>
public sealed class SharedStorage : IDisposable
{
    private SharedStorage(string connectionString)
    {
        ConnectionString = connectionString;
        BlobsDirectory = Directory.CreateTempSubdirectory("berth-cluster-blobs-").FullName;
        MasterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    }

    public string ConnectionString { get; }

    public string BlobsDirectory { get; }

    public string MasterKey { get; }

    public static async Task<SharedStorage> CreateAsync(PostgresCluster cluster) => new(await cluster.CreateDatabaseAsync());

    /// <summary>Configuration of a node on this storage, plus <paramref name="extra"/>.</summary>
    public Dictionary<string, string?> Settings(IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Berth:Storage:Metadata:Type"] = "Postgres",
            ["Berth:Storage:Metadata:Postgres:ConnectionString"] = ConnectionString,
            ["Berth:Storage:Blobs:FileSystem:Root"] = BlobsDirectory,
            ["Berth:MasterKey"] = MasterKey,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>The same configuration as environment variables of a berth process.</summary>
    public Dictionary<string, string> Environment(IDictionary<string, string?>? extra = null) =>
        Settings(extra).ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value ?? string.Empty);

    public void Dispose()
    {
        try
        {
            Directory.Delete(BlobsDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left in the temporary directory.
        }
    }
}
