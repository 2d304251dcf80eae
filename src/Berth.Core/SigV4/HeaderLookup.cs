namespace Berth.Core.SigV4;

/// <summary>The request's headers by case-insensitive name, values of repeated names kept in the order received.</summary>
internal sealed class HeaderLookup
{
    private readonly Dictionary<string, List<string>> _headers = new(StringComparer.OrdinalIgnoreCase);

    public HeaderLookup(IReadOnlyDictionary<string, IReadOnlyList<string>> headers)
    {
        foreach (var (name, values) in headers)
        {
            if (!_headers.TryGetValue(name, out var list))
            {
                list = [];
                _headers.Add(name, list);
            }

            list.AddRange(values);
        }
    }

    public IReadOnlyList<string> Values(string name) =>
        _headers.TryGetValue(name, out var values) ? values : [];

    /// <summary>The first value of <paramref name="name"/>, or null when the request has none.</summary>
    public string? First(string name) => Values(name) is [var first, ..] ? first : null;
}
