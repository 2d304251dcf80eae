using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Tests.PullThroughCache;

/// <summary>
/// A reverse proxy in front of an upstream registry that records every request, so that a test counts what a pull
/// through cache asked the upstream. It can answer 429 instead of forwarding (<see cref="Throttled"/>), and it can
/// stand for a registry with token authentication (<see cref="StartWithTokenAuthAsync"/>): requests without its bearer
/// token get a <c>Bearer realm=…/token</c> challenge, its /token endpoint hands out a token anonymously, and it forwards
/// with the upstream's basic credentials.
/// </summary>
public sealed class CountingProxy : IAsyncDisposable
{
    private const string Token = "proxy-token";
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly WebApplication _app;

    private CountingProxy(WebApplication app) => _app = app;

    /// <summary>http://127.0.0.1:PORT</summary>
    public string Url { get; private set; } = string.Empty;

    /// <summary>When set, every request is answered 429 Too Many Requests.</summary>
    public bool Throttled { get; set; }

    /// <summary>"METHOD /path STATUS" of every request so far.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public static Task<CountingProxy> StartAsync(string upstream) => StartAsync(upstream, null);

    public static Task<CountingProxy> StartWithTokenAuthAsync(string upstream, string user, string password) =>
        StartAsync(upstream, "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    /// <summary>
    /// Requests of <paramref name="method"/> whose path contains <paramref name="path"/>, leaving out those answered
    /// 401 (a client's first request before it sends credentials is not a fetch).
    /// </summary>
    public int Count(string method, string path) =>
        _requests.Count(r => r.StartsWith(method + " ", StringComparison.Ordinal) && (r.Contains(path + " ", StringComparison.Ordinal) || r.Contains(path + "?", StringComparison.Ordinal)) && !r.EndsWith(" 401", StringComparison.Ordinal));

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static async Task<CountingProxy> StartAsync(string upstream, string? tokenModeAuthorization)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var proxy = new CountingProxy(app);
        var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };
        app.Run(context => proxy.ForwardAsync(context, http, new Uri(upstream), tokenModeAuthorization));
        await app.StartAsync();
        proxy.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
        return proxy;
    }

    private async Task ForwardAsync(HttpContext context, HttpClient http, Uri upstream, string? tokenModeAuthorization)
    {
        var request = context.Request;
        context.Response.OnStarting(() =>
        {
            _requests.Enqueue($"{request.Method} {request.Path}{request.QueryString} {context.Response.StatusCode}");
            return Task.CompletedTask;
        });
        if (Throttled)
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return;
        }

        var authorization = request.Headers.Authorization.ToString();
        if (tokenModeAuthorization is not null)
        {
            if (request.Path == "/token")
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync($$"""{"token":"{{Token}}","expires_in":300}""");
                return;
            }

            if (authorization != "Bearer " + Token)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = $"Bearer realm=\"{Url}/token\",service=\"counting-proxy\"";
                return;
            }

            authorization = tokenModeAuthorization;
        }

        using var forwarded = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(upstream, request.Path + request.QueryString));
        if (authorization.Length > 0)
        {
            forwarded.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization);
        }

        foreach (var accept in request.Headers.Accept)
        {
            forwarded.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await http.SendAsync(forwarded, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        if (!HttpMethods.IsHead(request.Method))
        {
            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
    }
}
