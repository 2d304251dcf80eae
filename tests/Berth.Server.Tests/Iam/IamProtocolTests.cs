using System.Net;
using System.Xml.Linq;
using Berth.Server.Tests.Ecr;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Iam;

/// <summary>The AWS Query protocol on the wire: XML results and errors, request ids, actions, versions and signatures.</summary>
public sealed class IamProtocolTests : IAsyncLifetime
{
    private static readonly XNamespace Iam = QueryRequests.Iam;
    private BerthTestServer _server = null!;

    public async Task InitializeAsync() => _server = await BerthTestServer.StartEcrAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AResultIsWrappedWithItsRequestId()
    {
        using var response = await QueryRequests.SendAsync(_server, "iam", "Action=CreateGroup&Version=2010-05-08&GroupName=g1&Path=%2Fa%2F");
        var xml = await QueryRequests.XmlAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Iam + "CreateGroupResponse", xml.Root!.Name);
        var group = xml.Root.Element(Iam + "CreateGroupResult")!.Element(Iam + "Group")!;
        Assert.Equal(["Path", "GroupName", "GroupId", "Arn", "CreateDate"], group.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("arn:aws:iam::000000000000:group/a/g1", group.Element(Iam + "Arn")!.Value);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", group.Element(Iam + "CreateDate")!.Value);
        var requestId = xml.Root.Element(Iam + "ResponseMetadata")!.Element(Iam + "RequestId")!.Value;
        Assert.Equal(requestId, response.Headers.GetValues("x-amzn-RequestId").Single());
    }

    [Fact]
    public async Task AnErrorIsAnErrorResponseWithTypeCodeMessageAndTheModelsStatus()
    {
        using var response = await QueryRequests.SendAsync(_server, "iam", "Action=GetRole&Version=2010-05-08&RoleName=none");
        var error = (await QueryRequests.XmlAsync(response)).Root!;

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(Iam + "ErrorResponse", error.Name);
        Assert.Equal("Sender", error.Element(Iam + "Error")!.Element(Iam + "Type")!.Value);
        Assert.Equal("NoSuchEntity", error.Element(Iam + "Error")!.Element(Iam + "Code")!.Value);
        Assert.Equal("The role with name none cannot be found.", error.Element(Iam + "Error")!.Element(Iam + "Message")!.Value);
        Assert.NotEmpty(error.Element(Iam + "RequestId")!.Value);
    }

    [Theory]
    [InlineData("Action=CreateUser&Version=2010-05-08", 400, "ValidationError", "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null")]
    [InlineData("Action=ListUsers&Version=2010-05-08&MaxItems=0&PathPrefix=x", 400, "ValidationError", "2 validation errors detected: Value 'x' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: \\u002F[\\u0021-\\u007F]*; Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1")]
    [InlineData("Action=NoSuchThing&Version=2010-05-08", 400, "InvalidAction", "Could not find operation NoSuchThing for version 2010-05-08")]
    [InlineData("Action=ListUsers&Version=2011-06-15", 400, "InvalidAction", "Could not find operation ListUsers for version 2011-06-15")]
    [InlineData("Version=2010-05-08", 400, "MissingAction", "Missing Action")]
    [InlineData("Action=CreateUser&Version=2010-05-08&UserName=a&Tags.member.1.Key=k&Tags.member.1.Value=v", 400, "InvalidInput", "The Tags parameter is not supported by this server.")]
    public async Task BadRequestsGetTheServicesErrors(string body, int status, string code, string message)
    {
        using var response = await QueryRequests.SendAsync(_server, "iam", body);
        var error = (await QueryRequests.XmlAsync(response)).Root!.Element(Iam + "Error")!;

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(code, error.Element(Iam + "Code")!.Value);
        Assert.Equal(message, error.Element(Iam + "Message")!.Value);
    }

    [Theory]
    [InlineData("Action=CreateUser&Version=2010-05-08&UserName=dup-a&UserName=dup-b")]
    [InlineData("Action=GetUser&Version=2010-05-08&Action=CreateUser&UserName=dup-a")]
    public async Task ARepeatedParameterIsRefusedAndNothingIsCreated(string body)
    {
        using var response = await QueryRequests.SendAsync(_server, "iam", body);
        var error = (await QueryRequests.XmlAsync(response)).Root!.Element(Iam + "Error")!;
        using var joined = await QueryRequests.SendAsync(_server, "iam", "Action=GetUser&Version=2010-05-08&UserName=dup-a%2Cdup-b");
        using var single = await QueryRequests.SendAsync(_server, "iam", "Action=GetUser&Version=2010-05-08&UserName=dup-a");

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("InvalidQueryParameter", error.Element(Iam + "Code")!.Value);
        Assert.Equal("The AWS query string is malformed or does not adhere to AWS standards.", error.Element(Iam + "Message")!.Value);
        Assert.Equal(404, (int)joined.StatusCode);
        Assert.Equal(404, (int)single.StatusCode);
    }

    [Fact]
    public async Task SignatureFailuresUseTheQueryProtocolsCodes()
    {
        using var wrongSecret = await QueryRequests.SendAsync(_server, "iam", "Action=ListUsers&Version=2010-05-08", new AwsCredentials(_server.AccessKeyId, "wrong"));
        using var unknownKey = await QueryRequests.SendAsync(_server, "sts", "Action=GetCallerIdentity&Version=2011-06-15", new AwsCredentials("AKIAUNKNOWNUNKNOWN00", "x"));
        using var iamRegion = await QueryRequests.SendAsync(_server, "iam", "Action=ListUsers&Version=2010-05-08", region: "eu-west-1");
        using var unsigned = await _server.Client.PostAsync(new Uri("/", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["Action"] = "GetCallerIdentity", ["Version"] = "2011-06-15" }));

        Assert.Equal((HttpStatusCode.Forbidden, "SignatureDoesNotMatch"), await CodeAsync(wrongSecret));
        Assert.Equal((HttpStatusCode.Forbidden, "InvalidClientTokenId"), await CodeAsync(unknownKey));
        Assert.Equal((HttpStatusCode.Forbidden, "SignatureDoesNotMatch"), await CodeAsync(iamRegion));
        Assert.Equal((HttpStatusCode.Forbidden, "MissingAuthenticationToken"), await CodeAsync(unsigned));
    }

    [Fact]
    public async Task StsAnswersInAnyRegionAndTheEcrJsonApiStillWorksOnTheSamePort()
    {
        using var sts = await QueryRequests.SendAsync(_server, "sts", "Action=GetCallerIdentity&Version=2011-06-15", region: "eu-central-1");
        var result = (await QueryRequests.XmlAsync(sts)).Root!.Element(QueryRequests.Sts + "GetCallerIdentityResult")!;
        using var ecr = await SignedRequests.SendAsync(_server, "DescribeRegistry", "{}");

        Assert.Equal(HttpStatusCode.OK, sts.StatusCode);
        Assert.Equal("arn:aws:iam::000000000000:root", result.Element(QueryRequests.Sts + "Arn")!.Value);
        Assert.Equal("000000000000", result.Element(QueryRequests.Sts + "UserId")!.Value);
        Assert.Equal(HttpStatusCode.OK, ecr.StatusCode);
    }

    private static async Task<(HttpStatusCode, string)> CodeAsync(HttpResponseMessage response)
    {
        var xml = await QueryRequests.XmlAsync(response);
        return (response.StatusCode, xml.Root!.Descendants().Single(e => e.Name.LocalName == "Code").Value);
    }
}
