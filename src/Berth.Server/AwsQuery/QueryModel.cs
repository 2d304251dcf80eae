using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using Berth.Core.Iam;

namespace Berth.Server.AwsQuery;

/// <summary>
/// A botocore service model of a Query-protocol service (iam/2010-05-08, sts/2011-06-15; Apache-2.0, embedded). It
/// reads a request's form parameters into the operation's input shape (<c>Name</c>, <c>List.member.N</c>,
/// <c>Struct.Member</c>), validating types, required members, lengths, ranges, enums and patterns with the service's
/// ValidationError wording, and writes output values as XML in the model's member order (<see cref="QueryXmlWriter"/>).
/// </summary>
internal sealed class QueryModel
{
    private readonly JsonDocument _model;
    private readonly Dictionary<string, Regex> _patterns = new(StringComparer.Ordinal);

    private QueryModel(JsonDocument model)
    {
        _model = model;
        Shapes = model.RootElement.GetProperty("shapes");
        var metadata = model.RootElement.GetProperty("metadata");
        ApiVersion = metadata.GetProperty("apiVersion").GetString()!;
        XmlNamespace = metadata.GetProperty("xmlNamespace").GetString()!;
    }

    public string ApiVersion { get; }

    public string XmlNamespace { get; }

    public JsonElement Shapes { get; }

    public static QueryModel Load(string resource)
    {
        using var stream = typeof(QueryModel).Assembly.GetManifestResourceStream($"Berth.Server.AwsQuery.Model.{resource}.json.gz")
            ?? throw new InvalidOperationException($"The embedded service model {resource} is missing.");
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        return new QueryModel(JsonDocument.Parse(gzip));
    }

    public QueryOperation? FindOperation(string name)
    {
        if (!_model.RootElement.GetProperty("operations").TryGetProperty(name, out var op))
        {
            return null;
        }

        string? input = op.TryGetProperty("input", out var i) ? i.GetProperty("shape").GetString() : null;
        string? output = null, wrapper = null;
        if (op.TryGetProperty("output", out var o))
        {
            output = o.GetProperty("shape").GetString();
            wrapper = o.TryGetProperty("resultWrapper", out var w) ? w.GetString() : null;
        }

        return new QueryOperation(name, input, output, wrapper);
    }

    /// <summary>Reads and validates the input; throws ValidationError listing every violation, as AWS does.</summary>
    public QueryInput ReadInput(QueryOperation operation, IReadOnlyDictionary<string, string> form)
    {
        if (operation.InputShape is null)
        {
            return QueryInput.Empty;
        }

        var errors = new List<string>();
        var members = ReadStructure(Shapes.GetProperty(operation.InputShape), form, string.Empty, string.Empty, errors);
        if (errors.Count > 0)
        {
            var count = errors.Count == 1 ? "1 validation error detected: " : $"{errors.Count} validation errors detected: ";
            throw IamException.Validation(count + string.Join("; ", errors));
        }

        return new QueryInput(members);
    }

    private Dictionary<string, object> ReadStructure(JsonElement shape, IReadOnlyDictionary<string, string> form, string prefix, string path, List<string> errors)
    {
        var result = new Dictionary<string, object>(StringComparer.Ordinal);
        var required = shape.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()!).ToHashSet() : [];
        foreach (var member in shape.GetProperty("members").EnumerateObject())
        {
            var memberPath = path + char.ToLowerInvariant(member.Name[0]) + member.Name[1..];
            var value = ReadValue(member.Value.GetProperty("shape").GetString()!, form, prefix + member.Name, memberPath, errors);
            if (value is not null)
            {
                result[member.Name] = value;
            }
            else if (required.Contains(member.Name))
            {
                errors.Add($"Value null at '{memberPath}' failed to satisfy constraint: Member must not be null");
            }
        }

        return result;
    }

    private object? ReadValue(string shapeName, IReadOnlyDictionary<string, string> form, string key, string path, List<string> errors)
    {
        var shape = Shapes.GetProperty(shapeName);
        switch (shape.GetProperty("type").GetString())
        {
            case "structure":
                return form.Keys.Any(k => k.StartsWith(key + ".", StringComparison.Ordinal))
                    ? new QueryInput(ReadStructure(shape, form, key + ".", path + ".", errors))
                    : null;
            case "list":
                var items = new List<object>();
                var memberShape = shape.GetProperty("member").GetProperty("shape").GetString()!;
                for (var n = 1; ; n++)
                {
                    var itemKey = string.Create(CultureInfo.InvariantCulture, $"{key}.member.{n}");
                    var item = ReadValue(memberShape, form, itemKey, string.Create(CultureInfo.InvariantCulture, $"{path}.{n}.member"), errors);
                    if (item is null)
                    {
                        break;
                    }

                    items.Add(item);
                }

                if (items.Count == 0 && !form.ContainsKey(key))
                {
                    return null;
                }

                CheckBounds(shape, items.Count, $"[{items.Count} items]", path, "length", errors);
                return items;
            default:
                if (!form.TryGetValue(key, out var text))
                {
                    return null;
                }

                CheckScalar(shape, text, path, errors);
                return text;
        }
    }

    private void CheckScalar(JsonElement shape, string text, string path, List<string> errors)
    {
        switch (shape.GetProperty("type").GetString())
        {
            case "integer" or "long":
                if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) || number is < int.MinValue or > int.MaxValue)
                {
                    errors.Add($"Value '{text}' at '{path}' failed to satisfy constraint: Member must be a number");
                    return;
                }

                CheckBounds(shape, number, text, path, "value", errors);
                return;
            case "boolean":
                if (!text.Equals("true", StringComparison.OrdinalIgnoreCase) && !text.Equals("false", StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add($"Value '{text}' at '{path}' failed to satisfy constraint: Member must be a boolean");
                }

                return;
            case "string":
                CheckBounds(shape, text.Length, text, path, "length", errors);
                if (shape.TryGetProperty("enum", out var values) && !values.EnumerateArray().Any(v => v.GetString() == text))
                {
                    errors.Add($"Value '{text}' at '{path}' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", values.EnumerateArray().Select(v => v.GetString()))}]");
                }

                if (shape.TryGetProperty("pattern", out var pattern) && !FullMatch(Pattern(pattern.GetString()!), text))
                {
                    errors.Add($"Value '{text}' at '{path}' failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern.GetString()}");
                }

                return;
        }
    }

    private static void CheckBounds(JsonElement shape, long measure, string shown, string path, string what, List<string> errors)
    {
        if (shape.TryGetProperty("min", out var min) && measure < min.GetInt64())
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"Value '{shown}' at '{path}' failed to satisfy constraint: Member must have {what} greater than or equal to {min.GetInt64()}"));
        }

        if (shape.TryGetProperty("max", out var max) && measure > max.GetInt64())
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"Value '{shown}' at '{path}' failed to satisfy constraint: Member must have {what} less than or equal to {max.GetInt64()}"));
        }
    }

    // "$" also matches before a final newline: the whole text must be the match.
    private static bool FullMatch(Regex regex, string text) => regex.Match(text) is { Success: true } match && match.Length == text.Length;

    private Regex Pattern(string pattern)
    {
        lock (_patterns)
        {
            if (!_patterns.TryGetValue(pattern, out var regex))
            {
                // The models' patterns are Java regular expressions, whose \w is ASCII: ECMAScript semantics match that.
                regex = new Regex($"^(?:{pattern})$", RegexOptions.ECMAScript, TimeSpan.FromSeconds(1));
                _patterns[pattern] = regex;
            }

            return regex;
        }
    }
}
