using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Iam;

/// <summary>
/// Inline and managed policies through the real aws CLI: storage, versions, attachments, AWS managed policies, IAM's
/// errors, and the policies taking effect on the next IAM call of the user they apply to (directly or via a group).
/// </summary>
public sealed class IamPolicyTests : IAsyncLifetime
{
    private const string Account = "000000000000";
    private const string ListUsers = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}""";
    private const string DenyAll = """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}""";
    private BerthTestServer _server = null!;
    private IamCli _aws = null!;

    public async Task InitializeAsync()
    {
        _server = await BerthTestServer.StartEcrAsync();
        _aws = new IamCli(_server);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task InlinePoliciesAreStoredReturnedAndEnforced()
    {
        var key = await _aws.CreateUserWithKeyAsync("ops");
        var before = await _aws.FailAsAsync(key, "iam", "list-users");

        await _aws.RunAsync("iam", "put-user-policy", "--user-name", "ops", "--policy-name", "list", "--policy-document", ListUsers);
        var got = await _aws.RunAsync("iam", "get-user-policy", "--user-name", "ops", "--policy-name", "list");
        var names = await _aws.RunAsync("iam", "list-user-policies", "--user-name", "ops");
        await _aws.RunAsAsync(key, "iam", "list-users");
        var other = await _aws.FailAsAsync(key, "iam", "create-user", "--user-name", "x");

        await _aws.RunAsync("iam", "create-group", "--group-name", "locked");
        await _aws.RunAsync("iam", "put-group-policy", "--group-name", "locked", "--policy-name", "deny", "--policy-document", DenyAll);
        await _aws.RunAsync("iam", "add-user-to-group", "--group-name", "locked", "--user-name", "ops");
        var denied = await _aws.FailAsAsync(key, "iam", "list-users");
        await _aws.RunAsync("iam", "delete-user-policy", "--user-name", "ops", "--policy-name", "list");
        var gone = await _aws.FailAsync("iam", "get-user-policy", "--user-name", "ops", "--policy-name", "list");

        Assert.Contains($"(AccessDenied) when calling the ListUsers operation: User: arn:aws:iam::{Account}:user/ops is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::{Account}:user/ because no identity-based policy allows the iam:ListUsers action", before, StringComparison.Ordinal);
        Assert.Equal("list", got.GetProperty("PolicyName").GetString());
        Assert.Equal("Allow", got.GetProperty("PolicyDocument").GetProperty("Statement")[0].GetProperty("Effect").GetString());
        Assert.Equal(["list"], names.GetProperty("PolicyNames").EnumerateArray().Select(n => n.GetString()));
        Assert.Contains("(AccessDenied) when calling the CreateUser operation", other, StringComparison.Ordinal);
        Assert.Contains("with an explicit deny in an identity-based policy", denied, StringComparison.Ordinal);
        Assert.Contains("(NoSuchEntity) when calling the GetUserPolicy operation: The user policy with name list cannot be found.", gone, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMalformedDocumentIsRefusedAndNothingIsStored()
    {
        await _aws.RunAsync("iam", "create-user", "--user-name", "u1");

        var inline = await _aws.FailAsync("iam", "put-user-policy", "--user-name", "u1", "--policy-name", "bad", "--policy-document", """{"Statement":[{"Effect":"Allow"}]}""");
        var managed = await _aws.FailAsync("iam", "create-policy", "--policy-name", "bad", "--policy-document", "not json");
        var trust = await _aws.FailAsync("iam", "create-role", "--role-name", "r", "--assume-role-policy-document", ListUsers);

        Assert.Contains("(MalformedPolicyDocument) when calling the PutUserPolicy operation:", inline, StringComparison.Ordinal);
        Assert.Contains("(MalformedPolicyDocument) when calling the CreatePolicy operation: Syntax errors in policy.", managed, StringComparison.Ordinal);
        Assert.Contains("(MalformedPolicyDocument) when calling the CreateRole operation:", trust, StringComparison.Ordinal);
        Assert.Equal(0, (await _aws.RunAsync("iam", "list-user-policies", "--user-name", "u1")).GetProperty("PolicyNames").GetArrayLength());
        Assert.Equal(0, (await _aws.RunAsync("iam", "list-policies", "--scope", "Local")).GetProperty("Policies").GetArrayLength());
        Assert.Contains("(NoSuchEntity)", await _aws.FailAsync("iam", "get-role", "--role-name", "r"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManagedPolicyVersionsFollowIamsRules()
    {
        var policy = (await _aws.RunAsync("iam", "create-policy", "--policy-name", "readers", "--path", "/team/", "--policy-document", ListUsers)).GetProperty("Policy");
        var arn = policy.GetProperty("Arn").GetString()!;
        for (var i = 2; i <= 5; i++)
        {
            await _aws.RunAsync("iam", "create-policy-version", "--policy-arn", arn, "--policy-document", ListUsers, i == 3 ? "--set-as-default" : "--no-set-as-default");
        }

        var sixth = await _aws.FailAsync("iam", "create-policy-version", "--policy-arn", arn, "--policy-document", ListUsers);
        var versions = await _aws.RunAsync("iam", "list-policy-versions", "--policy-arn", arn);
        var v3 = (await _aws.RunAsync("iam", "get-policy-version", "--policy-arn", arn, "--version-id", "v3")).GetProperty("PolicyVersion");
        var deleteDefault = await _aws.FailAsync("iam", "delete-policy-version", "--policy-arn", arn, "--version-id", "v3");
        var deleteWithVersions = await _aws.FailAsync("iam", "delete-policy", "--policy-arn", arn);
        var duplicate = await _aws.FailAsync("iam", "create-policy", "--policy-name", "readers", "--policy-document", ListUsers);
        foreach (var version in new[] { "v1", "v2", "v4", "v5" })
        {
            await _aws.RunAsync("iam", "delete-policy-version", "--policy-arn", arn, "--version-id", version);
        }

        await _aws.RunAsync("iam", "delete-policy", "--policy-arn", arn);

        Assert.Equal($"arn:aws:iam::{Account}:policy/team/readers", arn);
        Assert.Matches("^ANPA[A-Z2-7]{17}$", policy.GetProperty("PolicyId").GetString());
        Assert.Equal("v1", policy.GetProperty("DefaultVersionId").GetString());
        Assert.Contains("(LimitExceeded) when calling the CreatePolicyVersion operation: A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.", sixth, StringComparison.Ordinal);
        Assert.Equal(["v5", "v4", "v3", "v2", "v1"], versions.GetProperty("Versions").EnumerateArray().Select(v => v.GetProperty("VersionId").GetString()));
        Assert.True(v3.GetProperty("IsDefaultVersion").GetBoolean());
        Assert.Equal("iam:ListUsers", v3.GetProperty("Document").GetProperty("Statement")[0].GetProperty("Action").GetString());
        Assert.Contains("(DeleteConflict) when calling the DeletePolicyVersion operation: Cannot delete the default version of a policy.", deleteDefault, StringComparison.Ordinal);
        Assert.Contains("(DeleteConflict) when calling the DeletePolicy operation: This policy has more than one version.", deleteWithVersions, StringComparison.Ordinal);
        Assert.Contains("(EntityAlreadyExists) when calling the CreatePolicy operation: A policy called readers already exists. Duplicate names are not allowed.", duplicate, StringComparison.Ordinal);
        Assert.Contains("(NoSuchEntity) when calling the GetPolicy operation", await _aws.FailAsync("iam", "get-policy", "--policy-arn", arn), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManagedPoliciesAttachToUsersGroupsAndRolesAndGrantThroughGroups()
    {
        var key = await _aws.CreateUserWithKeyAsync("member");
        await _aws.RunAsync("iam", "create-group", "--group-name", "admins");
        await _aws.RunAsync("iam", "add-user-to-group", "--group-name", "admins", "--user-name", "member");
        await _aws.RunAsync("iam", "create-role", "--role-name", "ci", "--assume-role-policy-document",
            $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{Account}}:root"},"Action":"sts:AssumeRole"}]}""");
        var local = (await _aws.RunAsync("iam", "create-policy", "--policy-name", "list", "--policy-document", ListUsers)).GetProperty("Policy").GetProperty("Arn").GetString()!;
        const string Admin = "arn:aws:iam::aws:policy/AdministratorAccess";

        var before = await _aws.FailAsAsync(key, "iam", "create-user", "--user-name", "made-by-member");
        await _aws.RunAsync("iam", "attach-group-policy", "--group-name", "admins", "--policy-arn", Admin);
        await _aws.RunAsAsync(key, "iam", "create-user", "--user-name", "made-by-member");
        await _aws.RunAsync("iam", "attach-user-policy", "--user-name", "member", "--policy-arn", local);
        await _aws.RunAsync("iam", "attach-role-policy", "--role-name", "ci", "--policy-arn", "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly");

        var group = await _aws.RunAsync("iam", "list-attached-group-policies", "--group-name", "admins");
        var role = await _aws.RunAsync("iam", "list-attached-role-policies", "--role-name", "ci");
        var attached = await _aws.RunAsync("iam", "get-policy", "--policy-arn", local);
        var aws = await _aws.RunAsync("iam", "list-policies", "--scope", "AWS");
        var onlyAttached = await _aws.RunAsync("iam", "list-policies", "--only-attached");
        var unknown = await _aws.FailAsync("iam", "attach-user-policy", "--user-name", "member", "--policy-arn", "arn:aws:iam::aws:policy/NoSuchPolicy");
        var conflict = await _aws.FailAsync("iam", "delete-policy", "--policy-arn", local);
        var deleteRole = await _aws.FailAsync("iam", "delete-role", "--role-name", "ci");
        await _aws.RunAsync("iam", "detach-role-policy", "--role-name", "ci", "--policy-arn", "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly");
        var notAttached = await _aws.FailAsync("iam", "detach-role-policy", "--role-name", "ci", "--policy-arn", "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly");
        await _aws.RunAsync("iam", "delete-role", "--role-name", "ci");

        Assert.Contains("(AccessDenied)", before, StringComparison.Ordinal);
        Assert.Equal([Admin], group.GetProperty("AttachedPolicies").EnumerateArray().Select(p => p.GetProperty("PolicyArn").GetString()));
        Assert.Equal("AmazonEC2ContainerRegistryReadOnly", role.GetProperty("AttachedPolicies")[0].GetProperty("PolicyName").GetString());
        Assert.Equal(1, attached.GetProperty("Policy").GetProperty("AttachmentCount").GetInt32());
        var awsNames = aws.GetProperty("Policies").EnumerateArray().Select(p => p.GetProperty("PolicyName").GetString()).ToList();
        Assert.Contains("AmazonEC2ContainerRegistryPowerUser", awsNames);
        Assert.Contains("AmazonEC2ContainerRegistryPullOnly", awsNames);
        Assert.DoesNotContain("list", awsNames);
        Assert.Equal(["AdministratorAccess", "AmazonEC2ContainerRegistryReadOnly", "list"], onlyAttached.GetProperty("Policies").EnumerateArray().Select(p => p.GetProperty("PolicyName").GetString()));
        Assert.Contains("(NoSuchEntity) when calling the AttachUserPolicy operation: Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable.", unknown, StringComparison.Ordinal);
        Assert.Contains("(DeleteConflict) when calling the DeletePolicy operation: Cannot delete a policy attached to entities.", conflict, StringComparison.Ordinal);
        Assert.Contains("(DeleteConflict) when calling the DeleteRole operation: Cannot delete entity, must detach all policies first.", deleteRole, StringComparison.Ordinal);
        Assert.Contains("(NoSuchEntity) when calling the DetachRolePolicy operation", notAttached, StringComparison.Ordinal);
    }
}
