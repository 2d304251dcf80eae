using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Tests.Events;

/// <summary>
/// A webhook endpoint for tests: a Kestrel server on 127.0.0.1 and a free port that records every POST (body and
/// headers) and answers 503 while <see cref="Failing"/> is set, 200 otherwise.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    /// <summary>While true every delivery is refused with 503.</summary>
    public bool Failing { get; set; }

    public ConcurrentQueue<Delivery> Deliveries { get; } = new();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var accepted = !receiver.Failing;
            receiver.Deliveries.Enqueue(new Delivery(
                body.ToArray(),
                context.Request.Headers["X-Berth-Event-Id"].ToString(),
                context.Request.Headers["X-Berth-Signature-256"].ToString(),
                context.Request.ContentType,
                accepted));
            context.Response.StatusCode = accepted ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.Url = new Uri(address.TrimEnd('/') + "/hook");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>One POST received, and whether it was answered 200.</summary>
    public sealed record Delivery(byte[] Body, string EventId, string Signature, string? ContentType, bool Accepted);
}
