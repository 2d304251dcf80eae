using System.Net;
using System.Text.Json;
using Berth.Core.Iam;
using Berth.Core.Images;
using Berth.Server.Tests.Ecr;
using Berth.Server.Tests.Iam;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Hosting;

/// <summary>
/// A failure no handler expected, or a store outage, is answered in the format of the API that was called, whatever
/// headers the request carries: ECR's ServerException JSON, IAM's Query XML, the distribution-spec body on /v2/.
/// </summary>
public sealed class UnexpectedErrorTests : IAsyncLifetime
{
    private readonly StoreFault _fault = new();
    private BerthTestServer _server = null!;

    public async Task InitializeAsync() => _server = await BerthTestServer.StartEcrAsync(services: services =>
    {
        _fault.Install<IRepositoryStore>(services);
        _fault.Install<IIamEntityStore>(services);
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AnUnexpectedFailureOnTheEcrApiIsAServerException()
    {
        _fault.Failure = new InvalidOperationException("secret internal detail");

        using var response = await SignedRequests.SendAsync(_server, "DescribeRepositories", "{}");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/x-amz-json-1.1", response.Content.Headers.ContentType!.MediaType);
        var (type, message) = await SignedRequests.ErrorAsync(response);
        Assert.Equal("ServerException", type);
        Assert.DoesNotContain("secret", message, StringComparison.Ordinal);
        Assert.True(Guid.TryParse(response.Headers.GetValues("x-amzn-RequestId").Single(), out _));
    }

    [Fact]
    public async Task AStoreOutageOnTheEcrApiIsARetryableServiceUnavailable()
    {
        _fault.Failure = StoreFault.Outage();

        using var response = await SignedRequests.SendAsync(_server, "DescribeRepositories", "{}");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("ServiceUnavailableException", (await SignedRequests.ErrorAsync(response)).Type);
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
    }

    [Theory]
    [InlineData(false, HttpStatusCode.InternalServerError, "ServiceFailure", "Receiver")]
    [InlineData(true, HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", "Receiver")]
    public async Task AFailureOnIamIsQueryXml(bool outage, HttpStatusCode status, string code, string type)
    {
        _fault.Failure = outage ? StoreFault.Outage() : new InvalidOperationException("secret internal detail");

        using var response = await QueryRequests.SendAsync(_server, "iam", "Action=ListUsers&Version=2010-05-08");

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType!.MediaType);
        var error = (await QueryRequests.XmlAsync(response)).Root!.Element(QueryRequests.Iam + "Error")!;
        Assert.Equal(code, error.Element(QueryRequests.Iam + "Code")!.Value);
        Assert.Equal(type, error.Element(QueryRequests.Iam + "Type")!.Value);
        Assert.DoesNotContain("secret", error.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnXAmzTargetHeaderDoesNotChangeTheFormatOfAV2Error()
    {
        using var client = await RegistryLogin.ClientAsync(_server, new AwsCli(_server));
        _fault.Failure = StoreFault.Outage();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{BerthTestServer.NewRepositoryName()}/tags/list");
        request.Headers.Add("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("UNAVAILABLE", await OciTestClient.ErrorCodeAsync(response));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(body.RootElement.TryGetProperty("__type", out _));
    }
}
