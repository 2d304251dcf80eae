using System.Text.Json;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Iam;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.AuditTrail;

/// <summary>
/// The audit trail read back with the real <c>aws cloudtrail lookup-events</c>: a skopeo push by a named IAM user shows
/// as ECR's push events under that user, a call the user's policies refuse shows with its errorCode, paging follows
/// NextToken, and LookupEvents itself is IAM-authorized.
/// </summary>
public sealed class LookupEventsCliTests : IAsyncLifetime
{
    private const string Account = "000000000000";
    private readonly string _work = Directory.CreateTempSubdirectory("berth-audit-").FullName;
    private BerthTestServer _server = null!;
    private IamCli _aws = null!;

    public async Task InitializeAsync()
    {
        _server = await BerthTestServer.StartEcrAsync();
        _aws = new IamCli(_server);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [SkippableFact]
    public async Task ASkopeoPushByAnIamUserAndADeniedCallAreFoundWithLookupEvents()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool, "aws");
        var repository = BerthTestServer.NewRepositoryName("audit");
        await _aws.RunAsync("ecr", "create-repository", "--repository-name", repository);
        var alice = await _aws.CreateUserWithKeyAsync("alice");
        await _aws.RunAsync("iam", "attach-user-policy", "--user-name", "alice", "--policy-arn", "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser");
        var password = (await _aws.RunAsAsync(alice, "ecr", "get-authorization-token")).GetProperty("authorizationData")[0].GetProperty("authorizationToken").GetString()!;
        var layout = new OciLayoutWriter(Path.Combine(_work, "layout"));
        var image = TestImageFactory.WriteImage(layout, layerCount: 2);
        layout.Tag(image.Descriptor, "v1");

        await Skopeo.CopyAsync($"oci:{layout.Directory}:v1", $"docker://{_server.Host}/{repository}:v1", "--dest-creds", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(password)));
        var denied = await _aws.FailAsAsync(alice, "ecr", "delete-repository", "--repository-name", repository, "--force");
        var pushes = await LookupUntilAsync("Username", "alice", events => events.Any(e => Name(e) == "PutImage") && events.Any(e => Name(e) == "DeleteRepository"));

        Assert.Contains("AccessDeniedException", denied, StringComparison.Ordinal);
        var putImage = Trail(pushes.Single(e => Name(e) == "PutImage"));
        Assert.Equal("ecr.amazonaws.com", putImage.GetProperty("eventSource").GetString());
        Assert.Equal("us-east-1", putImage.GetProperty("awsRegion").GetString());
        Assert.Equal("IAMUser", putImage.GetProperty("userIdentity").GetProperty("type").GetString());
        Assert.Equal("alice", putImage.GetProperty("userIdentity").GetProperty("userName").GetString());
        Assert.Equal($"arn:aws:iam::{Account}:user/alice", putImage.GetProperty("userIdentity").GetProperty("arn").GetString());
        Assert.Equal(alice.AccessKeyId, putImage.GetProperty("userIdentity").GetProperty("accessKeyId").GetString());
        Assert.Equal(repository, putImage.GetProperty("requestParameters").GetProperty("repositoryName").GetString());
        Assert.Equal("v1", putImage.GetProperty("requestParameters").GetProperty("imageTag").GetString());
        Assert.False(putImage.GetProperty("readOnly").GetBoolean());
        Assert.Equal("AwsApiCall", putImage.GetProperty("eventType").GetString());
        Assert.Contains("skopeo", putImage.GetProperty("userAgent").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal($"arn:aws:ecr:us-east-1:{Account}:repository/{repository}", putImage.GetProperty("resources")[0].GetProperty("ARN").GetString());
        Assert.Equal(image.Blobs.Count(), pushes.Count(e => Name(e) == "CompleteLayerUpload"));
        Assert.Contains(pushes, e => Name(e) == "InitiateLayerUpload");
        Assert.Contains(pushes, e => Name(e) == "GetAuthorizationToken");

        var refusal = Trail(pushes.Single(e => Name(e) == "DeleteRepository"));
        Assert.Equal("AccessDeniedException", refusal.GetProperty("errorCode").GetString());
        Assert.Contains($"User: arn:aws:iam::{Account}:user/alice is not authorized to perform: ecr:DeleteRepository", refusal.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, refusal.GetProperty("responseElements").ValueKind);
        var listed = pushes.Single(e => Name(e) == "PutImage");
        Assert.Equal("alice", listed.GetProperty("Username").GetString());
        Assert.Equal("false", listed.GetProperty("ReadOnly").GetString());
        Assert.Equal(repository, listed.GetProperty("Resources")[0].GetProperty("ResourceName").GetString());
        Assert.Equal("AWS::ECR::Repository", listed.GetProperty("Resources")[0].GetProperty("ResourceType").GetString());
    }

    [SkippableFact]
    public async Task PagesFollowNextTokenNewestFirstAndFiltersApply()
    {
        ClientTools.SkipUnlessAvailable("aws");
        var names = Enumerable.Range(0, 5).Select(i => BerthTestServer.NewRepositoryName($"page{i}")).ToList();
        foreach (var name in names)
        {
            await _aws.RunAsync("ecr", "create-repository", "--repository-name", name);
        }

        await LookupUntilAsync("EventName", "CreateRepository", events => events.Count == names.Count);
        var paged = await _aws.RunAsync("cloudtrail", "lookup-events", "--lookup-attributes", "AttributeKey=EventName,AttributeValue=CreateRepository", "--page-size", "2");
        var firstPage = await _aws.RunAsync("cloudtrail", "lookup-events", "--lookup-attributes", "AttributeKey=ReadOnly,AttributeValue=false", "--max-results", "2", "--no-paginate");
        var byResource = await _aws.RunAsync("cloudtrail", "lookup-events", "--lookup-attributes", $"AttributeKey=ResourceName,AttributeValue={names[2]}");
        var future = await _aws.RunAsync("cloudtrail", "lookup-events", "--start-time", DateTimeOffset.UtcNow.AddHours(1).ToString("O"));

        var events = paged.GetProperty("Events").EnumerateArray().ToList();
        Assert.Equal(names.AsEnumerable().Reverse(), events.Select(e => e.GetProperty("Resources")[0].GetProperty("ResourceName").GetString()));
        Assert.Equal(2, firstPage.GetProperty("Events").GetArrayLength());
        Assert.True(firstPage.TryGetProperty("NextToken", out _));
        Assert.Equal(names[2], Trail(Assert.Single(byResource.GetProperty("Events").EnumerateArray())).GetProperty("requestParameters").GetProperty("repositoryName").GetString());
        Assert.Empty(future.GetProperty("Events").EnumerateArray());
        Assert.Contains("InvalidNextTokenException", await _aws.FailAsync("cloudtrail", "lookup-events", "--starting-token", "not-a-token"), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task LookupEventsNeedsCloudTrailPermissionAndPasswordsAreHidden()
    {
        ClientTools.SkipUnlessAvailable("aws");
        var bob = await _aws.CreateUserWithKeyAsync("bob");
        // Berth keeps no console passwords: the call is refused, and recorded without its password.
        await _aws.FailAsync("iam", "create-login-profile", "--user-name", "bob", "--password", "S3cret-Passw0rd!");

        var refused = await _aws.FailAsAsync(bob, "cloudtrail", "lookup-events");
        await _aws.RunAsync("iam", "put-user-policy", "--user-name", "bob", "--policy-name", "trail",
            "--policy-document", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudtrail:LookupEvents","Resource":"*"}]}""");
        var allowed = await LookupUntilAsync("EventName", "CreateLoginProfile", events => events.Count == 1, bob);

        Assert.Contains("AccessDeniedException", refused, StringComparison.Ordinal);
        Assert.Contains("cloudtrail:LookupEvents", refused, StringComparison.Ordinal);
        var parameters = Trail(allowed[0]).GetProperty("requestParameters");
        Assert.Equal("iam.amazonaws.com", Trail(allowed[0]).GetProperty("eventSource").GetString());
        Assert.Equal("HIDDEN_DUE_TO_SECURITY_REASONS", parameters.GetProperty("password").GetString());
        Assert.DoesNotContain("S3cret", allowed[0].GetProperty("CloudTrailEvent").GetString(), StringComparison.Ordinal);
        Assert.Equal("bob", parameters.GetProperty("userName").GetString());
    }

    private static string? Name(JsonElement e) => e.GetProperty("EventName").GetString();

    private static JsonElement Trail(JsonElement e) => JsonDocument.Parse(e.GetProperty("CloudTrailEvent").GetString()!).RootElement.Clone();

    /// <summary>
    /// Looks up until the events stored so far satisfy <paramref name="done"/>: the trail is written just after each
    /// answer, so the last calls may need a moment. This waits for the writer; it does not stand in for an ordering.
    /// </summary>
    private async Task<List<JsonElement>> LookupUntilAsync(string key, string value, Func<List<JsonElement>, bool> done, AwsCredentials? caller = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            var result = await _aws.RunAsAsync(caller ?? _aws.Root, "cloudtrail", "lookup-events", "--lookup-attributes", $"AttributeKey={key},AttributeValue={value}");
            var events = result.GetProperty("Events").EnumerateArray().ToList();
            if (done(events) || attempt == 50)
            {
                return events;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
