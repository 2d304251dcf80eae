using System.Text;
using System.Text.Json;

namespace Berth.Core.PolicySimulation;

/// <summary>
/// Where each statement of a policy's JSON text starts (its <c>{</c>) and ends (its <c>}</c>), in statement order,
/// for the simulator's StartPosition and EndPosition. Read only for a simulation: the evaluator keeps no text.
/// A document whose Statement is one object has one entry. Text that is not JSON yields the statements before the fault.
/// </summary>
public static class StatementPositions
{
    public static IReadOnlyList<(TextPosition Start, TextPosition End)> Find(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
        var found = new List<(long Start, long End)>();
        long start = 0;
        var state = State.Outside;
        while (TryRead(ref reader))
        {
            var depth = reader.CurrentDepth;
            var token = reader.TokenType;
            if (depth == 1 && token == JsonTokenType.PropertyName)
            {
                // A repeated Statement element replaces the earlier one, as in the parser.
                state = reader.ValueTextEquals("Statement") ? State.AwaitingValue : State.Outside;
                if (state == State.AwaitingValue)
                {
                    found.Clear();
                }

                continue;
            }

            switch (state)
            {
                case State.AwaitingValue:
                    state = token switch { JsonTokenType.StartObject => State.InObject, JsonTokenType.StartArray => State.InArray, _ => State.Outside };
                    start = reader.TokenStartIndex;
                    break;
                case State.InObject when depth == 1 && token == JsonTokenType.EndObject:
                    found.Add((start, reader.TokenStartIndex));
                    state = State.Outside;
                    break;
                case State.InArray when depth == 2 && token == JsonTokenType.StartObject:
                    start = reader.TokenStartIndex;
                    break;
                case State.InArray when depth == 2 && token == JsonTokenType.EndObject:
                    found.Add((start, reader.TokenStartIndex));
                    break;
                case State.InArray when depth == 1 && token == JsonTokenType.EndArray:
                    state = State.Outside;
                    break;
            }
        }

        return [.. found.Select(f => (Position(bytes, f.Start), Position(bytes, f.End)))];
    }

    /// <summary>Reads on; false at the end or at text that is not JSON (a document the caller could not parse has no positions past it).</summary>
    private static bool TryRead(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static TextPosition Position(byte[] bytes, long byteOffset)
    {
        var text = Encoding.UTF8.GetString(bytes, 0, (int)byteOffset);
        var line = 1 + text.Count(c => c == '\n');
        var column = text.Length - (text.LastIndexOf('\n') + 1) + 1;
        return new TextPosition(line, column);
    }

    private enum State { Outside, AwaitingValue, InObject, InArray }
}
