using Berth.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Tests.Console;

/// <summary>
/// The console's cookie scheme is the server's only authentication scheme, which ASP.NET Core would make the default
/// and run on every request. It is not the default: /v2/ and the AWS APIs never pay for the cookie handler, and the
/// console authenticates its own requests (its sign-in, pages and anti-forgery are covered by the browser tests and
/// <see cref="ConsoleTwoNodeTests"/>).
/// </summary>
public sealed class ConsoleAuthenticationTests
{
    [Fact]
    public async Task TheConsoleSchemeIsRegisteredButNoRequestIsAuthenticatedByDefault()
    {
        await using var server = await BerthTestServer.StartEcrAsync();
        var schemes = server.Services.GetRequiredService<IAuthenticationSchemeProvider>();

        Assert.NotNull(await schemes.GetSchemeAsync("BerthConsole"));
        Assert.Null(await schemes.GetDefaultAuthenticateSchemeAsync());
        Assert.Null(await schemes.GetDefaultChallengeSchemeAsync());
    }
}
