using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Berth.Core.Content;

/// <summary>
/// Parses JSON whose every string and property name is well-formed Unicode. <see cref="JsonDocument"/> accepts invalid
/// UTF-8 inside a string and an escaped lone surrogate (<c>"\ud800"</c>) while parsing, and only throws
/// <see cref="InvalidOperationException"/> when such a string is read, which reached the edge as a 500. RFC 8259 §8.1
/// requires UTF-8; here such a document fails to parse with a <see cref="JsonException"/>, which every caller already
/// turns into its face's "malformed" error.
/// </summary>
public static class WellFormedJson
{
    /// <summary>Parses UTF-8 JSON; throws <see cref="JsonException"/> when it is malformed or holds ill-formed text.</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8Json, JsonDocumentOptions options = default)
    {
        Verify(utf8Json.Span, options);
        return JsonDocument.Parse(utf8Json, options);
    }

    /// <summary>Parses JSON text; throws <see cref="JsonException"/> when it is malformed or holds ill-formed text.</summary>
    public static JsonDocument Parse(string json, JsonDocumentOptions options = default)
    {
        for (var i = 0; i < json.Length; i++)
        {
            if (char.IsHighSurrogate(json[i]) && i + 1 < json.Length && char.IsLowSurrogate(json[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(json[i]))
            {
                throw new JsonException($"The JSON text holds a lone surrogate at index {i}.");
            }
        }

        return Parse(Encoding.UTF8.GetBytes(json), options);
    }

    private static void Verify(ReadOnlySpan<byte> utf8Json, JsonDocumentOptions options)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions
        {
            AllowTrailingCommas = options.AllowTrailingCommas,
            CommentHandling = options.CommentHandling,
            MaxDepth = options.MaxDepth,
        });
        while (reader.Read())
        {
            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
            {
                continue;
            }

            if (!reader.ValueIsEscaped)
            {
                if (!Utf8.IsValid(reader.ValueSpan))
                {
                    throw new JsonException($"Invalid UTF-8 in a JSON string at byte {reader.TokenStartIndex}.");
                }

                continue;
            }

            try
            {
                // Unescaping is the only check of "\uD800"-style escapes; the text itself is discarded.
                _ = reader.GetString();
            }
            catch (InvalidOperationException e)
            {
                throw new JsonException($"Ill-formed text in a JSON string at byte {reader.TokenStartIndex}.", e);
            }
        }
    }
}
