using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using Berth.Core.Errors;

namespace Berth.Server.EcrApi;

/// <summary>
/// The botocore service model of ECR (ecr/2015-09-21, Apache-2.0, embedded), used to validate every request the way
/// the service does: required members, types, lengths, ranges, patterns and enums of each input shape. ECR Public's
/// model (ecr-public/2020-10-30) is loaded the same way (<see cref="Load(string)"/>).
/// </summary>
internal sealed class EcrModel
{
    public const string TargetPrefix = "AmazonEC2ContainerRegistry_V20150921.";
    private readonly JsonDocument _model;
    private readonly JsonElement _shapes;
    private readonly Dictionary<string, Regex> _patterns = new(StringComparer.Ordinal);

    private EcrModel(JsonDocument model)
    {
        _model = model;
        _shapes = model.RootElement.GetProperty("shapes");
    }

    public static EcrModel Load() => Load("Berth.Server.EcrApi.Model.ecr-2015-09-21.json.gz");

    /// <summary>Another AWS JSON service model embedded the same way (ECR Public's), validated by the same rules.</summary>
    public static EcrModel Load(string resourceName)
    {
        using var stream = typeof(EcrModel).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"The embedded service model {resourceName} is missing.");
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        return new EcrModel(JsonDocument.Parse(gzip));
    }

    /// <summary>The input shape of an operation, or null when the model has no such operation.</summary>
    public string? InputShape(string operation) =>
        _model.RootElement.GetProperty("operations").TryGetProperty(operation, out var op) && op.TryGetProperty("input", out var input)
            ? input.GetProperty("shape").GetString()
            : null;

    /// <summary>Validates <paramref name="input"/> against the operation's input shape; throws the service's exception.</summary>
    public void Validate(string shape, JsonElement input) => ValidateShape(shape, input, string.Empty);

    private void ValidateShape(string shapeName, JsonElement value, string path)
    {
        var shape = _shapes.GetProperty(shapeName);
        var type = shape.GetProperty("type").GetString();
        switch (type)
        {
            case "structure":
                Expect(value, JsonValueKind.Object, path, "structure");
                ValidateStructure(shape, value, path);
                break;
            case "string":
                Expect(value, JsonValueKind.String, path, "string");
                ValidateString(shape, value.GetString()!, path);
                break;
            case "integer" or "long":
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
                {
                    throw Serialization(path, type);
                }

                ValidateRange(shape, number, path);
                break;
            case "boolean":
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    throw Serialization(path, type);
                }

                break;
            case "timestamp":
                if (value.ValueKind is not (JsonValueKind.Number or JsonValueKind.String))
                {
                    throw Serialization(path, type);
                }

                break;
            case "blob":
                Expect(value, JsonValueKind.String, path, "blob");
                break;
            case "list":
                Expect(value, JsonValueKind.Array, path, "list");
                ValidateCount(shape, value.GetArrayLength(), path);
                var memberShape = shape.GetProperty("member").GetProperty("shape").GetString()!;
                var index = 1;
                foreach (var item in value.EnumerateArray())
                {
                    ValidateShape(memberShape, item, $"{path}.{index++}.member");
                }

                break;
            case "map":
                Expect(value, JsonValueKind.Object, path, "map");
                var valueShape = shape.GetProperty("value").GetProperty("shape").GetString()!;
                foreach (var entry in value.EnumerateObject())
                {
                    ValidateShape(valueShape, entry.Value, $"{path}.{entry.Name}");
                }

                break;
        }
    }

    private void ValidateStructure(JsonElement shape, JsonElement value, string path)
    {
        var members = shape.GetProperty("members");
        if (shape.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
            {
                if (!value.TryGetProperty(name, out var member) || member.ValueKind == JsonValueKind.Null)
                {
                    throw Invalid(Join(path, name), "Member must not be null");
                }
            }
        }

        foreach (var property in value.EnumerateObject())
        {
            // Unknown members are ignored, as AWS's JSON protocol does; null means absent.
            if (property.Value.ValueKind != JsonValueKind.Null && members.TryGetProperty(property.Name, out var member))
            {
                ValidateShape(member.GetProperty("shape").GetString()!, property.Value, Join(path, property.Name));
            }
        }
    }

    private void ValidateString(JsonElement shape, string text, string path)
    {
        ValidateLength(shape, text.Length, path);
        if (shape.TryGetProperty("enum", out var values) && !values.EnumerateArray().Any(v => v.GetString() == text))
        {
            throw Invalid(path, $"Member must satisfy enum value set: [{string.Join(", ", values.EnumerateArray().Select(v => v.GetString()))}]");
        }

        if (shape.TryGetProperty("pattern", out var patternElement))
        {
            var pattern = patternElement.GetString()!;
            if (!_patterns.TryGetValue(pattern, out var regex))
            {
                regex = new Regex($@"^(?:{pattern})\z", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
                lock (_patterns)
                {
                    _patterns[pattern] = regex;
                }
            }

            if (!regex.IsMatch(text))
            {
                throw Invalid(path, $"must satisfy regular expression '{pattern}'");
            }
        }
    }

    private static void ValidateLength(JsonElement shape, long length, string path)
    {
        if (shape.TryGetProperty("min", out var min) && length < min.GetInt64())
        {
            throw Invalid(path, string.Create(CultureInfo.InvariantCulture, $"Member must have length greater than or equal to {min.GetInt64()}"));
        }

        if (shape.TryGetProperty("max", out var max) && length > max.GetInt64())
        {
            throw Invalid(path, string.Create(CultureInfo.InvariantCulture, $"Member must have length less than or equal to {max.GetInt64()}"));
        }
    }

    private static void ValidateCount(JsonElement shape, long count, string path) => ValidateLength(shape, count, path);

    private static void ValidateRange(JsonElement shape, long number, string path)
    {
        if (shape.TryGetProperty("min", out var min) && number < min.GetInt64())
        {
            throw Invalid(path, string.Create(CultureInfo.InvariantCulture, $"Member must have value greater than or equal to {min.GetInt64()}"));
        }

        if (shape.TryGetProperty("max", out var max) && number > max.GetInt64())
        {
            throw Invalid(path, string.Create(CultureInfo.InvariantCulture, $"Member must have value less than or equal to {max.GetInt64()}"));
        }
    }

    private static void Expect(JsonElement value, JsonValueKind kind, string path, string type)
    {
        if (value.ValueKind != kind)
        {
            throw Serialization(path, type);
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    /// <summary>ECR's wording: "Invalid parameter at 'repositoryName' failed to satisfy constraint: '…'".</summary>
    private static RegistryException Invalid(string path, string constraint) =>
        new(EcrErrors.InvalidParameter, $"Invalid parameter at '{path}' failed to satisfy constraint: '{constraint}'");

    private static RegistryException Serialization(string path, string? type) =>
        new(EcrApiErrors.Serialization, $"Unexpected value type at '{path}': expected {type}");
}
