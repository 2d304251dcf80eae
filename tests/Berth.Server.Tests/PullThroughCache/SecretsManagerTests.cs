using System.Text;
using Berth.Server.Tests.Iam;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.PullThroughCache;

/// <summary>The Secrets Manager subset through the real aws CLI (SigV4 service secretsmanager).</summary>
public sealed class SecretsManagerTests : IAsyncLifetime
{
    private BerthTestServer _server = null!;
    private AwsCli _aws = null!;

    public async Task InitializeAsync()
    {
        _server = await BerthTestServer.StartEcrAsync();
        _aws = new AwsCli(_server);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ASecretIsCreatedReadReplacedDescribedListedAndDeleted()
    {
        var created = await _aws.RunAsync("secretsmanager", "create-secret", "--name", "ecr-pullthroughcache/app", "--description", "upstream", "--secret-string", "first-value");
        var arn = created.GetProperty("ARN").GetString()!;
        var read = await _aws.RunAsync("secretsmanager", "get-secret-value", "--secret-id", "ecr-pullthroughcache/app");
        var put = await _aws.RunAsync("secretsmanager", "put-secret-value", "--secret-id", arn, "--secret-string", "second-value");
        var reread = await _aws.RunAsync("secretsmanager", "get-secret-value", "--secret-id", arn[..^7]);
        var described = await _aws.RunAsync("secretsmanager", "describe-secret", "--secret-id", arn);
        var listed = await _aws.RunAsync("secretsmanager", "list-secrets");
        var deleted = await _aws.RunAsync("secretsmanager", "delete-secret", "--secret-id", arn, "--recovery-window-in-days", "7");
        var afterDelete = await _aws.FailAsync("secretsmanager", "get-secret-value", "--secret-id", arn);
        var hidden = await _aws.RunAsync("secretsmanager", "list-secrets");
        var planned = await _aws.RunAsync("secretsmanager", "list-secrets", "--include-planned-deletion");

        Assert.Matches(@"\Aarn:aws:secretsmanager:us-east-1:000000000000:secret:ecr-pullthroughcache/app-[A-Za-z]{6}\z", arn);
        Assert.Equal("first-value", read.GetProperty("SecretString").GetString());
        Assert.Equal(["AWSCURRENT"], read.GetProperty("VersionStages").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("second-value", reread.GetProperty("SecretString").GetString());
        Assert.Equal(put.GetProperty("VersionId").GetString(), reread.GetProperty("VersionId").GetString());
        Assert.Equal("upstream", described.GetProperty("Description").GetString());
        Assert.True(described.GetProperty("VersionIdsToStages").TryGetProperty(put.GetProperty("VersionId").GetString()!, out _));
        Assert.Equal(arn, Assert.Single(listed.GetProperty("SecretList").EnumerateArray()).GetProperty("ARN").GetString());
        Assert.InRange(deleted.GetProperty("DeletionDate").GetDouble(), DateTimeOffset.UtcNow.AddDays(6).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddDays(8).ToUnixTimeSeconds());
        Assert.Contains("(InvalidRequestException)", afterDelete, StringComparison.Ordinal);
        Assert.Contains("marked for deletion", afterDelete, StringComparison.Ordinal);
        Assert.Equal(0, hidden.GetProperty("SecretList").GetArrayLength());
        Assert.Single(planned.GetProperty("SecretList").EnumerateArray());
    }

    [Fact]
    public async Task SecretsManagerErrorsAreAwssOwn()
    {
        await _aws.RunAsync("secretsmanager", "create-secret", "--name", "dup", "--secret-string", "x");

        var exists = await _aws.FailAsync("secretsmanager", "create-secret", "--name", "dup", "--secret-string", "y");
        var missing = await _aws.FailAsync("secretsmanager", "get-secret-value", "--secret-id", "nothing-here");
        var both = await _aws.FailAsync("secretsmanager", "delete-secret", "--secret-id", "dup", "--recovery-window-in-days", "7", "--force-delete-without-recovery");
        var window = await _aws.FailAsync("secretsmanager", "delete-secret", "--secret-id", "dup", "--recovery-window-in-days", "3");
        var tags = await _aws.FailAsync("secretsmanager", "create-secret", "--name", "tagged", "--secret-string", "x", "--tags", "Key=a,Value=b");
        await _aws.RunAsync("secretsmanager", "delete-secret", "--secret-id", "dup", "--force-delete-without-recovery");
        var recreated = await _aws.RunAsync("secretsmanager", "create-secret", "--name", "dup", "--secret-string", "z");

        Assert.Contains("(ResourceExistsException)", exists, StringComparison.Ordinal);
        Assert.Contains("The operation failed because the secret dup already exists.", exists, StringComparison.Ordinal);
        Assert.Contains("(ResourceNotFoundException)", missing, StringComparison.Ordinal);
        Assert.Contains("Secrets Manager can't find the specified secret.", missing, StringComparison.Ordinal);
        Assert.Contains("(InvalidParameterException)", both, StringComparison.Ordinal);
        Assert.Contains("(InvalidParameterException)", window, StringComparison.Ordinal);
        Assert.Contains("(InvalidParameterException)", tags, StringComparison.Ordinal);
        Assert.Equal("dup", recreated.GetProperty("Name").GetString());
    }

    [Fact]
    public async Task ABinarySecretRoundTrips()
    {
        var file = Path.Combine(_server.DataDirectory, "..", $"secret-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(file, [0, 1, 2, 254, 255]);
        try
        {
            await _aws.RunAsync("secretsmanager", "create-secret", "--name", "binary", "--secret-binary", "fileb://" + file);

            var read = await _aws.RunAsync("secretsmanager", "get-secret-value", "--secret-id", "binary");

            Assert.Equal([0, 1, 2, 254, 255], read.GetProperty("SecretBinary").GetBytesFromBase64());
            Assert.False(read.TryGetProperty("SecretString", out _));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task TheValueIsStoredSealedNotInPlainText()
    {
        var value = $"plain-{Guid.NewGuid():N}";
        await _aws.RunAsync("secretsmanager", "create-secret", "--name", "sealed", "--secret-string", value);

        foreach (var path in Directory.EnumerateFiles(_server.DataDirectory, "*", SearchOption.AllDirectories))
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.Latin1);
            Assert.DoesNotContain(value, await reader.ReadToEndAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EveryCallIsAuthorizedOnTheSecretsArn()
    {
        var created = await _aws.RunAsync("secretsmanager", "create-secret", "--name", "ecr-pullthroughcache/guarded", "--secret-string", "x");
        await _aws.RunAsync("secretsmanager", "create-secret", "--name", "other", "--secret-string", "y");
        var iam = new IamCli(_server);
        var user = await iam.CreateUserWithKeyAsync("secret-reader");
        await iam.RunAsync("iam", "put-user-policy", "--user-name", "secret-reader", "--policy-name", "read",
            "--policy-document", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:us-east-1:000000000000:secret:ecr-pullthroughcache/*"}]}""");

        var allowed = await iam.RunAsAsync(user, "secretsmanager", "get-secret-value", "--secret-id", "ecr-pullthroughcache/guarded");
        var otherSecret = await iam.FailAsAsync(user, "secretsmanager", "get-secret-value", "--secret-id", "other");
        var put = await iam.FailAsAsync(user, "secretsmanager", "put-secret-value", "--secret-id", "ecr-pullthroughcache/guarded", "--secret-string", "z");

        Assert.Equal(created.GetProperty("ARN").GetString(), allowed.GetProperty("ARN").GetString());
        Assert.Contains("(AccessDeniedException)", otherSecret, StringComparison.Ordinal);
        Assert.Contains("secretsmanager:GetSecretValue", otherSecret, StringComparison.Ordinal);
        Assert.Contains("(AccessDeniedException)", put, StringComparison.Ordinal);
    }
}
