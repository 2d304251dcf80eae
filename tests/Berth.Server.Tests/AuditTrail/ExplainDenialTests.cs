using System.Text.Json;
using Berth.Core.AuditTrail;
using Berth.Core.Credentials;
using Berth.Core.Iam;
using Berth.Core.IamPolicies;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;
using Berth.Server.Tests.Registries;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Tests.AuditTrail;

/// <summary>
/// <c>berth explain REQUEST-ID</c> for a refusal of each face that is not the registry authorizer's ECR API or /v2/
/// (those are in ConsoleBrowserTests): IAM, STS AssumeRole, CloudTrail LookupEvents, Secrets Manager and ECR Public's
/// API. One boto3 process makes the user, its policy and a role, then one refused call per face as that user; each
/// refusal's request id is then explained from the audit trail (one <c>berth explain</c> with the five ids), naming
/// the statement that matched or decided and each condition with both sides' values. The AssumeRole explanation is
/// also checked against the live trust check for every combination of trust (the caller, its account, another user)
/// and identity policy (allowing sts:AssumeRole or not).
/// </summary>
public sealed class ExplainDenialTests(ExplainDenialTests.Refusals refusals) : IClassFixture<ExplainDenialTests.Refusals>
{
    private const string Account = "000000000000";

    [SkippableFact]
    public async Task ARefusalOfEachFaceIsExplainedFromItsRequestId()
    {
        ClientTools.SkipUnlessAvailable("python3");
        var ids = await refusals.IdsAsync();
        var server = refusals.Server;
        var trail = server.Services.GetRequiredService<IAuditTrailStore>();
        var stored = new Dictionary<string, JsonElement>();
        foreach (var (face, id) in ids)
        {
            stored[face] = await StoredAsync(trail, id);
        }

        // One berth process for the five (the command takes several ids), then one with an unknown id among known ones.
        var faces = (string[])["iam", "sts", "cloudtrail", "secretsmanager", "ecr-public"];
        var explained = await BerthCli.RunAsync(server.DataDirectory, ["explain", .. faces.Select(f => ids[f])]);
        var partly = await BerthCli.RunAsync(server.DataDirectory, "explain", ids["iam"], "no-such-request");

        Assert.True(explained.ExitCode == 0, explained.StandardError);
        var texts = explained.StandardOutput.Split("\n\nRequest ");
        Assert.Equal(faces.Length, texts.Length);
        var (iam, sts, cloudTrail, secrets, ecrPublic) = (texts[0], "Request " + texts[1], "Request " + texts[2], "Request " + texts[3], "Request " + texts[4]);
        Assert.Equal(1, partly.ExitCode);
        Assert.Contains("no request with id 'no-such-request'", partly.StandardError, StringComparison.Ordinal);
        Assert.StartsWith("Request " + ids["iam"], partly.StandardOutput, StringComparison.Ordinal);

        Assert.Equal("iam:ListUsers", Authorization(stored["iam"]).GetProperty("action").GetString());
        Assert.Equal("127.0.0.1", Authorization(stored["iam"]).GetProperty("context").GetProperty("aws:SourceIp")[0].GetString());
        Assert.Equal($"arn:aws:iam::{Account}:role/deploy", Authorization(stored["sts"]).GetProperty("resource").GetString());
        Assert.Equal("cloudtrail:LookupEvents", Authorization(stored["cloudtrail"]).GetProperty("action").GetString());
        Assert.Equal($"arn:aws:secretsmanager:us-east-1:{Account}:secret:db", Authorization(stored["secretsmanager"]).GetProperty("resource").GetString());
        Assert.Equal("ecr-public:DeleteRepository", Authorization(stored["ecr-public"]).GetProperty("action").GetString());

        Assert.Contains("Request " + ids["iam"] + ": iam.amazonaws.com ListUsers", iam, StringComparison.Ordinal);
        Assert.Contains("Decision now (today's policies): implicitDeny", iam, StringComparison.Ordinal);
        Assert.Contains("- identity policy dora-policy, statement ListFromOffice (Allow): action matches, resource matches -> does not apply", iam, StringComparison.Ordinal);
        Assert.Contains("condition IpAddress aws:SourceIp: policy [10.0.0.0/8], request [127.0.0.1] -> FAILS", iam, StringComparison.Ordinal);

        Assert.Contains("Action:    sts:AssumeRole", sts, StringComparison.Ordinal);
        Assert.Contains("Decision now (today's policies): implicitDeny", sts, StringComparison.Ordinal);
        Assert.Contains("- identity policy dora-policy, statement AssumeDeploy (Allow): action matches, resource matches -> applies", sts, StringComparison.Ordinal);
        Assert.Contains("- trust policy deploy, statement TrustErin (Allow):", sts, StringComparison.Ordinal);
        Assert.Contains("principal does not match -> does not apply", sts, StringComparison.Ordinal);

        Assert.Contains("Decision now (today's policies): implicitDeny", cloudTrail, StringComparison.Ordinal);
        Assert.Contains("- identity policy dora-policy, statement TrailOverTls (Allow): action matches, resource matches -> does not apply", cloudTrail, StringComparison.Ordinal);
        Assert.Contains("condition Bool aws:SecureTransport: policy [true], request [false] -> FAILS", cloudTrail, StringComparison.Ordinal);

        Assert.Contains("Decision now (today's policies): explicitDeny", secrets, StringComparison.Ordinal);
        Assert.Contains("- identity policy dora-policy, statement NoSecrets (Deny): action matches, resource matches -> applies (decides)", secrets, StringComparison.Ordinal);

        Assert.Contains("Request " + ids["ecr-public"] + ": ecr-public.amazonaws.com DeleteRepository", ecrPublic, StringComparison.Ordinal);
        Assert.Contains($"Resource:  arn:aws:ecr-public::{Account}:repository/web", ecrPublic, StringComparison.Ordinal);
        Assert.Contains("Decision now (today's policies): explicitDeny", ecrPublic, StringComparison.Ordinal);
        Assert.Contains("- identity policy dora-policy, statement NoPublicDelete (Deny): action matches, resource matches -> applies (decides)", ecrPublic, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task AnAssumeRoleExplanationDecidesAsTheLiveTrustCheck()
    {
        ClientTools.SkipUnlessAvailable("python3");
        await refusals.IdsAsync();
        var services = refusals.Server.Services;
        var iam = services.GetRequiredService<IamAuthorization>();
        var roles = services.GetRequiredService<IIamEntityStore>();
        var finn = new Principal(Account, $"arn:aws:iam::{Account}:user/finn", "AKIAFINNEXAMPLE00001", PrincipalKind.User, "finn", "AIDAFINNEXAMPLE00001");
        var context = new RequestContext().Set("aws:SourceIp", "127.0.0.1");

        // finn's policy allows sts:AssumeRole on role/ident-* only; each role's trust names finn, the account, or erin.
        var expected = new Dictionary<string, bool>
        {
            ["ident-trusts-finn"] = true,
            ["ident-trusts-account"] = true,
            ["ident-trusts-erin"] = false,
            ["open-trusts-finn"] = true,
            ["open-trusts-account"] = false,
            ["open-trusts-erin"] = false,
        };
        foreach (var (name, allowed) in expected)
        {
            var arn = $"arn:aws:iam::{Account}:role/{name}";
            var role = await roles.FindByArnAsync(arn, default);
            Assert.NotNull(role);
            var live = await iam.CanAssumeAsync(finn, role, context, default);
            var explained = await iam.ExplainAssumeRoleAsync(finn, arn, role, context, default);

            Assert.True(allowed == live, $"{name}: live {live}");
            Assert.True(live == explained.Result.IsAllowed, $"{name}: live {live}, explained {explained.Decision}");
        }

        var missing = await iam.ExplainAssumeRoleAsync(finn, $"arn:aws:iam::{Account}:role/ident-gone", null, context, default);
        Assert.Equal("implicitDeny", missing.Decision);
        Assert.Null(missing.Request.ResourcePolicy);
    }

    /// <summary>The stored event of a request (the trail is written just after the answer: this waits for the writer).</summary>
    private static async Task<JsonElement> StoredAsync(IAuditTrailStore trail, string requestId)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (await trail.FindByRequestIdAsync(requestId, deadline.Token) is { } stored)
            {
                return JsonDocument.Parse(stored.Json).RootElement.Clone();
            }

            await Task.Delay(50, deadline.Token);
        }
    }

    private static JsonElement Authorization(JsonElement stored) => stored.GetProperty("additionalEventData").GetProperty("authorization");

    /// <summary>
    /// One server for the class, and the refusals made on it once (users dora, erin and finn, the roles; one refused
    /// call per face as dora): face → request id.
    /// </summary>
    public sealed class Refusals : IAsyncLifetime
    {
        private Task<Dictionary<string, string>>? _ids;

        public BerthTestServer Server { get; private set; } = null!;

        public async Task InitializeAsync() => Server = await BerthTestServer.StartEcrAsync();

        public async Task DisposeAsync() => await Server.DisposeAsync();

        public Task<Dictionary<string, string>> IdsAsync() => _ids ??= RefuseOnEachFaceAsync();

        /// <summary>
        /// As the root: dora (one inline policy), erin, the role deploy (trusting erin), finn and six roles trusting finn,
        /// the account or erin; then one refused call per face as dora. Returns face → request id.
        /// </summary>
        private async Task<Dictionary<string, string>> RefuseOnEachFaceAsync()
        {
            const string policy = """
                {"Version":"2012-10-17","Statement":[
                  {"Sid":"ListFromOffice","Effect":"Allow","Action":"iam:ListUsers","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}},
                  {"Sid":"TrailOverTls","Effect":"Allow","Action":"cloudtrail:LookupEvents","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}},
                  {"Sid":"NoSecrets","Effect":"Deny","Action":"secretsmanager:*","Resource":"*"},
                  {"Sid":"AssumeDeploy","Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::000000000000:role/deploy"},
                  {"Sid":"NoPublicDelete","Effect":"Deny","Action":"ecr-public:DeleteRepository","Resource":"*"}]}
                """;
            const string trust = """
                {"Version":"2012-10-17","Statement":[{"Sid":"TrustErin","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/erin"},"Action":"sts:AssumeRole"}]}
                """;
            var script = $$"""
                import boto3, json
                from botocore.exceptions import ClientError
                endpoint = "{{Server.BaseAddress.ToString().TrimEnd('/')}}"
                def client(service, key, secret):
                    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret)
                root = client("iam", "{{Server.AccessKeyId}}", "{{Server.SecretAccessKey}}")
                root.create_user(UserName="erin")
                root.create_user(UserName="dora")
                root.put_user_policy(UserName="dora", PolicyName="dora-policy", PolicyDocument={{JsonSerializer.Serialize(policy)}})
                root.create_role(RoleName="deploy", AssumeRolePolicyDocument={{JsonSerializer.Serialize(trust)}})
                root.create_user(UserName="finn")
                root.put_user_policy(UserName="finn", PolicyName="finn-policy", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::{{Account}}:role/ident-*"}]}))
                for prefix in ("ident", "open"):
                    for trusted, principal in (("finn", "arn:aws:iam::{{Account}}:user/finn"), ("account", "{{Account}}"), ("erin", "arn:aws:iam::{{Account}}:user/erin")):
                        root.create_role(RoleName=f"{prefix}-trusts-{trusted}", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                            {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}]}))
                key = root.create_access_key(UserName="dora")["AccessKey"]
                calls = {
                    "iam": lambda: client("iam", key["AccessKeyId"], key["SecretAccessKey"]).list_users(),
                    "sts": lambda: client("sts", key["AccessKeyId"], key["SecretAccessKey"]).assume_role(RoleArn="arn:aws:iam::{{Account}}:role/deploy", RoleSessionName="session"),
                    "cloudtrail": lambda: client("cloudtrail", key["AccessKeyId"], key["SecretAccessKey"]).lookup_events(),
                    "secretsmanager": lambda: client("secretsmanager", key["AccessKeyId"], key["SecretAccessKey"]).describe_secret(SecretId="db"),
                    "ecr-public": lambda: client("ecr-public", key["AccessKeyId"], key["SecretAccessKey"]).delete_repository(repositoryName="web"),
                }
                ids = {}
                for face, call in calls.items():
                    try:
                        call()
                        raise SystemExit(face + " was allowed")
                    except ClientError as e:
                        if e.response["Error"]["Code"] not in ("AccessDenied", "AccessDeniedException"):
                            raise
                        ids[face] = e.response["ResponseMetadata"]["RequestId"]
                print(json.dumps(ids))
                """;
            var result = await ProcessRunner.RunAsync("python3", ["-c", script], new ProcessRunOptions
            {
                Environment = new Dictionary<string, string?>
                {
                    ["AWS_CONFIG_FILE"] = "/dev/null",
                    ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
                    ["AWS_EC2_METADATA_DISABLED"] = "true",
                },
            });
            return JsonSerializer.Deserialize<Dictionary<string, string>>(result.StandardOutput)!;
        }
    }
}
