using System.Text;
using System.Text.Json;
using Berth.Core.Content;
using Berth.Core.Errors;
using Berth.Core.IamPolicies;
using Berth.Core.Manifests;

namespace Berth.Core.Tests.Content;

/// <summary>Invalid UTF-8 and escaped lone surrogates are malformed JSON, wherever they sit, and never an InvalidOperationException.</summary>
public sealed class WellFormedJsonTests
{
    public static TheoryData<string, byte[]> IllFormed => new()
    {
        { "raw 0xFF in a value", Bytes("{\"a\":\"x", 0xFF, "\"}") },
        { "raw 0xFF in a name", Bytes("{\"", 0xFF, "\":1}") },
        { "UTF-8 encoded surrogate", Bytes("{\"a\":\"", 0xED, 0xA0, 0x80, "\"}") },
        { "truncated sequence", Bytes("{\"a\":\"", 0xE2, 0x82, "\"}") },
        { "escaped lone high surrogate", Bytes("{\"a\":\"\\ud800\"}") },
        { "escaped lone low surrogate", Bytes("{\"a\":[\"\\udc00x\"]}") },
        { "escaped lone surrogate in a name", Bytes("{\"\\ud800\":1}") },
        { "escaped surrogates in the wrong order", Bytes("{\"a\":\"\\udc00\\ud800\"}") },
    };

    [Theory]
    [MemberData(nameof(IllFormed))]
    public void IllFormedTextIsAJsonException(string variant, byte[] json)
    {
        Assert.Throws<JsonException>(() => WellFormedJson.Parse(json).Dispose());
        Assert.False(string.IsNullOrEmpty(variant));
    }

    [Fact]
    public void AStringWithALoneSurrogateIsAJsonException() =>
        Assert.Throws<JsonException>(() => WellFormedJson.Parse("{\"a\":\"\ud800\"}").Dispose());

    [Fact]
    public void WellFormedTextParses()
    {
        using var document = WellFormedJson.Parse(Bytes("{\"a\":\"\\ud83d\\ude00 \u00e9\\n\",\"\u00e9\":[\"\\/\"]}"));
        Assert.Equal("\ud83d\ude00 \u00e9\n", document.RootElement.GetProperty("a").GetString());
    }

    [Fact]
    public void AManifestAnnotationWithALoneSurrogateIsManifestInvalid()
    {
        var manifest = Bytes("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[],"annotations":{"a":"\ud800"}}""");
        var error = Assert.Throws<RegistryException>(() => ManifestParser.Parse(manifest, null));
        Assert.Equal(RegistryErrorCode.ManifestInvalid, error.Error);
    }

    [Fact]
    public void APolicyWithALoneSurrogateIsASyntaxError()
    {
        var error = Assert.Throws<MalformedPolicyDocumentException>(() => PolicyDocument.Parse(
            """{"Version":"2012-10-17","Statement":{"Sid":"\ud800","Effect":"Allow","Action":"ecr:*","Resource":"*"}}""", PolicyDocumentKind.Identity));
        Assert.Equal(PolicyErrors.SyntaxErrors, error.Message);
    }

    private static byte[] Bytes(params object[] parts)
    {
        var bytes = new List<byte>();
        foreach (var part in parts)
        {
            if (part is string text)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text));
            }
            else
            {
                bytes.Add(Convert.ToByte(part, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return [.. bytes];
    }
}
