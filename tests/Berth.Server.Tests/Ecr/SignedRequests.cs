using System.Text;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Ecr;

/// <summary>Raw ECR API requests signed by botocore's own SigV4 (sign_request.py), at a chosen clock offset.</summary>
public static class SignedRequests
{
    public static Task<HttpResponseMessage> SendAsync(
        BerthTestServer server, string operation, string body, string? accessKeyId = null, string? secret = null, string region = "us-east-1", int offsetSeconds = 0,
        IReadOnlyDictionary<string, string>? unsignedHeaders = null, bool signTarget = true) =>
        SendBytesAsync(server, "AmazonEC2ContainerRegistry_V20150921." + operation, "ecr", Encoding.UTF8.GetBytes(body), accessKeyId, secret, region, offsetSeconds, unsignedHeaders, signTarget);

    /// <summary>A request of any AWS JSON API (<paramref name="target"/> in full, <paramref name="service"/> its signing name) with a body of raw bytes.</summary>
    public static async Task<HttpResponseMessage> SendBytesAsync(
        BerthTestServer server, string target, string service, byte[] body, string? accessKeyId = null, string? secret = null, string region = "us-east-1", int offsetSeconds = 0,
        IReadOnlyDictionary<string, string>? unsignedHeaders = null, bool signTarget = true)
    {
        var url = server.BaseAddress.ToString();
        var signed = await ProcessRunner.RunAsync("python3", [
            Path.Combine(AppContext.BaseDirectory, "Ecr", "sign_request.py"), url, target, Convert.ToBase64String(body),
            accessKeyId ?? server.AccessKeyId, secret ?? server.SecretAccessKey, region, offsetSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), service, "base64",
            .. signTarget ? Array.Empty<string>() : ["unsigned-target"]]);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        foreach (var line in signed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (name, value) = (line[..colon], line[(colon + 1)..].Trim());
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        foreach (var (name, value) in unsignedHeaders ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await server.Client.SendAsync(request);
    }

    /// <summary>The __type and message of an AWS JSON error response.</summary>
    public static async Task<(string Type, string Message)> ErrorAsync(HttpResponseMessage response)
    {
        using var document = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (document.RootElement.GetProperty("__type").GetString()!, document.RootElement.GetProperty("message").GetString()!);
    }
}
