using System.Net;
using System.Text;
using Berth.Core.GarbageCollection;
using Berth.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Server.Tests.GarbageCollection;

/// <summary>
/// The HEAD-skip race: docker and skopeo HEAD each blob before a push, skip the upload of what the repository already
/// links, then put the manifest. A link older than the grace period that no manifest references (left by a deleted
/// image or an abandoned push) is what the collector removes; the HEAD renews it, so the collection between the HEAD
/// and the manifest keeps it and the manifest goes in. A blob nobody looked at is unlinked: its HEAD answers 404 (the
/// client uploads it again) and a manifest naming it fails cleanly with MANIFEST_BLOB_UNKNOWN. The server's clock is
/// the test's (FakeTimeProvider); the collector runs by hand with the default grace of one hour.
/// </summary>
public sealed class LinkRenewalTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromHours(1);

    [Fact]
    public async Task ABlobHeadRenewsAnOldLinkSoTheCollectionBeforeTheManifestPutKeepsIt()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        await using var server = await BerthTestServer.StartAsync(
            new Dictionary<string, string?> { ["Berth:GarbageCollection:Enabled"] = "false" },
            services: services => services.AddSingleton<TimeProvider>(clock));
        var client = server.Client;
        var repository = BerthTestServer.NewRepositoryName("renew");
        var config = Encoding.UTF8.GetBytes("""{"architecture":"amd64","os":"linux"}""");
        var headed = OciTestClient.RandomBytes(4096);
        var forgotten = OciTestClient.RandomBytes(4096);
        foreach (var blob in new[] { config, headed, forgotten })
        {
            await client.PushBlobAsync(repository, blob);
        }

        // Pushed long ago, referenced by no manifest: the collector would unlink all three now.
        clock.Advance(Grace + TimeSpan.FromMinutes(1));
        foreach (var blob in new[] { config, headed })
        {
            using var head = new HttpRequestMessage(HttpMethod.Head, new Uri($"/v2/{repository}/blobs/{OciTestClient.DigestOf(blob)}", UriKind.Relative));
            using var found = await client.SendAsync(head);
            Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        }

        var report = await server.Services.GetRequiredService<GarbageCollector>().RunAsync(Grace, dryRun: false, null, default);

        Assert.Equal([OciTestClient.DigestOf(forgotten)], report.Unlinked.Select(l => l.Digest.ToString()));
        var manifest = OciTestClient.ImageManifest(OciTestClient.DigestOf(config), config.Length, [(OciTestClient.DigestOf(headed), headed.Length)]);
        using (var put = await client.PutManifestAsync(repository, "kept", manifest, OciTestClient.OciManifest))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        Assert.Equal(headed, await client.GetByteArrayAsync(new Uri($"/v2/{repository}/blobs/{OciTestClient.DigestOf(headed)}", UriKind.Relative)));
        using (var head = new HttpRequestMessage(HttpMethod.Head, new Uri($"/v2/{repository}/blobs/{OciTestClient.DigestOf(forgotten)}", UriKind.Relative)))
        using (var gone = await client.SendAsync(head))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        var stale = OciTestClient.ImageManifest(OciTestClient.DigestOf(config), config.Length, [(OciTestClient.DigestOf(forgotten), forgotten.Length)]);
        using var refused = await client.PutManifestAsync(repository, "stale", stale, OciTestClient.OciManifest);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal("MANIFEST_BLOB_UNKNOWN", await OciTestClient.ErrorCodeAsync(refused));
    }
}
