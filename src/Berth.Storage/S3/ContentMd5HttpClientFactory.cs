using System.Security.Cryptography;
using Amazon.Runtime;

namespace Berth.Storage.S3;

/// <summary>
/// The S3 client's HttpClient, with one addition: a DeleteObjects request (<c>POST ?delete</c>) gets the Content-MD5
/// header S3 documents as required for it. The SDK now sends a CRC32 checksum header instead, which OpenStack Swift
/// (and other S3-compatible stores) do not know, refusing the request. The header is not signed, which SigV4 allows
/// (only <c>x-amz-*</c> headers must be), so adding it after signing is sound; the body is the SDK's small XML list.
/// </summary>
internal sealed class ContentMd5HttpClientFactory : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
        new(new ContentMd5Handler(new SocketsHttpHandler
        {
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = clientConfig.MaxConnectionsPerServer ?? int.MaxValue,
        }))
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public override string GetConfigUniqueString(IClientConfig clientConfig) => "berth-content-md5";

    private sealed class ContentMd5Handler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post && request.Content is { } content
                && request.RequestUri?.Query is { } query && IsDeleteQuery(query)
                && content.Headers.ContentMD5 is null)
            {
                // The DeleteObjects body: at most 1,000 keys of XML, buffered by the SDK already.
                var body = await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                var replacement = new ByteArrayContent(body);
                foreach (var header in content.Headers)
                {
                    replacement.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }

#pragma warning disable CA5351 // Content-MD5 is the integrity header the protocol names, not a security measure.
                replacement.Headers.ContentMD5 = MD5.HashData(body);
#pragma warning restore CA5351
                request.Content = replacement;
            }

            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        private static bool IsDeleteQuery(string query) =>
            query.TrimStart('?').Split('&').Any(p => p == "delete" || p.StartsWith("delete=", StringComparison.Ordinal));
    }
}
