using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Iam;

/// <summary>Groups and roles through the real aws CLI: members, listings, role attributes and IAM's errors.</summary>
public sealed class IamGroupAndRoleTests : IAsyncLifetime
{
    private const string Trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";
    private BerthTestServer _server = null!;
    private IamCli _aws = null!;

    public async Task InitializeAsync()
    {
        _server = await BerthTestServer.StartEcrAsync();
        _aws = new IamCli(_server);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task GroupsListTheirUsersAndUsersTheirGroups()
    {
        await _aws.RunAsync("iam", "create-user", "--user-name", "ann");
        await _aws.RunAsync("iam", "create-user", "--user-name", "bob");
        var created = (await _aws.RunAsync("iam", "create-group", "--group-name", "builders")).GetProperty("Group");
        await _aws.RunAsync("iam", "create-group", "--group-name", "readers", "--path", "/ro/");
        await _aws.RunAsync("iam", "add-user-to-group", "--group-name", "builders", "--user-name", "ann");
        await _aws.RunAsync("iam", "add-user-to-group", "--group-name", "builders", "--user-name", "bob");
        await _aws.RunAsync("iam", "add-user-to-group", "--group-name", "readers", "--user-name", "ann");

        var group = await _aws.RunAsync("iam", "get-group", "--group-name", "builders");
        var forAnn = await _aws.RunAsync("iam", "list-groups-for-user", "--user-name", "ann");
        var readers = await _aws.RunAsync("iam", "list-groups", "--path-prefix", "/ro/");
        var conflict = await _aws.FailAsync("iam", "delete-group", "--group-name", "builders");
        var exists = await _aws.FailAsync("iam", "create-group", "--group-name", "BUILDERS");
        var notMember = await _aws.FailAsync("iam", "remove-user-from-group", "--group-name", "readers", "--user-name", "bob");

        Assert.Matches("^AGPA[A-Z2-7]{17}$", created.GetProperty("GroupId").GetString());
        Assert.Equal("arn:aws:iam::000000000000:group/builders", group.GetProperty("Group").GetProperty("Arn").GetString());
        Assert.Equal(["ann", "bob"], group.GetProperty("Users").EnumerateArray().Select(u => u.GetProperty("UserName").GetString()));
        Assert.Equal(["builders", "readers"], forAnn.GetProperty("Groups").EnumerateArray().Select(g => g.GetProperty("GroupName").GetString()));
        Assert.Equal(["readers"], readers.GetProperty("Groups").EnumerateArray().Select(g => g.GetProperty("GroupName").GetString()));
        Assert.Contains("(DeleteConflict) when calling the DeleteGroup operation: Cannot delete entity, must remove users from group first.", conflict, StringComparison.Ordinal);
        Assert.Contains("(EntityAlreadyExists) when calling the CreateGroup operation: Group with name BUILDERS already exists.", exists, StringComparison.Ordinal);
        Assert.Contains("(NoSuchEntity) when calling the RemoveUserFromGroup operation", notMember, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RolesKeepTheirTrustPolicyDescriptionAndMaxSessionDuration()
    {
        var created = (await _aws.RunAsync("iam", "create-role", "--role-name", "builder", "--path", "/ci/", "--description", "CI builds",
            "--max-session-duration", "7200", "--assume-role-policy-document", Trust)).GetProperty("Role");
        await _aws.RunAsync("iam", "put-role-policy", "--role-name", "builder", "--policy-name", "inline", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}""");

        var role = (await _aws.RunAsync("iam", "get-role", "--role-name", "builder")).GetProperty("Role");
        var listed = await _aws.RunAsync("iam", "list-roles", "--path-prefix", "/ci/");
        var tooLong = await _aws.FailAsync("iam", "create-role", "--role-name", "r2", "--max-session-duration", "50000", "--assume-role-policy-document", Trust);
        var conflict = await _aws.FailAsync("iam", "delete-role", "--role-name", "builder");
        await _aws.RunAsync("iam", "delete-role-policy", "--role-name", "builder", "--policy-name", "inline");
        await _aws.RunAsync("iam", "delete-role", "--role-name", "builder");

        Assert.Matches("^AROA[A-Z2-7]{17}$", created.GetProperty("RoleId").GetString());
        Assert.Equal("arn:aws:iam::000000000000:role/ci/builder", role.GetProperty("Arn").GetString());
        Assert.Equal("CI builds", role.GetProperty("Description").GetString());
        Assert.Equal(7200, role.GetProperty("MaxSessionDuration").GetInt32());
        Assert.Equal("ec2.amazonaws.com", role.GetProperty("AssumeRolePolicyDocument").GetProperty("Statement")[0].GetProperty("Principal").GetProperty("Service").GetString());
        Assert.Equal(["builder"], listed.GetProperty("Roles").EnumerateArray().Select(r => r.GetProperty("RoleName").GetString()));
        Assert.Contains("(ValidationError) when calling the CreateRole operation: 1 validation error detected: Value '50000' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200", tooLong, StringComparison.Ordinal);
        Assert.Contains("(DeleteConflict) when calling the DeleteRole operation: Cannot delete entity, must delete policies first.", conflict, StringComparison.Ordinal);
    }
}
