using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Iam;

/// <summary>Raw Query-protocol requests (IAM, STS) signed by botocore's own SigV4 (sign_query.py), at a chosen clock offset.</summary>
public static class QueryRequests
{
    public static readonly XNamespace Iam = "https://iam.amazonaws.com/doc/2010-05-08/";
    public static readonly XNamespace Sts = "https://sts.amazonaws.com/doc/2011-06-15/";

    public static async Task<HttpResponseMessage> SendAsync(
        BerthTestServer server, string service, string body, AwsCredentials? credentials = null, int offsetSeconds = 0, string region = "us-east-1")
    {
        credentials ??= new AwsCredentials(server.AccessKeyId, server.SecretAccessKey);
        var url = server.BaseAddress.ToString();
        var signed = await ProcessRunner.RunAsync("python3", [
            Path.Combine(AppContext.BaseDirectory, "Iam", "sign_query.py"), url, service, region, body,
            credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken ?? "-", offsetSeconds.ToString(CultureInfo.InvariantCulture)]);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
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

        return await server.Client.SendAsync(request);
    }

    public static async Task<XDocument> XmlAsync(HttpResponseMessage response) => XDocument.Parse(await response.Content.ReadAsStringAsync());
}
