using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Berth.Server.Tests.Console;

/// <summary>
/// A real headless browser on the console: Playwright's .NET driver (shipped in its NuGet package) drives Debian's
/// chromium (scripts/test.sh installs it); Playwright's own browser download is never used. Screenshots go to
/// console-screenshots/ beside the test binaries.
/// </summary>
public sealed class ConsoleBrowser : IAsyncDisposable
{
    public const string Chromium = "chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private ConsoleBrowser(IPlaywright playwright, IBrowser browser, BerthTestServer server)
    {
        _playwright = playwright;
        _browser = browser;
        Server = server;
    }

    public BerthTestServer Server { get; }

    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "console-screenshots");

    /// <summary>Starts the browser; the test is Skipped (or fails in CI) when chromium is not installed.</summary>
    public static async Task<ConsoleBrowser> StartAsync(BerthTestServer server)
    {
        ClientTools.SkipUnlessAvailable(Chromium);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ClientTools.Find(Chromium),
            Headless = true,

            // Tests run as root in CI, where chromium refuses its sandbox.
            Args = ["--no-sandbox"],
        });
        return new ConsoleBrowser(playwright, browser, server);
    }

    /// <summary>A fresh browser context (its own cookies), a phone-sized or desktop viewport.</summary>
    public async Task<IPage> NewPageAsync(bool phone = false)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.BaseAddress.ToString(),
            ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1280, Height = 900 },
        });
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the form, with the keyboard.</summary>
    public static async Task SignInAsync(IPage page, string accessKeyId, string secret)
    {
        await page.GotoAsync("/console/");
        Assert.EndsWith("/console/sign-in?returnUrl=%2Fconsole%2Frepositories", page.Url, StringComparison.Ordinal);
        await page.GetByLabel("Access key ID").FillAsync(accessKeyId);
        await page.GetByLabel("Secret access key").FillAsync(secret);
        await page.GetByLabel("Secret access key").PressAsync("Enter");
        await page.WaitForURLAsync("**/console/repositories");
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
