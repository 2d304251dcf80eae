using System.Text.Json;
using Berth.Core.Errors;

namespace Berth.Core.PullThroughCache;

/// <summary>
/// The credential of an upstream registry, as ECR reads it from the rule's secret: a JSON object with
/// <c>username</c> and <c>accessToken</c>. See https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-secret.html
/// </summary>
public sealed record UpstreamCredential(string Username, string AccessToken)
{
    /// <summary>Reads the secret's text; UnableToDecryptSecretValueException when it is not such an object.</summary>
    public static UpstreamCredential Parse(string? secretString)
    {
        try
        {
            using var document = JsonDocument.Parse(secretString ?? string.Empty);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("username", out var user) && user.ValueKind == JsonValueKind.String
                && root.TryGetProperty("accessToken", out var token) && token.ValueKind == JsonValueKind.String)
            {
                return new UpstreamCredential(user.GetString()!, token.GetString()!);
            }
        }
        catch (JsonException)
        {
        }

        throw new RegistryException(PullThroughCacheErrors.UnableToDecryptSecretValue,
            "The secret value must be a JSON object with the string members 'username' and 'accessToken'");
    }

    public override string ToString() => $"UpstreamCredential {{ Username = {Username} }}";
}
