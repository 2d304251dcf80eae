using Berth.Server.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Berth.Server.Tests.Hosting;

public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("Berth:Uploads:MaxAge", "-00:01:00")]
    [InlineData("Berth:Uploads:PurgeInterval", "00:00:00")]
    [InlineData("Berth:Urls", "ftp://127.0.0.1:1")]
    [InlineData("Berth:DataDirectory", " ")]
    public void AnInvalidSettingStopsTheStartNamingItsKey(string key, string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Create(key, value));
        Assert.Contains($"'{key}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Berth:Uploads:MaxAge", "soon")]
    [InlineData("Berth:AutomaticCrossMount", "maybe")]
    public void AnUnparsableSettingStopsTheStartNamingItsKey(string key, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Create(key, value));
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Berth:Storage:Blobs:Type", "Tape")]
    [InlineData("Berth:Storage:Metadata:Type", "Cards")]
    public void AnUnknownBackendStopsTheStartNamingItsKey(string key, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Create(key, value));
        Assert.Contains($"'{key}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDataDirectorySettingHoldsTheDatabaseAndTheBlobs()
    {
        var data = Path.Combine(Path.GetTempPath(), "berth-tests", Guid.NewGuid().ToString("N"));
        await using var server = await Infrastructure.BerthTestServer.StartAsync(dataDirectory: data);
        Assert.True(File.Exists(Path.Combine(data, "berth.db")));
        Assert.True(Directory.Exists(Path.Combine(data, "blobs")));
    }

    private static void Create(string key, string value) =>
        BerthApplication.Create(builder => builder.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Berth:DataDirectory"] = Path.Combine(Path.GetTempPath(), "berth-tests", Guid.NewGuid().ToString("N")),
            [key] = value,
        }));
}
