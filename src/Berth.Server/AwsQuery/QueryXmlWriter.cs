using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Xml;

namespace Berth.Server.AwsQuery;

/// <summary>
/// Writes an operation's output as the Query protocol does: <c>&lt;OpResponse xmlns=…&gt;&lt;OpResult&gt;…&lt;/OpResult&gt;
/// &lt;ResponseMetadata&gt;&lt;RequestId/&gt;&lt;/ResponseMetadata&gt;&lt;/OpResponse&gt;</c>. Values are walked along the
/// output shape in the model's member order: structures are dictionaries, lists are sequences (each item in a
/// <c>member</c> element), timestamps ISO 8601 in UTC, booleans lower case, and policy documents URL-encoded as IAM
/// returns them.
/// </summary>
internal static class QueryXmlWriter
{
    public static byte[] Write(QueryModel model, QueryOperation operation, IReadOnlyDictionary<string, object?>? output, string requestId)
    {
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new System.Text.UTF8Encoding(false), Async = false }))
        {
            xml.WriteStartElement(operation.Name + "Response", model.XmlNamespace);
            if (operation.ResultWrapper is not null && operation.OutputShape is not null)
            {
                xml.WriteStartElement(operation.ResultWrapper);
                WriteMembers(xml, model, model.Shapes.GetProperty(operation.OutputShape), output ?? new Dictionary<string, object?>());
                xml.WriteEndElement();
            }

            xml.WriteStartElement("ResponseMetadata");
            xml.WriteElementString("RequestId", requestId);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        return buffer.ToArray();
    }

    private static void WriteMembers(XmlWriter xml, QueryModel model, JsonElement shape, IReadOnlyDictionary<string, object?> values)
    {
        foreach (var member in shape.GetProperty("members").EnumerateObject())
        {
            if (values.TryGetValue(member.Name, out var value) && value is not null)
            {
                var name = member.Value.TryGetProperty("locationName", out var location) ? location.GetString()! : member.Name;
                WriteValue(xml, model, member.Value.GetProperty("shape").GetString()!, name, value);
            }
        }
    }

    private static void WriteValue(XmlWriter xml, QueryModel model, string shapeName, string element, object value)
    {
        var shape = model.Shapes.GetProperty(shapeName);
        xml.WriteStartElement(element);
        switch (shape.GetProperty("type").GetString())
        {
            case "structure":
                WriteMembers(xml, model, shape, (IReadOnlyDictionary<string, object?>)value);
                break;
            case "list":
                var member = shape.GetProperty("member");
                var itemName = member.TryGetProperty("locationName", out var location) ? location.GetString()! : "member";
                foreach (var item in (IEnumerable)value)
                {
                    WriteValue(xml, model, member.GetProperty("shape").GetString()!, itemName, item);
                }

                break;
            case "timestamp":
                xml.WriteString(((DateTimeOffset)value).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                break;
            case "boolean":
                xml.WriteString((bool)value ? "true" : "false");
                break;
            case "integer" or "long":
                xml.WriteString(Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                break;
            default:
                var text = (string)value;
                xml.WriteString(shapeName == "policyDocumentType" ? Uri.EscapeDataString(text) : text);
                break;
        }

        xml.WriteEndElement();
    }
}
