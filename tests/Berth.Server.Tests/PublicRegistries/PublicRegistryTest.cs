using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Berth.Server.Tests.PublicRegistries;

/// <summary>
/// The setup every public registry test class shares: a server with ECR Public on its own port
/// (<see cref="BerthTestServer.StartPublicAsync"/>, with the given settings), a <see cref="PublicRegistryClient"/> on it,
/// a scratch directory removed afterwards, and the check that the client tools a test drives are installed.
/// </summary>
public abstract class PublicRegistryTest(ITestOutputHelper output, IDictionary<string, string?>? settings = null) : IAsyncLifetime
{
    private string? _work;

    protected BerthTestServer Server { get; private set; } = null!;

    protected PublicRegistryClient Public { get; private set; } = null!;

    protected ITestOutputHelper Output => output;

    public async Task InitializeAsync()
    {
        Server = await BerthTestServer.StartPublicAsync(settings);
        Public = new PublicRegistryClient(Server);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        if (_work is not null)
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    /// <summary>The settings for a server whose anonymous pull rate no test of the class reaches.</summary>
    protected static Dictionary<string, string?> AnonymousRate(int perSecond) =>
        new() { ["Berth:PublicPulls:AnonymousPerSecond"] = perSecond.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    /// <summary>Returns when the aws CLI and every named tool are installed; otherwise skips the test, or fails it in CI.</summary>
    protected static void SkipUnlessToolsAvailable(params string[] tools) => ClientTools.SkipUnlessAvailable(["aws", .. tools]);

    /// <summary>A path inside the test's scratch directory (made on first use; lower case, as podman's oci: names must be).</summary>
    protected string PathFor(string name)
    {
        _work ??= Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "berth-public-" + Guid.NewGuid().ToString("N"))).FullName;
        return Path.Combine(_work, name);
    }
}
