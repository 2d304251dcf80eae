using System.Globalization;
using System.Text;
using System.Text.Json;
using Berth.Core.Content;
using Berth.Core.Errors;
using Berth.Core.IamPolicies;

namespace Berth.Core.Repositories;

/// <summary>
/// What ECR accepts as a repository policy and how it gives one back. A repository policy applies to its repository
/// only, so ECR refuses a statement with a <c>Resource</c> (or <c>NotResource</c>) element and actions of other
/// services. GetRepositoryPolicy (and Set/Delete) answer the text re-serialized with Jackson's default pretty printer,
/// as the AWS CLI examples of get-repository-policy and set-repository-policy show:
/// <c>{\n  "Version" : "2008-10-17",\n  "Statement" : [ {\n    "Sid" : …\n  } ]\n}</c>.
/// </summary>
public static class RepositoryPolicyText
{
    /// <summary>ECR's refusal of any policy it does not accept.</summary>
    public const string InvalidMessage = "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'";

    /// <summary>Throws ECR's InvalidParameterException unless <paramref name="policyText"/> is a repository policy ECR accepts.</summary>
    public static void Validate(string policyText)
    {
        try
        {
            _ = PolicyDocument.Parse(policyText, PolicyDocumentKind.Resource);
            using var document = WellFormedJson.Parse(policyText);
            var statements = document.RootElement.GetProperty("Statement");
            foreach (var statement in statements.ValueKind == JsonValueKind.Array ? statements.EnumerateArray().ToArray() : [statements])
            {
                if (statement.TryGetProperty("Resource", out _) || statement.TryGetProperty("NotResource", out _) ||
                    !ActionsAreEcrs(statement, "Action") || !ActionsAreEcrs(statement, "NotAction"))
                {
                    throw Invalid();
                }
            }
        }
        catch (Exception e) when (e is MalformedPolicyDocumentException or JsonException or KeyNotFoundException)
        {
            throw Invalid();
        }
    }

    /// <summary>The policy as ECR gives it back: Jackson's default pretty printing of the same JSON, members in their order.</summary>
    public static string Normalize(string policyText)
    {
        using var document = WellFormedJson.Parse(policyText);
        var text = new StringBuilder();
        Write(text, document.RootElement, 0);
        return text.ToString();
    }

    private static bool ActionsAreEcrs(JsonElement statement, string element)
    {
        if (!statement.TryGetProperty(element, out var actions))
        {
            return true;
        }

        var values = actions.ValueKind == JsonValueKind.Array ? actions.EnumerateArray().Select(a => a.GetString()) : [actions.GetString()];
        return values.All(a => a is "*" || (a is not null && a.StartsWith("ecr:", StringComparison.OrdinalIgnoreCase)));
    }

    private static RegistryException Invalid() => new(EcrErrors.InvalidParameter, InvalidMessage);

    // Jackson's DefaultPrettyPrinter: object members on their own lines, two spaces per object level, " : " between
    // name and value; arrays on one line ("[ a, b ]") without a level of their own; empty ones "{ }" and "[ ]".
    private static void Write(StringBuilder text, JsonElement element, int level)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var members = element.EnumerateObject().ToList();
                if (members.Count == 0)
                {
                    text.Append("{ }");
                    return;
                }

                text.Append('{');
                for (var i = 0; i < members.Count; i++)
                {
                    text.Append(i == 0 ? "\n" : ",\n").Append(' ', 2 * (level + 1));
                    WriteString(text, members[i].Name);
                    text.Append(" : ");
                    Write(text, members[i].Value, level + 1);
                }

                text.Append('\n').Append(' ', 2 * level).Append('}');
                return;
            case JsonValueKind.Array:
                var items = element.EnumerateArray().ToList();
                if (items.Count == 0)
                {
                    text.Append("[ ]");
                    return;
                }

                text.Append("[ ");
                for (var i = 0; i < items.Count; i++)
                {
                    text.Append(i == 0 ? string.Empty : ", ");
                    Write(text, items[i], level);
                }

                text.Append(" ]");
                return;
            case JsonValueKind.String:
                WriteString(text, element.GetString()!);
                return;
            default:
                text.Append(element.GetRawText());
                return;
        }
    }

    // Jackson escapes the quote, the backslash and control characters (\b \t \n \f \r by name, others as \u00XX).
    private static void WriteString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => text.Append("\\\""),
                '\\' => text.Append("\\\\"),
                '\b' => text.Append("\\b"),
                '\t' => text.Append("\\t"),
                '\n' => text.Append("\\n"),
                '\f' => text.Append("\\f"),
                '\r' => text.Append("\\r"),
                < ' ' => text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)),
                _ => text.Append(c),
            };
        }

        text.Append('"');
    }
}
