using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Berth.Core.Naming;

/// <summary>
/// A repository name per the OCI distribution-spec grammar
/// (<c>[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*</c>), 2 to 256 characters as in ECR.
/// </summary>
public sealed partial record RepositoryName
{
    public const int MinLength = 2;
    public const int MaxLength = 256;

    private RepositoryName(string value) => Value = value;

    public string Value { get; }

    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out RepositoryName? name)
    {
        name = null;
        if (value is null || value.Length is < MinLength or > MaxLength || !Grammar().IsMatch(value))
        {
            return false;
        }

        name = new RepositoryName(value);
        return true;
    }

    public static RepositoryName Parse(string value) =>
        TryParse(value, out var name) ? name : throw new FormatException($"'{value}' is not a valid repository name");

    public override string ToString() => Value;

    [GeneratedRegex(@"^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Grammar();
}
