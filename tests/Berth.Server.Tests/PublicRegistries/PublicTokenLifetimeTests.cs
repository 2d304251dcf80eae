using System.Net;
using Berth.Server.Tests.Iam;
using Berth.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Tests.PublicRegistries;

/// <summary>
/// A Bearer token of /token/ lives an hour, but never longer than the registry password (12 hours) it was exchanged
/// for: the server's clock is moved to the last half hour of the password's life.
/// </summary>
public sealed class PublicTokenLifetimeTests : IAsyncLifetime
{
    private readonly AdjustableClock _clock = new();
    private BerthTestServer _server = null!;
    private PublicRegistryClient _public = null!;

    public async Task InitializeAsync()
    {
        _server = await BerthTestServer.StartPublicAsync(services: services => services.AddSingleton<TimeProvider>(_clock));
        _public = new PublicRegistryClient(_server);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ABearerTokenDoesNotOutliveThePasswordItWasExchangedFor()
    {
        var alias = await _public.AliasAsync();
        await _public.Aws.RunAsync("ecr-public", "create-repository", "--repository-name", "lifetime");
        var password = await _public.PasswordAsync();

        _clock.Offset = TimeSpan.FromHours(11.5);
        var token = await _public.TokenAsync(password, $"repository:{alias}/lifetime:pull");
        using var client = _public.Client(token.GetProperty("token").GetString());
        using var beforePasswordExpiry = await client.GetAsync($"/v2/{alias}/lifetime/tags/list");
        _clock.Offset = TimeSpan.FromHours(12.1);
        using var afterPasswordExpiry = await client.GetAsync($"/v2/{alias}/lifetime/tags/list");

        Assert.InRange(token.GetProperty("expires_in").GetInt32(), 1700, 1800);
        Assert.Equal(HttpStatusCode.OK, beforePasswordExpiry.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterPasswordExpiry.StatusCode);
    }
}
