using System.Net;
using System.Text;
using System.Text.Json;
using Berth.Core.Naming;
using Berth.Core.Replication;
using Berth.Core.SigV4;

namespace Berth.Server.RemoteReplication;

/// <summary>
/// The two ECR API calls replication to an ECR-style destination (another Berth) needs, signed with SigV4 like the aws
/// CLI signs them: GetAuthorizationToken (what <c>aws ecr get-login-password</c> does) and CreateRepository for a
/// repository the destination lacks. The destination's endpoint serves both the API and /v2/, as a Berth does.
/// See https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetAuthorizationToken.html.
/// </summary>
internal sealed class EcrApiCall(HttpClient http, RemoteDestination destination, string secretAccessKey, TimeProvider time)
{
    private const string ContentType = "application/x-amz-json-1.1";
    private const int AnswerLimit = 64 * 1024;

    /// <summary>The base64 <c>AWS:password</c> to send as Basic credentials to /v2/.</summary>
    public async Task<string> GetAuthorizationTokenAsync(CancellationToken cancellationToken)
    {
        var answer = await CallAsync("GetAuthorizationToken", "{}", cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(answer);
        return document.RootElement.GetProperty("authorizationData")[0].GetProperty("authorizationToken").GetString()
            ?? throw new RemoteRegistryException($"{destination.Endpoint} answered GetAuthorizationToken without a token", 200, permanent: false);
    }

    /// <summary>Creates the repository; one that exists already is fine.</summary>
    public async Task EnsureRepositoryAsync(RepositoryName repository, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync("CreateRepository", JsonSerializer.Serialize(new { repositoryName = repository.Value }), cancellationToken).ConfigureAwait(false);
        }
        catch (RemoteRegistryException e) when (e.StatusCode == 400 && e.Message.Contains("RepositoryAlreadyExistsException", StringComparison.Ordinal))
        {
            // Already there.
        }
    }

    private async Task<string> CallAsync(string operation, string json, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var target = $"AmazonEC2ContainerRegistry_V20150921.{operation}";
        var (authorization, amzDate) = SigV4Signer.SignJsonPost(
            destination.Endpoint.Authority, target, ContentType, body, destination.Username ?? string.Empty, secretAccessKey,
            destination.SigningRegion ?? destination.Source.Region, "ecr", time.GetUtcNow());
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(destination.Endpoint, "/")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(ContentType);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await RemoteRegistryClient.ExpectAsync(response, HttpStatusCode.OK).ConfigureAwait(false);
        return await RemoteRegistryClient.ReadBoundedAsync(response.Content, AnswerLimit, cancellationToken).ConfigureAwait(false);
    }
}
