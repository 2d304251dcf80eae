namespace Berth.Server.Hosting;

/// <summary>Berth:Metrics: where Prometheus scrapes <c>/metrics</c>.</summary>
internal sealed class MetricsOptions
{
    /// <summary>
    /// Semicolon-separated listen URLs that answer <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c> only, and the
    /// only place <c>/metrics</c> is served; empty (the default) means no metrics are collected or served.
    /// </summary>
    public string? Listen { get; set; }
}
