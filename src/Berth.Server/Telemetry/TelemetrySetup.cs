using Berth.Server.Hosting;
using Berth.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Metrics;

namespace Berth.Server.Telemetry;

/// <summary>
/// Metrics (Prometheus on Berth:Metrics:Listen only), health (<c>/healthz</c> live, <c>/readyz</c> the stores), and
/// request ids in every log line. See docs/ARCHITECTURE.md "Operating Berth" for why OpenTelemetry.
/// </summary>
internal static class TelemetrySetup
{
    private const string ReadyTag = "ready";

    public static void AddBerthTelemetry(this WebApplicationBuilder builder, Listeners listeners)
    {
        builder.Services.AddHealthChecks()
            .Add(new HealthCheckRegistration("stores", sp => sp.GetRequiredService<StoreReadiness>(), HealthStatus.Unhealthy, [ReadyTag]));

        // ASP.NET Core's request scope carries Kestrel's connection counter as RequestId, which is not the id Berth
        // returns (RequestIdentity opens the scope with it instead); this category logs nothing else at Warning or above.
        // Its request-start lines also carried the query string, and a layer download URL's signature is a credential.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);

        // The slim builder fixes the console formatter to "simple" and binds no formatter settings: bind the standard
        // keys (Logging:Console:FormatterName = simple, json or systemd; Logging:Console:FormatterOptions) here. Scopes
        // are always on, since the request id travels in one.
        var console = builder.Configuration.GetSection("Logging:Console");
        builder.Services.Configure<ConsoleLoggerOptions>(options =>
        {
            if (console["FormatterName"] is { Length: > 0 } name)
            {
                options.FormatterName = name;
            }
        });
        builder.Services.Configure<JsonConsoleFormatterOptions>(console.GetSection("FormatterOptions"));
        builder.Services.Configure<SimpleConsoleFormatterOptions>(console.GetSection("FormatterOptions"));
        builder.Services.Configure<ConsoleFormatterOptions>(console.GetSection("FormatterOptions"));
        builder.Services.Configure<JsonConsoleFormatterOptions>(json => json.IncludeScopes = true);
        builder.Services.Configure<SimpleConsoleFormatterOptions>(simple => simple.IncludeScopes = true);
        builder.Services.Configure<ConsoleFormatterOptions>(systemd => systemd.IncludeScopes = true);

        if (listeners.Metrics is null)
        {
            return;
        }

        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(BerthMetrics.MeterName, Core.Blobs.BlobUploadMetrics.MeterName, BackgroundJobs.ReplicationMetrics.MeterName)
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Diagnostics")
            // .NET's own: process memory and CPU, GC collections and heap sizes, thread pool, exceptions.
            .AddMeter("System.Runtime")
            // Each scrape reads the current values: a cached answer would hide what a test (or an operator) just did.
            .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
    }

    /// <summary>The request id, then the metrics tags, then the metrics endpoint (on its listener only).</summary>
    public static void UseBerthTelemetry(this WebApplication app)
    {
        RequestIdentity.Use(app);
        RequestTelemetry.Use(app);
    }

    public static void UseMetricsEndpoint(this WebApplication app)
    {
        if (app.Services.GetRequiredService<Listeners>().Metrics is { } listener)
        {
            app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine($"Berth metrics on {listener.Scheme}://{listener.Host}:{listener.Port}/metrics"));
            app.UseOpenTelemetryPrometheusScrapingEndpoint(
                context => context.Request.Path == "/metrics" && Listener.Of(context) is { Face: ListenerFace.Metrics });
        }
    }

    /// <summary><c>/healthz</c>: the process serves requests. <c>/readyz</c>: it can also reach its stores (503 otherwise).</summary>
    public static void MapHealth(this WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("ok\n")).WithName("Health");
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = (context, report) =>
            {
                context.Response.ContentType = "text/plain; charset=utf-8";
                var problems = report.Entries.Values.Where(e => e.Status != HealthStatus.Healthy).Select(e => e.Description?.Split(':')[0]);
                return context.Response.WriteAsync(report.Status == HealthStatus.Healthy ? "ready\n" : $"not ready: {string.Join("; ", problems)}\n");
            },
        }).WithName("Ready");
    }
}
