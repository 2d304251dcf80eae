namespace Berth.Core.Scanning.Inventory;

/// <summary>The distribution an image's <c>/etc/os-release</c> names (<c>ID</c>, <c>VERSION_ID</c>, <c>ID_LIKE</c>).</summary>
public sealed record OsRelease(string Id, string? VersionId, IReadOnlyList<string> IdLike, string? PrettyName)
{
    /// <summary>Parses os-release's shell-like KEY=value lines; quotes removed, unknown keys ignored.</summary>
    public static OsRelease? Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (line.StartsWith('#') || equals <= 0)
            {
                continue;
            }

            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal);
            }

            values[line[..equals]] = value;
        }

        return values.TryGetValue("ID", out var id) && id.Length > 0
            ? new OsRelease(
                id.ToLowerInvariant(),
                values.GetValueOrDefault("VERSION_ID"),
                values.TryGetValue("ID_LIKE", out var like) ? like.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [],
                values.GetValueOrDefault("PRETTY_NAME"))
            : null;
    }
}
