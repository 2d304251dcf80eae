using System.Text.Json;
using Berth.Core.Registries;

namespace Berth.Server.EcrPublicApi;

/// <summary>A public repository ARN, <c>arn:aws:ecr-public::&lt;account&gt;:repository/&lt;name&gt;</c>, as resourceArn names it.</summary>
internal sealed record PublicArn(string Account, string Repository)
{
    /// <summary>The input's resourceArn when it is a public repository ARN; null otherwise (the handler refuses it).</summary>
    public static PublicArn? Parse(JsonElement input)
    {
        if (!input.TryGetProperty("resourceArn", out var arn) || arn.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var parts = arn.GetString()!.Split(':', 6);
        return parts.Length == 6 && parts[0] == "arn" && parts[1] == "aws" && parts[2] == "ecr-public" && parts[3].Length == 0
            && RegistryIdentity.IsValidAccountId(parts[4]) && parts[5].StartsWith("repository/", StringComparison.Ordinal) && parts[5].Length > "repository/".Length
            ? new PublicArn(parts[4], parts[5]["repository/".Length..])
            : null;
    }
}
