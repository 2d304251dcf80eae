using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Iam;

/// <summary>CreateUser, GetUser, ListUsers, DeleteUser through the real aws CLI, with IAM's errors.</summary>
public sealed class IamUserTests : IAsyncLifetime
{
    private BerthTestServer _server = null!;
    private IamCli _aws = null!;

    public async Task InitializeAsync()
    {
        _server = await BerthTestServer.StartEcrAsync();
        _aws = new IamCli(_server);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task CreateUserFormsArnIdAndPathAsIamDoes()
    {
        var user = (await _aws.RunAsync("iam", "create-user", "--user-name", "ci", "--path", "/build/")).GetProperty("User");

        Assert.Equal("ci", user.GetProperty("UserName").GetString());
        Assert.Equal("/build/", user.GetProperty("Path").GetString());
        Assert.Equal("arn:aws:iam::000000000000:user/build/ci", user.GetProperty("Arn").GetString());
        Assert.Matches("^AIDA[A-Z2-7]{17}$", user.GetProperty("UserId").GetString());
        Assert.True(user.GetProperty("CreateDate").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));

        var got = (await _aws.RunAsync("iam", "get-user", "--user-name", "CI")).GetProperty("User");
        Assert.Equal(user.GetProperty("UserId").GetString(), got.GetProperty("UserId").GetString());
    }

    [Fact]
    public async Task ANameIsTakenWhateverItsCase()
    {
        await _aws.RunAsync("iam", "create-user", "--user-name", "Alice");

        var error = await _aws.FailAsync("iam", "create-user", "--user-name", "alice");

        Assert.Contains("An error occurred (EntityAlreadyExists) when calling the CreateUser operation: User with name alice already exists.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingUserIsNoSuchEntity()
    {
        var get = await _aws.FailAsync("iam", "get-user", "--user-name", "nobody");
        var delete = await _aws.FailAsync("iam", "delete-user", "--user-name", "nobody");

        Assert.Contains("(NoSuchEntity) when calling the GetUser operation: The user with name nobody cannot be found.", get, StringComparison.Ordinal);
        Assert.Contains("(NoSuchEntity) when calling the DeleteUser operation: The user with name nobody cannot be found.", delete, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInvalidNameIsAValidationErrorInAwsWords()
    {
        var error = await _aws.FailAsync("iam", "create-user", "--user-name", "bad name!");

        Assert.Contains(
            "(ValidationError) when calling the CreateUser operation: 1 validation error detected: Value 'bad name!' at 'userName' failed to satisfy constraint: " +
            @"Member must satisfy regular expression pattern: [\w+=,.@-]+",
            error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetUserWithoutANameDescribesTheCaller()
    {
        var root = (await _aws.RunAsync("iam", "get-user")).GetProperty("User");
        var key = await _aws.CreateUserWithKeyAsync("self");
        var denied = await _aws.FailAsAsync(key, "iam", "get-user");
        await _aws.RunAsync("iam", "put-user-policy", "--user-name", "self", "--policy-name", "self", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/${aws:username}"}]}""");
        var self = (await _aws.RunAsAsync(key, "iam", "get-user")).GetProperty("User");

        Assert.Equal("arn:aws:iam::000000000000:root", root.GetProperty("Arn").GetString());
        Assert.Equal("000000000000", root.GetProperty("UserId").GetString());
        Assert.Equal("arn:aws:iam::000000000000:user/self", self.GetProperty("Arn").GetString());
        Assert.Contains(
            "(AccessDenied) when calling the GetUser operation: User: arn:aws:iam::000000000000:user/self is not authorized to perform: iam:GetUser " +
            "on resource: arn:aws:iam::000000000000:user/self because no identity-based policy allows the iam:GetUser action",
            denied, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListUsersPagesWithMarkerAndFiltersByPath()
    {
        foreach (var name in new[] { "u1", "u2", "u3", "u4", "u5" })
        {
            await _aws.RunAsync("iam", "create-user", "--user-name", name, "--path", name == "u5" ? "/other/" : "/team/");
        }

        var first = await _aws.RunAsync("iam", "list-users", "--path-prefix", "/team/", "--max-items", "2");
        var all = await _aws.RunAsync("iam", "list-users", "--path-prefix", "/team/", "--page-size", "1");
        var everyone = await _aws.RunAsync("iam", "list-users");

        Assert.Equal(["u1", "u2"], first.GetProperty("Users").EnumerateArray().Select(u => u.GetProperty("UserName").GetString()));
        Assert.True(first.TryGetProperty("NextToken", out _));
        Assert.Equal(["u1", "u2", "u3", "u4"], all.GetProperty("Users").EnumerateArray().Select(u => u.GetProperty("UserName").GetString()));
        Assert.Equal(5, everyone.GetProperty("Users").GetArrayLength());
    }

    [Fact]
    public async Task DeleteUserConflictsWhileItHasKeysPoliciesOrGroups()
    {
        var key = await _aws.CreateUserWithKeyAsync("busy");
        await _aws.RunAsync("iam", "create-group", "--group-name", "devs");
        await _aws.RunAsync("iam", "add-user-to-group", "--group-name", "devs", "--user-name", "busy");
        await _aws.RunAsync("iam", "put-user-policy", "--user-name", "busy", "--policy-name", "p", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}""");

        var withKey = await _aws.FailAsync("iam", "delete-user", "--user-name", "busy");
        await _aws.RunAsync("iam", "delete-access-key", "--user-name", "busy", "--access-key-id", key.AccessKeyId);
        var withPolicy = await _aws.FailAsync("iam", "delete-user", "--user-name", "busy");
        await _aws.RunAsync("iam", "delete-user-policy", "--user-name", "busy", "--policy-name", "p");
        var withGroup = await _aws.FailAsync("iam", "delete-user", "--user-name", "busy");
        await _aws.RunAsync("iam", "remove-user-from-group", "--group-name", "devs", "--user-name", "busy");
        await _aws.RunAsync("iam", "delete-user", "--user-name", "busy");

        Assert.Contains("(DeleteConflict) when calling the DeleteUser operation: Cannot delete entity, must delete access keys first.", withKey, StringComparison.Ordinal);
        Assert.Contains("(DeleteConflict) when calling the DeleteUser operation: Cannot delete entity, must delete policies first.", withPolicy, StringComparison.Ordinal);
        Assert.Contains("(DeleteConflict) when calling the DeleteUser operation: Cannot delete entity, must remove users from group first.", withGroup, StringComparison.Ordinal);
        Assert.Contains("(NoSuchEntity)", await _aws.FailAsync("iam", "get-user", "--user-name", "busy"), StringComparison.Ordinal);
    }
}
