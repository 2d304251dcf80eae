using Berth.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Tests.Infrastructure;

/// <summary>
/// A real Berth (Kestrel, filesystem + SQLite) on 127.0.0.1 and a free port, with its own temporary data directory.
/// Every test class that needs one owns its instance; repositories are named per test so tests never share data.
/// </summary>
public sealed class BerthTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BerthTestServer(WebApplication app, string dataDirectory, Uri baseAddress)
    {
        _app = app;
        DataDirectory = dataDirectory;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
    }

    public string DataDirectory { get; }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri BaseAddress { get; }

    /// <summary>"127.0.0.1:PORT", as registry clients write it.</summary>
    public string Host => $"{BaseAddress.Host}:{BaseAddress.Port}";

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The account root's access key of an ECR-mode server (see <see cref="StartEcrAsync"/>).</summary>
    public string AccessKeyId { get; private init; } = string.Empty;

    public string SecretAccessKey { get; private init; } = string.Empty;

    /// <summary>"127.0.0.1:PORT" of the public registries' second listen URL (see <see cref="StartPublicAsync"/>).</summary>
    public string PublicHost { get; private init; } = string.Empty;

    /// <summary>
    /// An ECR-mode server that also serves the ECR Public registries on a listener of their own, a second port of
    /// 127.0.0.1 (Berth:PublicRegistryUrls), so clients reach <c>&lt;PublicHost&gt;/&lt;alias&gt;/&lt;repository&gt;</c>.
    /// </summary>
    public static async Task<BerthTestServer> StartPublicAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var all = new Dictionary<string, string?> { ["Berth:PublicRegistryUrls"] = "http://127.0.0.1:0" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var server = await StartEcrAsync(all, services);
        var publicPort = server.Services.GetRequiredService<Listeners>().Public!.Port;
        return new BerthTestServer(server._app, server.DataDirectory, server.BaseAddress)
        {
            AccessKeyId = server.AccessKeyId,
            SecretAccessKey = server.SecretAccessKey,
            PublicHost = $"127.0.0.1:{publicPort}",
        };
    }

    /// <summary>The http:// base address of a listener of the server (a registry listener's, for one).</summary>
    internal Uri AddressOf(Func<Listeners, Listener> pick) => new($"http://127.0.0.1:{pick(Services.GetRequiredService<Listeners>()).Port}/");

    /// <summary>
    /// A server that behaves as ECR: repositories must be created, /v2/ needs a registry token, and the root key is
    /// known to the test (<see cref="AccessKeyId"/>, <see cref="SecretAccessKey"/>).
    /// </summary>
    public static async Task<BerthTestServer> StartEcrAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var accessKeyId = "AKIA" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
        var secret = Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + Guid.NewGuid().ToString("N")[..16];
        var ecr = new Dictionary<string, string?>
        {
            ["Berth:CreateRepositoryOnPush"] = "false",
            ["Berth:RequireRegistryAuthentication"] = "true",
            ["Berth:BlobMounting"] = "DISABLED",
            ["Berth:RootAccessKeyId"] = accessKeyId,
            ["Berth:RootSecretAccessKey"] = secret,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            ecr[key] = value;
        }

        // A second node of a cluster is started with the first node's root key.
        var server = await StartAsync(ecr, services: services);
        return new BerthTestServer(server._app, server.DataDirectory, server.BaseAddress)
        {
            AccessKeyId = ecr["Berth:RootAccessKeyId"]!,
            SecretAccessKey = ecr["Berth:RootSecretAccessKey"]!,
        };
    }

    /// <param name="services">Replaces services of the server (a test's clock, a log capture).</param>
    public static async Task<BerthTestServer> StartAsync(IDictionary<string, string?>? settings = null, string? dataDirectory = null, Action<IServiceCollection>? services = null)
    {
        // Not created here: Berth creates it (mode 0700), as it does for an operator.
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "berth-tests", Guid.NewGuid().ToString("N"));
        var configuration = new Dictionary<string, string?>
        {
            ["Berth:Urls"] = "http://127.0.0.1:0",
            ["Berth:DataDirectory"] = dataDirectory,
            ["Logging:LogLevel:Default"] = "Warning",

            // The /v2/ protocol tests push into fresh repositories and mount blobs as CNCF Distribution allows; ECR tests turn both off.
            ["Berth:CreateRepositoryOnPush"] = "true",
            ["Berth:RequireRegistryAuthentication"] = "false",
            ["Berth:BlobMounting"] = "ENABLED",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var app = BerthApplication.Create(
            builder => builder.AddInMemoryCollection(configuration),
            services);
        await app.StartAsync();
        var address = $"http://127.0.0.1:{app.Services.GetRequiredService<Listeners>().Private.Port}/";
        return new BerthTestServer(app, dataDirectory, new Uri(address));
    }

    /// <summary>A repository name no other test uses.</summary>
    public static string NewRepositoryName(string prefix = "test") => $"{prefix}/{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 1 + 32, 200)];

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A client process may still hold a file; the temp directory is cleaned by the OS.
        }
    }
}
