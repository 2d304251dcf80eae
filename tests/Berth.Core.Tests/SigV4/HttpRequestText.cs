using System.Security.Cryptography;
using System.Text;
using Berth.Core.SigV4;

namespace Berth.Core.Tests.SigV4;

/// <summary>
/// Reads a raw HTTP/1.1 request as the test suite writes it (request line, headers, blank line, body) into a
/// <see cref="SigV4Request"/>, the way the server will build one: the target as sent, headers as received.
/// A line that starts with whitespace continues the previous header (obsolete line folding).
/// </summary>
internal static class HttpRequestText
{
    public static SigV4Request Parse(string text, CanonicalPathStyle style)
    {
        var headerEnd = text.IndexOf("\n\n", StringComparison.Ordinal);
        var head = headerEnd < 0 ? text : text[..headerEnd];
        var body = headerEnd < 0 ? string.Empty : text[(headerEnd + 2)..];
        var lines = head.Split('\n');

        var requestLine = lines[0];
        var method = requestLine[..requestLine.IndexOf(' ', StringComparison.Ordinal)];
        var target = requestLine[(method.Length + 1)..requestLine.LastIndexOf(" HTTP/", StringComparison.Ordinal)];
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? target : target[..question];
        var query = question < 0 ? string.Empty : target[(question + 1)..];

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            if (line.Length > 0 && char.IsWhiteSpace(line[0]))
            {
                var last = headers[^1];
                headers[^1] = new(last.Key, last.Value + "\n" + line);
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.Add(new(line[..colon], line[(colon + 1)..]));
        }

        return Build(method, path, query, headers, Encoding.UTF8.GetBytes(body), style);
    }

    public static SigV4Request Build(
        string method,
        string path,
        string query,
        IEnumerable<KeyValuePair<string, string>> headers,
        byte[] body,
        CanonicalPathStyle style)
    {
        var grouped = headers
            .GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(h => h.Value).ToList(),
                StringComparer.OrdinalIgnoreCase);
        return new SigV4Request(method, path, query, grouped, Convert.ToHexStringLower(SHA256.HashData(body)), style);
    }
}
