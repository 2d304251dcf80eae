using Berth.Core.Registries;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Berth.Server.Hosting;

/// <summary>
/// Every listen URL of the process with its face (<see cref="ListenerFace"/>), in the order configured. Private APIs
/// are never answered on a public listener (<see cref="UseListenerFaces"/>); a registry listener is how a client
/// reaches a registry other than the default one without DNS names.
/// </summary>
internal sealed class Listeners
{
    /// <summary>The public listener when Berth:Urls is left at its default.</summary>
    public const string DefaultPublicUrl = "http://127.0.0.1:5001";

    private Listeners(IReadOnlyList<Listener> all) => All = all;

    public IReadOnlyList<Listener> All { get; }

    /// <summary>The first public listener, or null when the public face is chosen by Host (Berth:PublicRegistryUrls none).</summary>
    public Listener? Public => All.FirstOrDefault(l => l.Face == ListenerFace.Public);

    /// <summary>The first metrics listener (Berth:Metrics:Listen), or null when metrics are off.</summary>
    public Listener? Metrics => All.FirstOrDefault(l => l.Face == ListenerFace.Metrics);

    /// <summary>The first private listener (Berth:Urls).</summary>
    public Listener Private => All.First(l => l.Face == ListenerFace.Private);

    public static Listeners From(BerthOptions options)
    {
        var all = new List<Listener>();
        all.AddRange(Split(options.Urls).Select(url => new Listener(url, ListenerFace.Private, null)));
        all.AddRange(Split(EffectivePublicUrls(options)).Select(url => new Listener(url, ListenerFace.Public, null)));
        all.AddRange(options.RegistryListeners.Select(r =>
            new Listener(r.Url, ListenerFace.Registry, new RegistryIdentity(r.AccountId ?? options.AccountId, r.Region))));
        all.AddRange(Split(options.Metrics.Listen).Select(url => new Listener(url, ListenerFace.Metrics, null)));
        return new Listeners(all);
    }

    /// <summary>
    /// Berth:PublicRegistryUrls, where <c>none</c> means no public listener; unset means <see cref="DefaultPublicUrl"/>
    /// beside the default Berth:Urls and none beside URLs an operator chose (a fixed second port could collide there).
    /// </summary>
    public static string EffectivePublicUrls(BerthOptions options) => options.PublicRegistryUrls switch
    {
        "none" => string.Empty,
        { Length: > 0 } urls => urls,
        _ => options.Urls == BerthOptions.DefaultUrls ? DefaultPublicUrl : string.Empty,
    };

    /// <summary>The listener serving <paramref name="registry"/>'s /v2/, if one does.</summary>
    public Listener? Of(RegistryIdentity registry) => All.FirstOrDefault(l => l.Face == ListenerFace.Registry && l.Registry == registry);

    /// <summary>Makes Kestrel listen on every URL (Kestrel parses them, https and port 0 included), each tagged with its face.</summary>
    public void Configure(KestrelServerOptions kestrel)
    {
        var endpoints = new ConfigurationBuilder()
            .AddInMemoryCollection(All.Select((l, i) => KeyValuePair.Create<string, string?>($"Endpoints:Listener{i}:Url", l.Url)))
            .Build();
        var loader = kestrel.Configure(endpoints, reloadOnChange: false);
        for (var i = 0; i < All.Count; i++)
        {
            var listener = All[i];
            loader.Endpoint($"Listener{i}", endpoint => listener.Attach(endpoint.ListenOptions));
        }
    }

    /// <summary>
    /// On a public listener only the public registries' paths answer (/v2/, /token, /logos/, /healthz, /readyz): the AWS
    /// APIs, layer downloads and private /v2/ get 404, whatever the Host header names. A metrics listener answers
    /// /metrics, /healthz and /readyz only.
    /// </summary>
    public static void UseListenerFaces(IApplicationBuilder app) => app.Use((context, next) =>
    {
        var face = Listener.Of(context)?.Face;
        if ((face == ListenerFace.Public && !IsPublicPath(context.Request.Path))
            || (face == ListenerFace.Metrics && context.Request.Path.Value is not ("/metrics" or "/healthz" or "/readyz")))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return next(context);
    });

    private static bool IsPublicPath(PathString path) =>
        path == "/v2" || path.StartsWithSegments("/v2") || path.StartsWithSegments("/token") || path.StartsWithSegments("/logos")
        || path == "/healthz" || path == "/readyz";

    private static string[] Split(string? urls) =>
        (urls ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
