namespace Berth.Storage.Tests.S3;

/// <summary>One Swift for a test class (xunit class fixture).</summary>
public sealed class SwiftFixture : IAsyncLifetime
{
    private SwiftServer? _server;

    public SwiftServer Server => _server ?? throw new InvalidOperationException("Swift has not started");

    public async Task InitializeAsync() => _server = await SwiftServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
