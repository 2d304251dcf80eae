using System.Net;
using Berth.Core.Registries;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Berth.Server.Hosting;

/// <summary>What a listener answers: every private API, the public registries only, or one registry's /v2/.</summary>
internal enum ListenerFace
{
    /// <summary>Berth:Urls: /v2/ of the registry the Host names, the AWS APIs, layer downloads.</summary>
    Private,

    /// <summary>Berth:PublicRegistryUrls: the ECR Public registries' /v2/, /token and /logos/ only.</summary>
    Public,

    /// <summary>Berth:RegistryListeners: as <see cref="Private"/>, but /v2/ is always <see cref="Listener.Registry"/>.</summary>
    Registry,

    /// <summary>Berth:Metrics:Listen: /metrics, /healthz and /readyz only; the one place /metrics answers.</summary>
    Metrics,
}

/// <summary>
/// One configured listen URL and the face it serves. Kestrel's connection middleware puts the listener among the
/// connection's features, so a request knows which socket it came through, whatever its Host header says.
/// </summary>
internal sealed class Listener(string url, ListenerFace face, RegistryIdentity? registry)
{
    private ListenOptions? _bound;

    public string Url { get; } = url;

    public ListenerFace Face { get; } = face;

    /// <summary>The registry of a <see cref="ListenerFace.Registry"/> listener; null for the others.</summary>
    public RegistryIdentity? Registry { get; } = registry;

    /// <summary>The port clients reach: the bound one once Kestrel listens (a configured port 0 becomes a free port).</summary>
    public int Port => _bound?.EndPoint is IPEndPoint { Port: > 0 } bound ? bound.Port : BindingAddress.Parse(Url).Port;

    /// <summary>The URL's scheme (http or https).</summary>
    public string Scheme => BindingAddress.Parse(Url).Scheme;

    /// <summary>The URL's host as written (an address, a name, or * for every address).</summary>
    public string Host => BindingAddress.Parse(Url).Host;

    /// <summary>The listener of the connection a request came through; null when the server is not Kestrel (tests' hosts).</summary>
    public static Listener? Of(HttpContext context) => context.Features.Get<Listener>();

    /// <summary>Remembers Kestrel's options for this URL and tags every connection they accept with this listener.</summary>
    public void Attach(ListenOptions options)
    {
        _bound = options;
        options.Use(next => connection =>
        {
            connection.Features.Set(this);
            return next(connection);
        });
    }
}
