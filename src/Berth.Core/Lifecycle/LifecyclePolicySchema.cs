using System.Globalization;
using System.Text.Json;

namespace Berth.Core.Lifecycle;

/// <summary>
/// The JSON schema half of lifecycle policy validation: member names, required members, types, enums and minimums,
/// with the json-schema-validator wording ECR answers ("object has missing required properties ([\"countNumber\"])").
/// </summary>
internal static class LifecyclePolicySchema
{
    private static readonly string[] RuleMembers = ["rulePriority", "description", "selection", "action"];
    private static readonly string[] SelectionMembers = ["tagStatus", "tagPrefixList", "tagPatternList", "storageClass", "countType", "countUnit", "countNumber"];
    private static readonly string[] ActionMembers = ["type", "targetStorageClass"];

    public static LifecycleRule ReadRule(JsonElement rule)
    {
        CheckType(rule, JsonValueKind.Object);
        CheckObject(rule, RuleMembers, ["rulePriority", "selection", "action"]);
        var priority = Integer(rule.GetProperty("rulePriority"));
        string? description = null;
        if (rule.TryGetProperty("description", out var text))
        {
            CheckType(text, JsonValueKind.String);
            description = text.GetString();
        }

        var selection = rule.GetProperty("selection");
        CheckType(selection, JsonValueKind.Object);
        CheckObject(selection, SelectionMembers, ["tagStatus", "countType", "countNumber"]);
        var tagStatus = Enum(selection.GetProperty("tagStatus"), ["tagged", "untagged", "any"]);
        var countType = Enum(selection.GetProperty("countType"), ["imageCountMoreThan", "sinceImagePushed", "sinceImagePulled", "sinceImageTransitioned"]);
        var countNumber = Integer(selection.GetProperty("countNumber"));
        string? countUnit = selection.TryGetProperty("countUnit", out var unit) ? Enum(unit, ["days"]) : null;
        var storageClass = selection.TryGetProperty("storageClass", out var storage) ? Enum(storage, ["standard", "archive"]) : "standard";
        var prefixes = StringList(selection, "tagPrefixList");
        var patterns = StringList(selection, "tagPatternList");

        var action = rule.GetProperty("action");
        CheckType(action, JsonValueKind.Object);
        CheckObject(action, ActionMembers, ["type"]);
        var type = Enum(action.GetProperty("type"), ["expire", "transition"]);
        string? target = action.TryGetProperty("targetStorageClass", out var targetElement) ? Enum(targetElement, ["archive"]) : null;

        var parsed = new LifecycleRule(
            priority,
            description,
            new LifecycleSelection(
                tagStatus switch { "tagged" => LifecycleTagStatus.Tagged, "untagged" => LifecycleTagStatus.Untagged, _ => LifecycleTagStatus.Any },
                prefixes ?? [],
                patterns ?? [],
                storageClass == "archive" ? ImageStorageClass.Archive : ImageStorageClass.Standard,
                countType switch
                {
                    "imageCountMoreThan" => LifecycleCountType.ImageCountMoreThan,
                    "sinceImagePushed" => LifecycleCountType.SinceImagePushed,
                    "sinceImagePulled" => LifecycleCountType.SinceImagePulled,
                    _ => LifecycleCountType.SinceImageTransitioned,
                },
                countNumber),
            type == "expire" ? LifecycleActionType.Expire : LifecycleActionType.Transition);
        LifecyclePolicyRules.CheckRule(parsed, prefixes is not null, patterns is not null, countUnit is not null, target is not null);
        return parsed;
    }

    public static void CheckObject(JsonElement element, string[] allowed, string[] required)
    {
        var unknown = element.EnumerateObject().Select(p => p.Name).Where(n => !allowed.Contains(n, StringComparer.Ordinal)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw LifecyclePolicy.Invalid($"object instance has properties which are not allowed by the schema: {Names(unknown)}");
        }

        var missing = required.Where(n => !element.TryGetProperty(n, out _)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            throw LifecyclePolicy.Invalid($"object has missing required properties ({Names(missing)})");
        }
    }

    public static void CheckType(JsonElement element, JsonValueKind kind)
    {
        if (element.ValueKind != kind)
        {
            throw LifecyclePolicy.Invalid($"instance type ({TypeName(element)}) does not match any allowed primitive type (allowed: [\"{TypeName(kind)}\"])");
        }
    }

    private static int Integer(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var value))
        {
            throw LifecyclePolicy.Invalid($"instance type ({TypeName(element)}) does not match any allowed primitive type (allowed: [\"integer\"])");
        }

        if (value < 1)
        {
            throw LifecyclePolicy.Invalid(string.Create(CultureInfo.InvariantCulture, $"numeric instance is lower than the required minimum (minimum: 1, found: {value})"));
        }

        if (value > int.MaxValue)
        {
            throw LifecyclePolicy.Invalid(string.Create(CultureInfo.InvariantCulture, $"numeric instance is greater than the required maximum (maximum: {int.MaxValue}, found: {value})"));
        }

        return (int)value;
    }

    private static string Enum(JsonElement element, string[] values)
    {
        CheckType(element, JsonValueKind.String);
        var value = element.GetString()!;
        return values.Contains(value, StringComparer.Ordinal)
            ? value
            : throw LifecyclePolicy.Invalid($"instance value ({JsonSerializer.Serialize(value)}) not found in enum (possible values: {Names(values)})");
    }

    private static List<string>? StringList(JsonElement selection, string name)
    {
        if (!selection.TryGetProperty(name, out var list))
        {
            return null;
        }

        CheckType(list, JsonValueKind.Array);
        if (list.GetArrayLength() == 0)
        {
            throw LifecyclePolicy.Invalid("array is too short: must have at least 1 elements but instance has 0 elements");
        }

        var values = new List<string>();
        foreach (var item in list.EnumerateArray())
        {
            CheckType(item, JsonValueKind.String);
            var value = item.GetString()!;
            if (value.Length == 0)
            {
                throw LifecyclePolicy.Invalid("string \"\" is too short (length: 0, required minimum: 1)");
            }

            values.Add(value);
        }

        return values;
    }

    private static string Names(IEnumerable<string> names) => "[" + string.Join(",", names.Select(n => JsonSerializer.Serialize(n))) + "]";

    private static string TypeName(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => element.TryGetInt64(out _) ? "integer" : "number",
        _ => TypeName(element.ValueKind),
    };

    private static string TypeName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };
}
