using System.Net;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Telemetry;

/// <summary>/healthz says the process serves; /readyz says it can also reach its metadata and blob stores.</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task ReadinessFailsWhileTheBlobDirectoryIsUnreachableAndRecovers()
    {
        await using var server = await BerthTestServer.StartAsync();
        var blobs = Path.Combine(server.DataDirectory, "blobs");
        var moved = blobs + ".away";
        Assert.Equal("ready\n", await ReadyAsync(server, HttpStatusCode.OK));

        Directory.Move(blobs, moved);
        try
        {
            Assert.Equal("not ready: blob store unreachable\n", await ReadyAsync(server, HttpStatusCode.ServiceUnavailable));
            using var live = await server.Client.GetAsync(new Uri("/healthz", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            Directory.Move(moved, blobs);
        }

        Assert.Equal("ready\n", await ReadyAsync(server, HttpStatusCode.OK));
    }

    internal static async Task<string> ReadyAsync(BerthTestServer server, HttpStatusCode expected)
    {
        using var response = await server.Client.GetAsync(new Uri("/readyz", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"/readyz answered {(int)response.StatusCode}: {body}");
        return body;
    }
}
