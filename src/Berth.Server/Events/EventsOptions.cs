namespace Berth.Server.Events;

/// <summary>Image events delivered to webhooks (Berth:Events).</summary>
internal sealed class EventsOptions
{
    /// <summary>Where events go; none configured: no event is queued.</summary>
    public List<WebhookOptions> Webhooks { get; set; } = [];

    /// <summary>How often each node looks for due deliveries when the last look found none.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a node's claim on a delivery lasts; a node killed mid-delivery leaves it to others after this.</summary>
    public TimeSpan ClaimDuration { get; set; } = TimeSpan.FromMinutes(1);

    public int BatchSize { get; set; } = 16;

    /// <summary>Attempts per event and endpoint before it is given up (FAILED).</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>The first retry's delay; each later one doubles it, up to MaxRetryDelay.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long one POST may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public void Validate(List<string> failures)
    {
        foreach (var (key, value) in new[]
        {
            ("PollInterval", PollInterval), ("ClaimDuration", ClaimDuration), ("RetryDelay", RetryDelay), ("MaxRetryDelay", MaxRetryDelay), ("Timeout", Timeout),
        })
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"Invalid configuration 'Berth:Events:{key}': must be greater than zero.");
            }
        }

        if (Timeout >= ClaimDuration)
        {
            failures.Add("Invalid configuration 'Berth:Events:Timeout': must be shorter than 'Berth:Events:ClaimDuration'.");
        }

        if (BatchSize is < 1 or > 1000)
        {
            failures.Add("Invalid configuration 'Berth:Events:BatchSize': must be between 1 and 1000.");
        }

        if (MaxAttempts is < 1 or > 100)
        {
            failures.Add("Invalid configuration 'Berth:Events:MaxAttempts': must be between 1 and 100.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Webhooks.Count; i++)
        {
            var webhook = Webhooks[i];
            var key = $"Berth:Events:Webhooks:{i}";
            if (string.IsNullOrWhiteSpace(webhook.Name) || !names.Add(webhook.Name))
            {
                failures.Add($"Invalid configuration '{key}:Name': must be set and unique.");
            }

            if (!Uri.TryCreate(webhook.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                failures.Add($"Invalid configuration '{key}:Url': must be an absolute http or https URL.");
            }

            if (string.IsNullOrEmpty(webhook.Secret) || webhook.Secret.Length < 16)
            {
                failures.Add($"Invalid configuration '{key}:Secret': must be at least 16 characters (the HMAC key receivers check signatures with).");
            }
        }
    }
}
