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

    /// <summary>
    /// The accessibility checks every console page passes, computed in the page (no library): the document has a
    /// language and a title; one banner (header), one main landmark and, signed in, a labelled navigation; every
    /// visible form control has a label (label[for], a wrapping label, aria-label or aria-labelledby) and every
    /// role=img an accessible name; every table header cell has a scope; every piece of visible text has a contrast
    /// ratio of at least 4.5:1 against its background (3:1 for large text), computed from the styles as WCAG 2.1
    /// defines relative luminance; and nothing is wider than the viewport (readable on a phone without side scrolling,
    /// wide tables scroll inside their own box). Returns the failures, empty when the page passes.
    /// </summary>
    public static async Task AssertAccessibleAsync(IPage page)
    {
        var failures = await page.EvaluateAsync<string[]>(AccessibilityScript);
        Assert.True(failures.Length == 0, $"{page.Url}: " + string.Join("; ", failures));

        // Keyboard: the first Tab lands on the skip link, which is visibly focused (an outline), and leads to main.
        await page.Keyboard.PressAsync("Tab");
        var focused = await page.EvaluateAsync<string[]>(
            "() => { const e = document.activeElement; const s = getComputedStyle(e); return [e.textContent.trim(), s.outlineStyle, s.outlineWidth, e.getAttribute('href')]; }");
        Assert.Equal("Skip to content", focused[0]);
        Assert.NotEqual("none", focused[1]);
        Assert.NotEqual("0px", focused[2]);
        Assert.Equal("#main", focused[3]);
    }

    private const string AccessibilityScript = """
        () => {
          const failures = [];
          const visible = e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e); return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
          if (!document.documentElement.lang) failures.push('html has no lang');
          if (!document.title.trim()) failures.push('no title');
          if (document.querySelectorAll('header').length !== 1) failures.push('not one header');
          if (document.querySelectorAll('main').length !== 1) failures.push('not one main');
          for (const nav of document.querySelectorAll('nav')) if (!nav.getAttribute('aria-label')) failures.push('nav without aria-label');
          for (const control of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
            const labelled = (control.id && document.querySelector(`label[for="${control.id}"]`)) || control.closest('label')
              || control.getAttribute('aria-label') || control.getAttribute('aria-labelledby');
            if (!labelled) failures.push(`unlabelled ${control.tagName.toLowerCase()}#${control.id || control.name}`);
          }
          for (const img of document.querySelectorAll('[role=img], img')) if (!img.getAttribute('aria-label') && !img.getAttribute('alt')) failures.push('image without a name');
          for (const th of document.querySelectorAll('thead th')) if (!th.getAttribute('scope')) failures.push('th without scope');
          for (const button of document.querySelectorAll('button, a')) if (visible(button) && !button.textContent.trim() && !button.getAttribute('aria-label')) failures.push('control without text');
          const rgba = text => { const m = text.match(/[\d.]+/g).map(Number); return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; };
          const luminance = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
          const background = e => { for (; e; e = e.parentElement) { const c = rgba(getComputedStyle(e).backgroundColor); if (c.a > 0) return c; } return { r: 255, g: 255, b: 255, a: 1 }; };
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          const checked = new Set();
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const e = node.parentElement;
            if (!node.textContent.trim() || checked.has(e) || !visible(e)) continue;
            checked.add(e);
            const s = getComputedStyle(e);
            const [l1, l2] = [luminance(rgba(s.color)), luminance(background(e))].sort((a, b) => b - a);
            const ratio = (l1 + 0.05) / (l2 + 0.05);
            const size = parseFloat(s.fontSize); const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
            if (ratio < (large ? 3 : 4.5)) failures.push(`contrast ${ratio.toFixed(2)} of "${node.textContent.trim().slice(0, 30)}"`);
          }
          if (document.documentElement.scrollWidth > window.innerWidth + 1) failures.push(`page ${document.documentElement.scrollWidth}px wide in a ${window.innerWidth}px viewport`);
          return failures;
        }
        """;

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
