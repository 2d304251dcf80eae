using System.Net;
using Berth.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Tests.Iam;

/// <summary>
/// STS AssumeRole through the real aws CLI: trust policies decide who may assume a role, the session's temporary
/// credentials (with X-Amz-Security-Token) work on STS and ECR until they expire or the role is deleted, and no
/// secret or session token ever reaches the logs.
/// </summary>
public sealed class AssumeRoleTests : IAsyncLifetime, IDisposable
{
    private const string Account = "000000000000";
    private readonly AdjustableClock _clock = new();
    private readonly CapturedLogs _logs = new();
    private BerthTestServer _server = null!;
    private IamCli _aws = null!;

    public async Task InitializeAsync()
    {
        _server = await BerthTestServer.StartEcrAsync(
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace" },
            services =>
            {
                services.AddSingleton<TimeProvider>(_clock);
                services.AddSingleton<ILoggerProvider>(_logs);
            });
        _aws = new IamCli(_server);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task ATrustedUserAssumesTheRoleAndActsAsTheSession()
    {
        var dev = await _aws.CreateUserWithKeyAsync("dev");
        var roleId = await CreateRoleAsync("deployer", $"arn:aws:iam::{Account}:user/dev");
        await _aws.RunAsync("iam", "attach-role-policy", "--role-name", "deployer", "--policy-arn", "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly");

        var assumed = await _aws.RunAsAsync(dev, "sts", "assume-role", "--role-arn", $"arn:aws:iam::{Account}:role/deployer", "--role-session-name", "s1");
        var session = Session(assumed);
        var identity = await _aws.RunAsAsync(session, "sts", "get-caller-identity");
        await _aws.RunAsAsync(session, "ecr", "describe-repositories");
        var refused = await _aws.FailAsAsync(session, "ecr", "create-repository", "--repository-name", "by-session");

        Assert.Matches("^ASIA[A-Z2-7]{16}$", session.AccessKeyId);
        Assert.Contains($"(AccessDeniedException) when calling the CreateRepository operation: User: arn:aws:sts::{Account}:assumed-role/deployer/s1 is not authorized to perform: ecr:CreateRepository on resource: arn:aws:ecr:us-east-1:{Account}:repository/by-session because no identity-based policy allows the ecr:CreateRepository action", refused, StringComparison.Ordinal);
        var user = assumed.GetProperty("AssumedRoleUser");
        Assert.Equal($"arn:aws:sts::{Account}:assumed-role/deployer/s1", user.GetProperty("Arn").GetString());
        Assert.Equal($"{roleId}:s1", user.GetProperty("AssumedRoleId").GetString());
        var expiration = assumed.GetProperty("Credentials").GetProperty("Expiration").GetDateTimeOffset();
        Assert.InRange(expiration, DateTimeOffset.UtcNow.AddMinutes(55), DateTimeOffset.UtcNow.AddMinutes(61));
        Assert.Equal($"arn:aws:sts::{Account}:assumed-role/deployer/s1", identity.GetProperty("Arn").GetString());
        Assert.Equal($"{roleId}:s1", identity.GetProperty("UserId").GetString());

        var logs = _logs.Text;
        Assert.NotEmpty(logs);
        Assert.DoesNotContain(dev.SecretAccessKey, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(session.SecretAccessKey, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(session.SessionToken!, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.SecretAccessKey, logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlyWhomTheTrustPolicyAllowsMayAssumeTheRole()
    {
        var other = await _aws.CreateUserWithKeyAsync("other");
        await CreateRoleAsync("named", $"arn:aws:iam::{Account}:user/dev");
        await CreateRoleAsync("account", $"arn:aws:iam::{Account}:root");

        var notNamed = await _aws.FailAsAsync(other, "sts", "assume-role", "--role-arn", $"arn:aws:iam::{Account}:role/named", "--role-session-name", "xx");
        var noIdentityPolicy = await _aws.FailAsAsync(other, "sts", "assume-role", "--role-arn", $"arn:aws:iam::{Account}:role/account", "--role-session-name", "xx");
        await _aws.RunAsync("iam", "put-user-policy", "--user-name", "other", "--policy-name", "assume", "--policy-document",
            $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::{{Account}}:role/account"}]}""");
        await _aws.RunAsAsync(other, "sts", "assume-role", "--role-arn", $"arn:aws:iam::{Account}:role/account", "--role-session-name", "xx");
        var missingRole = await _aws.FailAsAsync(other, "sts", "assume-role", "--role-arn", $"arn:aws:iam::{Account}:role/none", "--role-session-name", "xx");
        var root = await _aws.FailAsync("sts", "assume-role", "--role-arn", $"arn:aws:iam::{Account}:role/account", "--role-session-name", "xx");

        Assert.Contains($"(AccessDenied) when calling the AssumeRole operation: User: arn:aws:iam::{Account}:user/other is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::{Account}:role/named", notNamed, StringComparison.Ordinal);
        Assert.Contains("(AccessDenied)", noIdentityPolicy, StringComparison.Ordinal);
        Assert.Contains("(AccessDenied)", missingRole, StringComparison.Ordinal);
        Assert.Contains("(AccessDenied) when calling the AssumeRole operation: Roots may not assume roles.", root, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DurationIsBoundedByTheRolesMaxSessionDuration()
    {
        var dev = await _aws.CreateUserWithKeyAsync("dev");
        await CreateRoleAsync("short", $"arn:aws:iam::{Account}:user/dev");

        var error = await _aws.FailAsAsync(dev, "sts", "assume-role", "--role-arn", $"arn:aws:iam::{Account}:role/short", "--role-session-name", "xx", "--duration-seconds", "7200");
        var assumed = await _aws.RunAsAsync(dev, "sts", "assume-role", "--role-arn", $"arn:aws:iam::{Account}:role/short", "--role-session-name", "xx", "--duration-seconds", "900");

        Assert.Contains("(ValidationError) when calling the AssumeRole operation: The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", error, StringComparison.Ordinal);
        Assert.InRange(assumed.GetProperty("Credentials").GetProperty("Expiration").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(13), DateTimeOffset.UtcNow.AddMinutes(16));
    }

    [Fact]
    public async Task AnExpiredSessionGetsExpiredTokenOnStsAndEcr()
    {
        var dev = await _aws.CreateUserWithKeyAsync("dev");
        await CreateRoleAsync("deployer", $"arn:aws:iam::{Account}:user/dev");

        // Assume the role 20 minutes in the server's past (signed at that time too), for the shortest session: 15 minutes.
        _clock.Offset = TimeSpan.FromMinutes(-20);
        var response = await QueryRequests.SendAsync(_server, "sts",
            $"Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A{Account}%3Arole%2Fdeployer&RoleSessionName=old&DurationSeconds=900", dev, offsetSeconds: -1200);
        _clock.Offset = TimeSpan.Zero;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var credentials = (await QueryRequests.XmlAsync(response)).Descendants(QueryRequests.Sts + "Credentials").Single();
        var session = new AwsCredentials(
            credentials.Element(QueryRequests.Sts + "AccessKeyId")!.Value, credentials.Element(QueryRequests.Sts + "SecretAccessKey")!.Value, credentials.Element(QueryRequests.Sts + "SessionToken")!.Value);

        var sts = await _aws.FailAsAsync(session, "sts", "get-caller-identity");
        var ecr = await _aws.FailAsAsync(session, "ecr", "describe-repositories");

        Assert.Contains("An error occurred (ExpiredToken) when calling the GetCallerIdentity operation: The security token included in the request is expired", sts, StringComparison.Ordinal);
        Assert.Contains("(ExpiredTokenException) when calling the DescribeRepositories operation: The security token included in the request is expired", ecr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongTokenOrADeletedRoleIsAnInvalidToken()
    {
        var dev = await _aws.CreateUserWithKeyAsync("dev");
        await CreateRoleAsync("temp", $"arn:aws:iam::{Account}:user/dev");
        var session = Session(await _aws.RunAsAsync(dev, "sts", "assume-role", "--role-arn", $"arn:aws:iam::{Account}:role/temp", "--role-session-name", "s2"));

        var bogus = await _aws.FailAsAsync(session with { SessionToken = "bogus" }, "sts", "get-caller-identity");
        var missing = await _aws.FailAsAsync(session with { SessionToken = null }, "sts", "get-caller-identity");
        await _aws.RunAsAsync(session, "sts", "get-caller-identity");
        await _aws.RunAsync("iam", "delete-role", "--role-name", "temp");
        var deleted = await _aws.FailAsAsync(session, "sts", "get-caller-identity");

        Assert.Contains("(InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid.", bogus, StringComparison.Ordinal);
        Assert.Contains("(InvalidClientTokenId)", missing, StringComparison.Ordinal);
        Assert.Contains("(InvalidClientTokenId)", deleted, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARegistryTokenMintedWithASessionWorksUntilItsRoleIsDeleted()
    {
        var dev = await _aws.CreateUserWithKeyAsync("dev");
        await CreateRoleAsync("puller", $"arn:aws:iam::{Account}:user/dev");
        await _aws.RunAsync("iam", "put-role-policy", "--role-name", "puller", "--policy-name", "token", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:GetAuthorizationToken","Resource":"*"}]}""");
        var session = Session(await _aws.RunAsAsync(dev, "sts", "assume-role", "--role-arn", $"arn:aws:iam::{Account}:role/puller", "--role-session-name", "pull"));
        var login = await new AwsCli(_server).RunRawAsync(["ecr", "get-login-password"], session.Environment);
        Assert.Equal(0, login.ExitCode);
        using var client = new HttpClient { BaseAddress = _server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("AWS:" + login.StandardOutput.Trim())));

        var before = await client.GetAsync(new Uri("/v2/", UriKind.Relative));
        await _aws.RunAsync("iam", "delete-role-policy", "--role-name", "puller", "--policy-name", "token");
        await _aws.RunAsync("iam", "delete-role", "--role-name", "puller");
        var after = await client.GetAsync(new Uri("/v2/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task ARegistryTokenMintedWithASessionStopsWorkingOnV2WhenTheSessionExpires()
    {
        var dev = await _aws.CreateUserWithKeyAsync("dev");
        await CreateRoleAsync("short", $"arn:aws:iam::{Account}:user/dev");
        await _aws.RunAsync("iam", "put-role-policy", "--role-name", "short", "--policy-name", "pull", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:GetAuthorizationToken","ecr:DescribeRepositories"],"Resource":"*"}]}""");
        var session = Session(await _aws.RunAsAsync(dev, "sts", "assume-role", "--role-arn", $"arn:aws:iam::{Account}:role/short", "--role-session-name", "brief", "--duration-seconds", "900"));
        var login = await new AwsCli(_server).RunRawAsync(["ecr", "get-login-password"], session.Environment);
        Assert.Equal(0, login.ExitCode);
        using var client = new HttpClient { BaseAddress = _server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("AWS:" + login.StandardOutput.Trim())));

        using var before = await client.GetAsync(new Uri("/v2/_catalog", UriKind.Relative));
        HttpResponseMessage after;
        try
        {
            // The registry token itself is valid for 12 hours; the 15-minute session it was minted with is not.
            _clock.Offset = TimeSpan.FromMinutes(16);
            after = await client.GetAsync(new Uri("/v2/_catalog", UriKind.Relative));
        }
        finally
        {
            _clock.Offset = TimeSpan.Zero;
        }

        using var afterResponse = after;
        using var again = await client.GetAsync(new Uri("/v2/_catalog", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterResponse.StatusCode);
        Assert.Contains("UNAUTHORIZED", await afterResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    private async Task<string> CreateRoleAsync(string name, string trusted)
    {
        var trust = $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"{{trusted}}"},"Action":"sts:AssumeRole"}]}""";
        var role = (await _aws.RunAsync("iam", "create-role", "--role-name", name, "--assume-role-policy-document", trust)).GetProperty("Role");
        return role.GetProperty("RoleId").GetString()!;
    }

    private static AwsCredentials Session(System.Text.Json.JsonElement assumed)
    {
        var credentials = assumed.GetProperty("Credentials");
        return new AwsCredentials(
            credentials.GetProperty("AccessKeyId").GetString()!, credentials.GetProperty("SecretAccessKey").GetString()!, credentials.GetProperty("SessionToken").GetString()!);
    }
}
