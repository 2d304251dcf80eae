using Microsoft.AspNetCore.Authentication;
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
        // The only scheme would otherwise become the default, and ASP.NET Core's authentication middleware would run
        // the cookie handler on every request, /v2/ and the AWS APIs included; the console authenticates its own
        // requests (MapBerthConsole). The switch is the framework's documented one (AuthenticationOptions reads it
        // when the options are made, after this); it is per process, and every host in a Berth process is a Berth.
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);
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

        // The signed-in session as the request's user, for console requests only: anti-forgery tokens are bound to it,
        // as they were when the cookie scheme was the default one.
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments("/console", StringComparison.OrdinalIgnoreCase),
            console => console.Use(async (context, next) =>
            {
                if (await context.AuthenticateAsync(Scheme).ConfigureAwait(false) is { Succeeded: true, Principal: { } user })
                {
                    context.User = user;
                }

                await next(context).ConfigureAwait(false);
            }));
        app.MapRazorPages();
    }
}
