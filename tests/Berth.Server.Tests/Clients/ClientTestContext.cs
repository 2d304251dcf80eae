using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Clients;

/// <summary>What one real-client test owns: a fresh Berth and a scratch directory for layouts, archives and client state.</summary>
public sealed class ClientTestContext : IAsyncDisposable
{
    private ClientTestContext(BerthTestServer server, string workDirectory)
    {
        Server = server;
        WorkDirectory = workDirectory;
        Registry = new RegistryProbe(server.Client);
    }

    public BerthTestServer Server { get; }

    /// <summary>"127.0.0.1:PORT".</summary>
    public string Host => Server.Host;

    public RegistryProbe Registry { get; }

    public string WorkDirectory { get; }

    public static async Task<ClientTestContext> StartAsync()
    {
        var workDirectory = Path.Combine(Path.GetTempPath(), "berth-clients", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workDirectory);
        return new ClientTestContext(await BerthTestServer.StartAsync(), workDirectory);
    }

    /// <summary>A path under the scratch directory; the directory itself is not created.</summary>
    public string PathFor(string name) => Path.Combine(WorkDirectory, name);

    /// <summary>"HOST/REPOSITORY:TAG" for a client command line.</summary>
    public string Reference(string repository, string tag) => $"{Host}/{repository}:{tag}";

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A client may still hold a file; the OS cleans the temp directory.
        }
        catch (UnauthorizedAccessException)
        {
            // Read-only files left by a client; same as above.
        }
    }
}
