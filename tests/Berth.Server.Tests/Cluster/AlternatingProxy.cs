using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Tests.Cluster;

/// <summary>
/// A round-robin HTTP load balancer in front of several nodes: each request (not each connection) goes to the next
/// node, so the POST, PATCH and PUT of one blob upload land on different nodes. Bodies are streamed both ways,
/// the client's Host header is kept, and every forwarded request is recorded in <see cref="Requests"/>.
/// </summary>
public sealed class AlternatingProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
    };

    private readonly IReadOnlyList<Uri> _nodes;
    private readonly HttpClient _forwarder = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
    {
        Timeout = TimeSpan.FromMinutes(5),
    };

    private readonly List<ProxiedRequest> _requests = [];
    private WebApplication _app = null!;
    private int _next = -1;

    private AlternatingProxy(IReadOnlyList<Uri> nodes) => _nodes = nodes;

    /// <summary>host:port of the proxy, for clients.</summary>
    public string Host { get; private set; } = string.Empty;

    public IReadOnlyList<ProxiedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<AlternatingProxy> StartAsync(params Uri[] nodes)
    {
        var proxy = new AlternatingProxy(nodes);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        proxy._app = builder.Build();
        proxy._app.Run(proxy.ForwardAsync);
        await proxy._app.StartAsync();
        var address = new Uri(proxy._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        proxy.Host = $"{address.Host}:{address.Port}";
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _forwarder.Dispose();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var node = (int)((uint)Interlocked.Increment(ref _next) % (uint)_nodes.Count);
        var target = new Uri(_nodes[node], context.Request.Path.Value + context.Request.QueryString.Value);
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), target);
        if (context.Request.ContentLength is not null || context.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(context.Request.Body);
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (HopByHop.Contains(name) || name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        request.Headers.Host = context.Request.Host.Value;
        using var response = await _forwarder.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(name))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        lock (_requests)
        {
            _requests.Add(new ProxiedRequest(context.Request.Method, context.Request.Path.Value ?? string.Empty, node, (int)response.StatusCode,
                response.Headers.Location?.OriginalString));
        }

        if (context.Request.Method != HttpMethods.Head)
        {
            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
    }
}
