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

        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url.Replace("*", "0.0.0.0", StringComparison.Ordinal).Replace("+", "0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri) ||
                uri.Scheme is not ("http" or "https"))
            {
                failures.Add($"Invalid configuration 'Berth:Urls': '{url}' is not an http:// or https:// URL.");
            }
        }

        if (options.Uploads.MaxAge <= TimeSpan.Zero)
        {
            failures.Add("Invalid configuration 'Berth:Uploads:MaxAge': must be greater than zero.");
        }

        if (options.Uploads.PurgeInterval <= TimeSpan.Zero)
        {
            failures.Add("Invalid configuration 'Berth:Uploads:PurgeInterval': must be greater than zero.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
