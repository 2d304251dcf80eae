using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Registries;

/// <summary><c>berth account create|list</c>, run as the real executable.</summary>
public sealed class AccountCommandTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("berth-accounts-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task CreateMakesAnAccountWithARootKeyPrintedOnceAndListShowsIt()
    {
        var created = await BerthCli.RunAsync(_data, "account", "create", "222222222222");
        var listed = await BerthCli.RunAsync(_data, "account", "list");

        Assert.True(created.ExitCode == 0, created.StandardError);
        Assert.Contains("arn:aws:iam::222222222222:root", created.StandardOutput, StringComparison.Ordinal);
        Assert.Matches("AWS_ACCESS_KEY_ID=AKIA[A-Z2-7]{16}", created.StandardOutput);
        Assert.Matches("AWS_SECRET_ACCESS_KEY=\\S{40}", created.StandardOutput);
        Assert.Equal(["000000000000", "222222222222"], listed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Theory]
    [InlineData("12345", "must be exactly 12 digits")]
    [InlineData("12345678901a", "must be exactly 12 digits")]
    [InlineData("444455556666\n", "must be exactly 12 digits")]
    [InlineData("000000000000", "already exists")]
    public async Task CreateRefusesAMalformedOrExistingIdWithExitCodeOne(string id, string message)
    {
        var refused = await BerthCli.RunAsync(_data, "account", "create", id);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains(message, refused.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGivenKeyWorksWithTheAwsCliAndAKeyIdInUseIsRefused()
    {
        await using var server = await BerthTestServer.StartEcrAsync(new Dictionary<string, string?> { ["Berth:DataDirectory"] = _data });
        var created = await BerthCli.RunAsync(_data, "account", "create", "333333333333", "--access-key-id", "AKIATHIRDACCOUNT0001", "--secret-access-key", "third-secret");
        var reused = await BerthCli.RunAsync(_data, "account", "create", "444444444444", "--access-key-id", "AKIATHIRDACCOUNT0001", "--secret-access-key", "x");
        var aws = new AwsCli(server);
        var registry = await aws.RunRawAsync(["ecr", "describe-registry"],
            new Dictionary<string, string?> { ["AWS_ACCESS_KEY_ID"] = "AKIATHIRDACCOUNT0001", ["AWS_SECRET_ACCESS_KEY"] = "third-secret" });

        Assert.True(created.ExitCode == 0, created.StandardError);
        Assert.DoesNotContain("third-secret", created.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, reused.ExitCode);
        Assert.Contains("already in use", reused.StandardError, StringComparison.Ordinal);
        Assert.True(registry.ExitCode == 0, registry.StandardError);
        Assert.Contains("\"registryId\": \"333333333333\"", registry.StandardOutput, StringComparison.Ordinal);
    }
}
