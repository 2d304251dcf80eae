using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace Berth.Server.WebConsole;

/// <summary>
/// The console: Razor Pages under /console/ (server-rendered, no script), a cookie session of its own, anti-forgery
/// on every form. The cookie and anti-forgery keys are kept in the metadata store, sealed under the master key
/// (<see cref="ConsoleKeyRing"/>), so a sign-in survives a restart and works on every node of the deployment.
/// </summary>
internal static class ConsoleRegistration
{
    public const string Scheme = "BerthConsole";

    public static void AddBerthConsole(this IServiceCollection services, ConsoleOptions options)
    {
        if (!options.Enabled)
        {
            return;
        }

        services.AddSingleton(options);

        services.AddDataProtection().SetApplicationName("berth-console");
        services.AddSingleton<ConsoleKeyRing>();
        services.AddOptions<KeyManagementOptions>()
            .Configure<ConsoleKeyRing>((keys, ring) => keys.XmlRepository = ring);
        services.AddAuthentication()
            .AddCookie(Scheme, cookie =>
            {
                cookie.Cookie.Name = "berth-console";
                cookie.Cookie.Path = "/console";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.ExpireTimeSpan = options.SessionDuration;
                cookie.SlidingExpiration = false;
                cookie.LoginPath = "/console/sign-in";
                cookie.Events = new CookieAuthenticationEvents
                {
                    // Pages answer a missing session themselves (ConsolePageModel); no automatic challenge.
                    OnRedirectToLogin = _ => Task.CompletedTask,
                };
            });
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "berth-console-af";
            antiforgery.Cookie.Path = "/console";
            antiforgery.Cookie.HttpOnly = true;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.FormFieldName = "__RequestVerificationToken";
        });
        services.AddRazorPages(pages => pages.RootDirectory = "/WebConsole/Pages");
    }

    public static void MapBerthConsole(this WebApplication app, ConsoleOptions options)
    {
        if (!options.Enabled)
        {
            return;
        }

        app.MapRazorPages();
    }
}
