namespace Berth.Server.Events;

/// <summary>One webhook endpoint (Berth:Events:Webhooks:N).</summary>
internal sealed class WebhookOptions
{
    /// <summary>Names the endpoint in the outbox; renaming one leaves its queued events without an endpoint (they fail).</summary>
    public string Name { get; set; } = string.Empty;

    public string Url { get; set; } = string.Empty;

    /// <summary>The HMAC-SHA256 key of the <c>X-Berth-Signature-256</c> header.</summary>
    public string Secret { get; set; } = string.Empty;
}
