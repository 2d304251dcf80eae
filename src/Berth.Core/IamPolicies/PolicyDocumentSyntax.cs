using System.Text.Json;
using Berth.Core.Content;

namespace Berth.Core.IamPolicies;

/// <summary>
/// The first pass over a policy: JSON shapes and element names only. Any failure here is IAM's
/// "Syntax errors in policy.", whatever else is wrong with the document.
/// </summary>
internal static class PolicyDocumentSyntax
{
    private static readonly HashSet<string> StatementElements = new(StringComparer.Ordinal)
    {
        "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition",
    };

    private static readonly HashSet<string> PrincipalTypes = new(StringComparer.Ordinal) { "AWS", "Service", "Federated", "CanonicalUser" };

    public static (string? Version, string? Id, List<RawStatement> Statements) Read(string json)
    {
        try
        {
            using var document = WellFormedJson.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            var root = document.RootElement;
            Require(root.ValueKind == JsonValueKind.Object);
            string? version = null;
            string? id = null;
            List<RawStatement>? statements = null;
            foreach (var property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "Version":
                        version = RequireString(property.Value);
                        Require(version is PolicyDocument.CurrentVersion or PolicyDocument.LegacyVersion);
                        break;
                    case "Id":
                        id = RequireString(property.Value);
                        break;
                    case "Statement":
                        statements = ReadStatements(property.Value);
                        break;
                    default:
                        throw Syntax();
                }
            }

            Require(statements is not null);
            return (version, id, statements!);
        }
        catch (JsonException)
        {
            throw Syntax();
        }
    }

    private static List<RawStatement> ReadStatements(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            return [ReadStatement(element)];
        }

        Require(element.ValueKind == JsonValueKind.Array && element.GetArrayLength() > 0);
        return [.. element.EnumerateArray().Select(ReadStatement)];
    }

    private static RawStatement ReadStatement(JsonElement element)
    {
        Require(element.ValueKind == JsonValueKind.Object);
        var statement = new RawStatement();
        var effectSeen = false;
        foreach (var property in element.EnumerateObject())
        {
            Require(StatementElements.Contains(property.Name));
            var value = property.Value;
            switch (property.Name)
            {
                case "Sid":
                    statement.Sid = RequireString(value);
                    break;
                case "Effect":
                    statement.Effect = RequireString(value);
                    Require(statement.Effect.Equals("Allow", StringComparison.OrdinalIgnoreCase)
                        || statement.Effect.Equals("Deny", StringComparison.OrdinalIgnoreCase));
                    effectSeen = true;
                    break;
                case "Action" or "NotAction":
                    Require(statement.Actions is null);
                    statement.Actions = ReadStrings(value);
                    statement.NotAction = property.Name == "NotAction";
                    break;
                case "Resource" or "NotResource":
                    Require(statement.Resources is null);
                    statement.Resources = ReadStrings(value);
                    statement.NotResource = property.Name == "NotResource";
                    break;
                case "Principal" or "NotPrincipal":
                    Require(!statement.HasPrincipal);
                    statement.HasPrincipal = true;
                    statement.NotPrincipal = property.Name == "NotPrincipal";
                    ReadPrincipal(value, statement);
                    break;
                default:
                    ReadConditions(value, statement);
                    break;
            }
        }

        Require(effectSeen);
        return statement;
    }

    private static void ReadPrincipal(JsonElement value, RawStatement statement)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            Require(value.GetString() == "*");
            statement.PrincipalStar = true;
            return;
        }

        Require(value.ValueKind == JsonValueKind.Object);
        foreach (var property in value.EnumerateObject())
        {
            Require(PrincipalTypes.Contains(property.Name));
            statement.Principals.Add(new(property.Name, ReadStrings(property.Value)));
        }

        Require(statement.Principals.Count > 0);
    }

    private static void ReadConditions(JsonElement value, RawStatement statement)
    {
        Require(value.ValueKind == JsonValueKind.Object);
        foreach (var block in value.EnumerateObject())
        {
            Require(block.Value.ValueKind == JsonValueKind.Object);
            var known = ConditionOperator.TryParse(block.Name, out var parsed);
            foreach (var entry in block.Value.EnumerateObject())
            {
                Require(known);
                var values = ReadConditionValues(entry.Value);

                // IAM refuses an address or CIDR block that is none (999.1.1.1/99) when the policy is put; such a value
                // would otherwise never match, silently. IAM's wording for it is not documented: the generic syntax
                // text of MalformedPolicyDocument is answered.
                Require(parsed!.PositiveKind != ConditionOperatorKind.IpAddress || values.All(v => IpRange.TryParse(v) is not null));
                statement.Conditions.Add((parsed!, entry.Name, values));
            }
        }
    }

    private static List<string> ReadConditionValues(JsonElement value) => value.ValueKind == JsonValueKind.Array
        ? [.. value.EnumerateArray().Select(ConditionValue)]
        : [ConditionValue(value)];

    private static string ConditionValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => throw Syntax(),
    };

    private static List<string> ReadStrings(JsonElement value) => value.ValueKind == JsonValueKind.Array
        ? [.. value.EnumerateArray().Select(RequireString)]
        : [RequireString(value)];

    private static string RequireString(JsonElement value)
    {
        Require(value.ValueKind == JsonValueKind.String);
        return value.GetString()!;
    }

    private static void Require(bool condition)
    {
        if (!condition)
        {
            throw Syntax();
        }
    }

    private static MalformedPolicyDocumentException Syntax() => new(PolicyErrors.SyntaxErrors);
}
