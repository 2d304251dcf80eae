using System.Net;
using Berth.Core.Blobs;
using Berth.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Tests.Oci;

public sealed class UploadJanitorTests
{
    [Fact]
    public async Task AnAbandonedUploadIsRemovedWithItsStagedBytes()
    {
        await using var server = await BerthTestServer.StartAsync();
        var repository = BerthTestServer.NewRepositoryName();
        var location = await server.Client.StartUploadAsync(repository);
        using (var patch = await server.Client.PatchAsync(location, new ByteArrayContent(new byte[4096])))
        {
            Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
        }

        var staged = Path.Combine(server.DataDirectory, "blobs", "_uploads", location[(location.LastIndexOf('/') + 1)..]);
        Assert.True(File.Exists(staged));
        var uploads = server.Services.GetRequiredService<OpenUploads>();

        var kept = await uploads.PurgeStaleAsync(DateTimeOffset.UtcNow.AddHours(-1), default);
        var removed = await uploads.PurgeStaleAsync(DateTimeOffset.UtcNow.AddMinutes(1), default);

        Assert.Equal(0, kept);
        Assert.Equal(1, removed);
        Assert.False(File.Exists(staged));
        using var status = await server.Client.GetAsync(location);
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
    }
}
