using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Berth.Core.Naming;

/// <summary>A tag: <c>[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}</c> (distribution-spec, "Pulling manifests").</summary>
public sealed partial record Tag
{
    private Tag(string value) => Value = value;

    public string Value { get; }

    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out Tag? tag)
    {
        tag = null;
        if (value is null || !Grammar().IsMatch(value))
        {
            return false;
        }

        tag = new Tag(value);
        return true;
    }

    public static Tag Parse(string value) =>
        TryParse(value, out var tag) ? tag : throw new FormatException($"'{value}' is not a valid tag");

    public override string ToString() => Value;

    [GeneratedRegex("^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Grammar();
}
