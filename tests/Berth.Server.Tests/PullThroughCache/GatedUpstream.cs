using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Berth.Server.Tests.Durability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Tests.PullThroughCache;

/// <summary>
/// A minimal upstream registry for one image <c>lib/big:v1</c> (an OCI manifest, a small config, one generated layer
/// of any size) that can stop sending the layer after <see cref="PauseAfter"/> bytes until <see cref="Release"/>, so
/// that a test can act while a pull through cache is mid-fetch. Counts the GETs of the layer.
/// </summary>
public sealed class GatedUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly TaskCompletionSource _paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private GatedUpstream(WebApplication app, GeneratedBlob layer)
    {
        _app = app;
        Layer = layer;
        Config = Encoding.UTF8.GetBytes("""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}""");
        ConfigDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Config));
        Manifest = Encoding.UTF8.GetBytes($$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{ConfigDigest}}","size":{{Config.Length}}},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{{layer.Digest}}","size":{{layer.Length}}}]}
            """.Trim());
        ManifestDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Manifest));
    }

    /// <summary>http://127.0.0.1:PORT</summary>
    public string Url { get; private set; } = string.Empty;

    public GeneratedBlob Layer { get; }

    public byte[] Config { get; }

    public string ConfigDigest { get; }

    public byte[] Manifest { get; }

    public string ManifestDigest { get; }

    /// <summary>When set, a layer GET stops after this many bytes until <see cref="Release"/>.</summary>
    public long? PauseAfter { get; set; }

    /// <summary>Completes once a layer GET has stopped at <see cref="PauseAfter"/>.</summary>
    public Task Paused => _paused.Task;

    /// <summary>GETs of the layer so far.</summary>
    public int LayerGets => _requests.Count(r => r == "GET " + Layer.Digest);

    public void Release() => _released.TrySetResult();

    public static async Task<GatedUpstream> StartAsync(GeneratedBlob layer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var upstream = new GatedUpstream(app, layer);
        app.Run(upstream.ServeAsync);
        await app.StartAsync();
        upstream.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.DisposeAsync();
    }

    private async Task ServeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        var response = context.Response;
        if (path == "/v2/")
        {
            await response.WriteAsync("{}");
            return;
        }

        if (path is "/v2/lib/big/manifests/v1" || path == $"/v2/lib/big/manifests/{ManifestDigest}")
        {
            await SendAsync(context, Manifest, ManifestDigest, "application/vnd.oci.image.manifest.v1+json");
            return;
        }

        if (path == $"/v2/lib/big/blobs/{ConfigDigest}")
        {
            await SendAsync(context, Config, ConfigDigest, "application/octet-stream");
            return;
        }

        if (path != $"/v2/lib/big/blobs/{Layer.Digest}")
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        _requests.Enqueue($"{context.Request.Method} {Layer.Digest}");
        response.ContentType = "application/octet-stream";
        response.ContentLength = Layer.Length;
        response.Headers["Docker-Content-Digest"] = Layer.Digest;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        var pauseAfter = PauseAfter;
        var released = _released.Task;
        await Layer.WriteAsync(response.Body, 0, Layer.Length, async written =>
        {
            if (pauseAfter is { } limit && written >= limit && !released.IsCompleted)
            {
                await response.Body.FlushAsync(context.RequestAborted);
                _paused.TrySetResult();
                await released.WaitAsync(context.RequestAborted);
            }
        }, context.RequestAborted);
    }

    private static async Task SendAsync(HttpContext context, byte[] content, string digest, string mediaType)
    {
        context.Response.ContentType = mediaType;
        context.Response.ContentLength = content.Length;
        context.Response.Headers["Docker-Content-Digest"] = digest;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(content, context.RequestAborted);
        }
    }
}
