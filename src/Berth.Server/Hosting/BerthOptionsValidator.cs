using Berth.Core.Registries;
using Microsoft.Extensions.Options;

namespace Berth.Server.Hosting;

/// <summary>Validates <see cref="BerthOptions"/>; every failure names its configuration key.</summary>
internal sealed class BerthOptionsValidator : IValidateOptions<BerthOptions>
{
    public ValidateOptionsResult Validate(string? name, BerthOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add("Invalid configuration 'Berth:DataDirectory': must not be empty.");
        }

        var urls = options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Length == 0)
        {
            failures.Add("Invalid configuration 'Berth:Urls': must name at least one URL.");
        }

        CheckUrls(failures, "Berth:Urls", urls);
        if (options.PublicRegistryUrls is not (null or "none"))
        {
            CheckUrls(failures, "Berth:PublicRegistryUrls", options.PublicRegistryUrls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        if (options.Metrics.Listen is { Length: > 0 } metrics)
        {
            CheckUrls(failures, "Berth:Metrics:Listen", metrics.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        for (var i = 0; i < options.RegistryListeners.Count; i++)
        {
            var listener = options.RegistryListeners[i];
            CheckUrls(failures, $"Berth:RegistryListeners:{i}:Url", [listener.Url]);
            if (listener.AccountId is { Length: > 0 } account && !RegistryIdentity.IsValidAccountId(account))
            {
                failures.Add($"Invalid configuration 'Berth:RegistryListeners:{i}:AccountId': must be 12 digits.");
            }

            if (!RegistryIdentity.IsValidRegion(listener.Region))
            {
                failures.Add($"Invalid configuration 'Berth:RegistryListeners:{i}:Region': '{listener.Region}' is not a region name such as eu-west-1.");
            }
        }

        if (!RegistryIdentity.IsValidAccountId(options.AccountId))
        {
            failures.Add("Invalid configuration 'Berth:AccountId': must be 12 digits.");
        }

        if (!RegistryIdentity.IsValidRegion(options.Region))
        {
            failures.Add($"Invalid configuration 'Berth:Region': '{options.Region}' is not a region name such as us-east-1.");
        }

        if (options.RegistryDomain is { Length: > 0 } domain && Uri.CheckHostName(domain) != UriHostNameType.Dns)
        {
            failures.Add($"Invalid configuration 'Berth:RegistryDomain': '{domain}' is not a DNS name such as registry.example.com (no scheme, port or path).");
        }

        if (options.BlobMounting is not ("ENABLED" or "DISABLED"))
        {
            failures.Add($"Invalid configuration 'Berth:BlobMounting': '{options.BlobMounting}' is not ENABLED or DISABLED.");
        }

        if (options.PublicRegistryHost is { Length: > 0 } publicHost
            && (!Uri.TryCreate("http://" + publicHost, UriKind.Absolute, out var publicUri) || publicHost.IndexOfAny(['/', '@', '?', '#']) >= 0 || publicUri.UserInfo.Length > 0))
        {
            failures.Add($"Invalid configuration 'Berth:PublicRegistryHost': '{publicHost}' is not a host[:port] such as public.registry.example.com (no scheme or path).");
        }

        if (options.PublicPulls.AnonymousPerSecond < 1)
        {
            failures.Add("Invalid configuration 'Berth:PublicPulls:AnonymousPerSecond': must be at least 1.");
        }

        if (options.PublicPulls.AuthenticatedPerSecond < 1)
        {
            failures.Add("Invalid configuration 'Berth:PublicPulls:AuthenticatedPerSecond': must be at least 1.");
        }

        if (options.AuthorizationCacheSeconds is < 0 or > 60 || double.IsNaN(options.AuthorizationCacheSeconds))
        {
            failures.Add("Invalid configuration 'Berth:AuthorizationCacheSeconds': must be between 0 and 60.");
        }

        if (options.Uploads.MaxAge <= TimeSpan.Zero)
        {
            failures.Add("Invalid configuration 'Berth:Uploads:MaxAge': must be greater than zero.");
        }

        if (options.Lifecycle.Interval <= TimeSpan.Zero)
        {
            failures.Add("Invalid configuration 'Berth:Lifecycle:Interval': must be greater than zero.");
        }

        if (options.Uploads.PurgeInterval <= TimeSpan.Zero)
        {
            failures.Add("Invalid configuration 'Berth:Uploads:PurgeInterval': must be greater than zero.");
        }

        if (options.GarbageCollection.Interval <= TimeSpan.Zero)
        {
            failures.Add("Invalid configuration 'Berth:GarbageCollection:Interval': must be greater than zero.");
        }

        if (options.GarbageCollection.GracePeriod < TimeSpan.Zero)
        {
            failures.Add("Invalid configuration 'Berth:GarbageCollection:GracePeriod': must not be negative.");
        }

        ValidateReplication(options.Replication, failures);
        options.AuditTrail.Validate(failures);
        options.Events.Validate(failures);
        if (options.Console.SessionDuration <= TimeSpan.Zero)
        {
            failures.Add("Invalid configuration 'Berth:Console:SessionDuration': must be greater than zero.");
        }

        if (options.PullThroughCache.TagRefreshInterval < TimeSpan.Zero)
        {
            failures.Add("Invalid configuration 'Berth:PullThroughCache:TagRefreshInterval': must not be negative.");
        }

        if (options.PullThroughCache.UpstreamTimeout <= TimeSpan.Zero)
        {
            failures.Add("Invalid configuration 'Berth:PullThroughCache:UpstreamTimeout': must be greater than zero.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckUrls(List<string> failures, string key, string[] urls)
    {
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url.Replace("*", "0.0.0.0", StringComparison.Ordinal).Replace("+", "0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri) ||
                uri.Scheme is not ("http" or "https"))
            {
                failures.Add($"Invalid configuration '{key}': '{url}' is not an http:// or https:// URL.");
            }
        }
    }

    private static void ValidateReplication(ReplicationOptions replication, List<string> failures)
    {
        foreach (var (key, value) in new[]
        {
            ("PollInterval", replication.PollInterval), ("ClaimDuration", replication.ClaimDuration),
            ("RetryDelay", replication.RetryDelay), ("MaxRetryDelay", replication.MaxRetryDelay),
            ("StatsInterval", replication.StatsInterval), ("Retention", replication.Retention),
            ("RequestTimeout", replication.RequestTimeout), ("ConnectTimeout", replication.ConnectTimeout),
        })
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"Invalid configuration 'Berth:Replication:{key}': must be greater than zero.");
            }
        }

        if (replication.BatchSize is < 1 or > 1000)
        {
            failures.Add("Invalid configuration 'Berth:Replication:BatchSize': must be between 1 and 1000.");
        }

        if (replication.MaxAttempts is < 1 or > 100)
        {
            failures.Add("Invalid configuration 'Berth:Replication:MaxAttempts': must be between 1 and 100.");
        }

        if (replication.ChunkSize < 1024 * 1024)
        {
            failures.Add("Invalid configuration 'Berth:Replication:ChunkSize': must be at least 1048576 (1 MiB).");
        }
    }
}
