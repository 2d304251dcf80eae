using System.Net;
using System.Text;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Ecr;

public sealed class EcrProtocolTests : IAsyncLifetime
{
    private BerthTestServer _server = null!;

    public async Task InitializeAsync() => _server = await BerthTestServer.StartEcrAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ASignedCallSucceedsWithTheJsonContentTypeAndARequestId()
    {
        using var response = await SignedRequests.SendAsync(_server, "DescribeRepositories", "{}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-amz-json-1.1", response.Content.Headers.ContentType!.MediaType);
        Assert.True(Guid.TryParse(response.Headers.GetValues("x-amzn-RequestId").Single(), out _));
        Assert.Equal("{\"repositories\":[]}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AnUnsignedCallIsMissingAuthenticationToken()
    {
        using var content = new StringContent("{}", Encoding.UTF8, "application/x-amz-json-1.1");
        content.Headers.Add("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories");
        using var response = await _server.Client.PostAsync("/", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(("MissingAuthenticationTokenException", "Missing Authentication Token"), await SignedRequests.ErrorAsync(response));
    }

    [Fact]
    public async Task AnUnknownAccessKeyIsUnrecognizedClient()
    {
        using var response = await SignedRequests.SendAsync(_server, "DescribeRepositories", "{}", accessKeyId: "AKIAUNKNOWNUNKNOWN00");
        Assert.Equal(("UnrecognizedClientException", "The security token included in the request is invalid."), await SignedRequests.ErrorAsync(response));
    }

    [Fact]
    public async Task AWrongSecretIsInvalidSignature()
    {
        using var response = await SignedRequests.SendAsync(_server, "DescribeRepositories", "{}", secret: "not-the-secret");
        var (type, message) = await SignedRequests.ErrorAsync(response);
        Assert.Equal("InvalidSignatureException", type);
        Assert.StartsWith("The request signature we calculated does not match the signature you provided.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACallWhoseTargetIsNotSignedIsInvalidSignatureAndDoesNothing()
    {
        using var replayed = await SignedRequests.SendAsync(_server, "CreateRepository", "{\"repositoryName\":\"replayed\"}", signTarget: false);
        using var described = await SignedRequests.SendAsync(_server, "DescribeRepositories", "{}");

        Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
        Assert.Equal(
            ("InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."),
            await SignedRequests.ErrorAsync(replayed));
        Assert.Equal("{\"repositories\":[]}", await described.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(-3600)]
    [InlineData(3600)]
    public async Task AClockSkewedBeyondFifteenMinutesIsRefused(int offsetSeconds)
    {
        using var response = await SignedRequests.SendAsync(_server, "DescribeRepositories", "{}", offsetSeconds: offsetSeconds);
        var (type, message) = await SignedRequests.ErrorAsync(response);
        Assert.Equal("InvalidSignatureException", type);
        Assert.Contains("15 min.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACallSignedForAMalformedRegionIsRefused()
    {
        using var response = await SignedRequests.SendAsync(_server, "DescribeRepositories", "{}", region: "eu_west_1");
        var (type, message) = await SignedRequests.ErrorAsync(response);
        Assert.Equal("InvalidSignatureException", type);
        Assert.Contains("Credential should be scoped to a valid region, not 'eu_west_1'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownOperationIsUnknownOperation()
    {
        using var response = await SignedRequests.SendAsync(_server, "FlyToTheMoon", "{}");
        Assert.Equal("UnknownOperationException", (await SignedRequests.ErrorAsync(response)).Type);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1]")]
    [InlineData("{\"repositoryName\": 5}")]
    public async Task MalformedOrIllTypedJsonIsASerializationException(string body)
    {
        using var response = await SignedRequests.SendAsync(_server, "CreateRepository", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("SerializationException", (await SignedRequests.ErrorAsync(response)).Type);
    }

    [Theory]
    [InlineData("AmazonEC2ContainerRegistry_V20150921.CreateRepository", "ecr", "{\"repositoryName\":\"ab\xFF\"}")]
    [InlineData("AmazonEC2ContainerRegistry_V20150921.CreateRepository", "ecr", "{\"repositoryName\":\"ab\\ud800\"}")]
    [InlineData("AmazonEC2ContainerRegistry_V20150921.CreateRepository", "ecr", "{\"repositoryName\":\"ab\",\"imageTagMutability\":\"\xED\xA0\x80\"}")]
    [InlineData("AmazonEC2ContainerRegistry_V20150921.CreateRepository", "ecr", "{\"repositoryName\":\"ab\",\"tags\":[{\"Key\":\"k\",\"Value\":\"\\udc00\"}]}")]
    [InlineData("SpencerFrontendService.CreateRepository", "ecr-public", "{\"repositoryName\":\"ab\\ud800\"}")]
    [InlineData("SpencerFrontendService.CreateRepository", "ecr-public", "{\"repositoryName\":\"ab\",\"catalogData\":{\"description\":\"\xC3\"}}")]
    public async Task IllFormedTextInTheBodyIsASerializationExceptionAndNothingIsStored(string target, string service, string body)
    {
        // Each char of the test data up to U+00FF stands for one byte, so the body can hold invalid UTF-8.
        var bytes = System.Text.Encoding.Latin1.GetBytes(body);

        using var response = await SignedRequests.SendBytesAsync(_server, target, service, bytes);
        using var listed = await SignedRequests.SendBytesAsync(_server, target.Replace("CreateRepository", "DescribeRepositories", StringComparison.Ordinal), service, "{}"u8.ToArray());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("SerializationException", (await SignedRequests.ErrorAsync(response)).Type);
        Assert.Equal("{\"repositories\":[]}", await listed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AMissingRequiredMemberIsAnInvalidParameter()
    {
        using var response = await SignedRequests.SendAsync(_server, "CreateRepository", "{}");
        Assert.Equal(
            ("InvalidParameterException", "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'Member must not be null'"),
            await SignedRequests.ErrorAsync(response));
    }

    [Fact]
    public async Task AnOversizedBodyIsRefusedBeforeItIsRead()
    {
        var body = "{\"repositoryName\":\"" + new string('a', 2 * 1024 * 1024) + "\"}";
        using var content = new StringContent(body, Encoding.UTF8, "application/x-amz-json-1.1");
        content.Headers.Add("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.CreateRepository");
        using var response = await _server.Client.PostAsync("/", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("RequestEntityTooLargeException", (await SignedRequests.ErrorAsync(response)).Type);
    }
}
