using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Berth.Server.Tests.PublicRegistries;

/// <summary>
/// Bodies of POST /token/ that are not a small, well-formed form: refused with 400 INVALID_REQUEST before they are
/// buffered (the endpoint answers anyone), never 500.
/// </summary>
public sealed class PublicTokenRequestTests(ITestOutputHelper output) : PublicRegistryTest(output)
{
    [Fact]
    public async Task ATokenFormLargerThanAFewKilobytesIsRefused()
    {
        using var client = Public.Client();
        var large = "grant_type=password&username=AWS&password=" + new string('p', 64 * 1024);

        using var withLength = await client.PostAsync("/token/", new StringContent(large, Encoding.ASCII, "application/x-www-form-urlencoded"));
        using var chunked = await PostChunkedAsync(client, large, "application/x-www-form-urlencoded");

        await AssertInvalidRequestAsync(withLength);
        await AssertInvalidRequestAsync(chunked);
    }

    [Fact]
    public async Task AFormValueOverFourMegabytesIsRefused()
    {
        using var client = Public.Client();

        using var response = await client.PostAsync("/token/", new StringContent("grant_type=password&username=AWS&password=" + new string('p', (4 * 1024 * 1024) + 1), Encoding.ASCII, "application/x-www-form-urlencoded"));

        await AssertInvalidRequestAsync(response);
    }

    [Fact]
    public async Task MultipartWithoutABoundaryOrWithoutItsEndIsRefused()
    {
        using var client = Public.Client();
        const string Part = "--b\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\npassword\r\n";

        using var noBoundary = await client.PostAsync("/token/", new StringContent(Part, Encoding.ASCII, "multipart/form-data"));
        using var unterminated = await client.PostAsync("/token/", Multipart(Part + "--b\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nabc"));

        await AssertInvalidRequestAsync(noBoundary);
        await AssertInvalidRequestAsync(unterminated);
    }

    [Fact]
    public async Task AWellFormedMultipartFormIsStillRead()
    {
        using var client = Public.Client();

        using var response = await client.PostAsync("/token/", Multipart("--b\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nrefresh_token\r\n--b\r\nContent-Disposition: form-data; name=\"refresh_token\"\r\n\r\nnot-a-token\r\n--b--\r\n"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static StringContent Multipart(string body)
    {
        var content = new StringContent(body, Encoding.ASCII);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
        return content;
    }

    private static async Task<HttpResponseMessage> PostChunkedAsync(HttpClient client, string body, string contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/token/") { Content = new StreamContent(new MemoryStream(Encoding.ASCII.GetBytes(body))) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TransferEncodingChunked = true;
        return await client.SendAsync(request);
    }

    private static async Task AssertInvalidRequestAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("INVALID_REQUEST", json.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
    }
}
