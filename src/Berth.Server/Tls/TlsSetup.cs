using Berth.Server.Hosting;

namespace Berth.Server.Tls;

/// <summary>HTTPS on Berth's own listeners (see <see cref="ServerCertificate"/>) and HSTS on its HTTPS responses.</summary>
internal static class TlsSetup
{
    public static void AddServerCertificate(this WebApplicationBuilder builder, Listeners listeners)
    {
        var certificate = ServerCertificate.From(builder.Configuration);
        if (certificate is null)
        {
            if (listeners.All.FirstOrDefault(l => l.Scheme == "https") is { } https)
            {
                throw new InvalidOperationException(
                    $"Invalid configuration '{ServerCertificate.PathKey}': the listen URL {https.Url} needs a PEM certificate ('{ServerCertificate.PathKey}' and '{ServerCertificate.KeyPathKey}'; 'berth certificate create' makes one).");
            }

            return;
        }

        builder.Services.AddSingleton(certificate);
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.ConfigureHttpsDefaults(https => https.ServerCertificateSelector = (_, _) => certificate.Current));

        // A year, as commonly recommended once HTTPS works; not sent to localhost names (ASP.NET Core's default exclusions).
        builder.Services.AddHsts(hsts => hsts.MaxAge = TimeSpan.FromDays(365));
    }

    /// <summary>
    /// Watches the certificate files and sends Strict-Transport-Security on HTTPS responses. There is no redirect from
    /// http:// to https://: registry and SDK clients do not follow redirects of their PUTs and POSTs, and a redirect
    /// would invite them to send credentials in clear first; listen on https:// only to refuse plain HTTP.
    /// </summary>
    public static void UseServerCertificate(this WebApplication app)
    {
        if (app.Services.GetService<ServerCertificate>() is not { } certificate)
        {
            return;
        }

        certificate.Watch(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<ServerCertificate>());
        app.Lifetime.ApplicationStopped.Register(certificate.Dispose);
        app.UseHsts();
    }
}
