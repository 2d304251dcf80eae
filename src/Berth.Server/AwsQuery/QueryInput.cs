using System.Globalization;

namespace Berth.Server.AwsQuery;

/// <summary>
/// A request's parameters after model validation, as a tree: scalars are strings, lists are <see cref="List{T}"/>,
/// structures are nested <see cref="QueryInput"/>s. Member names are the model's (UserName, Tags, …).
/// </summary>
internal sealed class QueryInput(Dictionary<string, object> members)
{
    public static readonly QueryInput Empty = new([]);

    public string? String(string name) => members.GetValueOrDefault(name) as string;

    public int? Int(string name) => String(name) is { } text ? int.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : null;

    public bool? Bool(string name) => String(name) is { } text ? string.Equals(text, "true", StringComparison.OrdinalIgnoreCase) : null;

    public IReadOnlyList<object> List(string name) => members.GetValueOrDefault(name) as List<object> ?? [];

    public string Required(string name) => String(name) ?? throw new InvalidOperationException($"The model requires {name}.");
}
