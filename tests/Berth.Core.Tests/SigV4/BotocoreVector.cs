using System.Text;
using System.Text.Json;
using Berth.Core.SigV4;

namespace Berth.Core.Tests.SigV4;

/// <summary>
/// One request signed by botocore (Vectors/botocore-vectors.json, produced by generate_botocore_vectors.py): the wire
/// request plus botocore's own canonical request, string to sign and signature.
/// </summary>
internal sealed record BotocoreVector(
    string Name,
    string Service,
    string Region,
    string AccessKeyId,
    string SecretAccessKey,
    string? SessionToken,
    DateTimeOffset Timestamp,
    SigV4Request Request,
    string CanonicalRequest,
    string StringToSign,
    string Signature)
{
    private static readonly Lazy<IReadOnlyDictionary<string, BotocoreVector>> All = new(Load);

    public static IEnumerable<string> Names => All.Value.Keys.Order(StringComparer.Ordinal);

    public static BotocoreVector Get(string name) => All.Value[name];

    public string? FindSecret(string accessKeyId) => accessKeyId == AccessKeyId ? SecretAccessKey : null;

    private static Dictionary<string, BotocoreVector> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "SigV4", "Vectors", "botocore-vectors.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var vectors = new Dictionary<string, BotocoreVector>(StringComparer.Ordinal);
        foreach (var v in document.RootElement.GetProperty("vectors").EnumerateArray())
        {
            var headers = v.GetProperty("headers").EnumerateArray()
                .Select(h => new KeyValuePair<string, string>(h[0].GetString()!, h[1].GetString()!));
            var style = Enum.Parse<CanonicalPathStyle>(v.GetProperty("pathStyle").GetString()!);
            var request = HttpRequestText.Build(v.GetProperty("method").GetString()!, v.GetProperty("path").GetString()!,
                v.GetProperty("query").GetString()!, headers, Encoding.UTF8.GetBytes(v.GetProperty("body").GetString()!),
                style);
            Assert.Equal(v.GetProperty("payloadSha256").GetString(), request.PayloadHash);
            var name = v.GetProperty("name").GetString()!;
            vectors.Add(name, new BotocoreVector(name,
                v.GetProperty("service").GetString()!,
                v.GetProperty("region").GetString()!,
                v.GetProperty("accessKeyId").GetString()!,
                v.GetProperty("secretAccessKey").GetString()!,
                v.GetProperty("sessionToken").GetString(),
                v.GetProperty("timestamp").GetDateTimeOffset(),
                request,
                v.GetProperty("canonicalRequest").GetString()!,
                v.GetProperty("stringToSign").GetString()!,
                v.GetProperty("signature").GetString()!));
        }

        return vectors;
    }
}
