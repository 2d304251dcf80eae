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

        if (options.AccountId.Length != 12 || !options.AccountId.All(char.IsAsciiDigit))
        {
            failures.Add("Invalid configuration 'Berth:AccountId': must be 12 digits.");
        }

        if (!System.Text.RegularExpressions.Regex.IsMatch(options.Region, "^[a-z]{2}(-[a-z]+)+-[0-9]+$"))
        {
            failures.Add($"Invalid configuration 'Berth:Region': '{options.Region}' is not a region name such as us-east-1.");
        }

        if (options.BlobMounting is not ("ENABLED" or "DISABLED"))
        {
            failures.Add($"Invalid configuration 'Berth:BlobMounting': '{options.BlobMounting}' is not ENABLED or DISABLED.");
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
