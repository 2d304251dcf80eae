using System.Net;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Storage;

/// <summary>
/// What Berth writes to disk is readable by the account that runs it only: the data directory and every directory
/// under it 0700, blobs, staged uploads, the database and its WAL 0600, whatever the umask.
/// </summary>
public sealed class FileModeTests : IAsyncLifetime
{
    private const UnixFileMode Directory0700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode File0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private BerthTestServer _server = null!;

    public async Task InitializeAsync() => _server = await BerthTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [SkippableFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task AfterAPushEveryDirectoryIs0700AndEveryFile0600()
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix file modes only");
        var repository = BerthTestServer.NewRepositoryName();
        await _server.Client.PushImageAsync(repository, "v1");

        // An upload left open has its staged file on disk.
        var location = await _server.Client.StartUploadAsync(repository);
        using (var body = new ByteArrayContent(OciTestClient.RandomBytes(4096)))
        using (var patch = await _server.Client.PatchAsync(location, body))
        {
            Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
        }

        var data = _server.DataDirectory;
        var files = Directory.GetFiles(data, "*", SearchOption.AllDirectories);
        Assert.Contains(Path.Combine(data, "berth.db"), files);
        Assert.Contains(Path.Combine(data, "berth.db-wal"), files);
        Assert.Contains(Path.Combine(data, "master.key"), files);
        Assert.Contains(files, f => f.StartsWith(Path.Combine(data, "blobs", "sha256"), StringComparison.Ordinal));
        Assert.Contains(files, f => f.StartsWith(Path.Combine(data, "blobs", "_uploads"), StringComparison.Ordinal));
        Assert.All(files, f => Assert.Equal($"{Path.GetRelativePath(data, f)} {File0600}", $"{Path.GetRelativePath(data, f)} {File.GetUnixFileMode(f)}"));

        var directories = Directory.GetDirectories(data, "*", SearchOption.AllDirectories).Append(data).ToList();
        Assert.Contains(Path.Combine(data, "blobs", "sha256"), directories);
        Assert.All(directories, d => Assert.Equal($"{Path.GetRelativePath(data, d)} {Directory0700}", $"{Path.GetRelativePath(data, d)} {File.GetUnixFileMode(d)}"));
    }
}
