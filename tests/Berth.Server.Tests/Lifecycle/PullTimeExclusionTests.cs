using System.Text.Json;
using Berth.Server.Tests.Ecr;
using Berth.Server.Tests.Iam;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Server.Tests.Lifecycle;

/// <summary>
/// Pull-time update exclusions with the real aws CLI: the pulls of a registered principal do not move an image's
/// lastRecordedPullTime; another principal's pull does. The server's clock is the test's, so the once-a-second
/// "is a pull due" throttle is passed by moving it, not by waiting.
/// </summary>
public sealed class PullTimeExclusionTests
{
    private const string PullPolicy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:BatchGetImage"],"Resource":"*"}]}""";

    [Fact]
    public async Task AnExcludedPrincipalsPullsDoNotMoveLastRecordedPullTimeAndAnotherPrincipalsPullDoes()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        var ecr = new EcrRegistry { Services = services => services.AddSingleton<TimeProvider>(clock) };
        await ecr.InitializeAsync();
        try
        {
            var iam = new IamCli(ecr.Server);
            var (excludedName, countedName) = ($"ci-{Guid.NewGuid():N}"[..16], $"dev-{Guid.NewGuid():N}"[..16]);
            var excluded = await iam.CreateUserWithKeyAsync(excludedName);
            var counted = await iam.CreateUserWithKeyAsync(countedName);
            foreach (var name in new[] { excludedName, countedName })
            {
                await iam.RunAsync("iam", "put-user-policy", "--user-name", name, "--policy-name", "pull", "--policy-document", PullPolicy);
            }

            var excludedArn = (await iam.RunAsync("iam", "get-user", "--user-name", excludedName)).GetProperty("User").GetProperty("Arn").GetString()!;
            await ecr.Aws.RunAsync("ecr", "register-pull-time-update-exclusion", "--principal-arn", excludedArn);
            var repository = await ecr.NewRepositoryAsync();
            var digest = await ecr.PutImageAsync(repository, (await ecr.PrepareImageAsync(repository)).Manifest, "v1");
            string[] pull = ["ecr", "batch-get-image", "--repository-name", repository, "--image-ids", "imageTag=v1"];

            var first = await iam.RunAsAsync(excluded, pull);
            var afterFirst = await DescribeAsync(ecr, repository);
            clock.Advance(TimeSpan.FromSeconds(2));
            var second = await iam.RunAsAsync(excluded, pull);
            var afterSecond = await DescribeAsync(ecr, repository);
            clock.Advance(TimeSpan.FromSeconds(2));
            var pulledAt = clock.GetUtcNow();
            var third = await iam.RunAsAsync(counted, pull);
            var afterThird = await DescribeAsync(ecr, repository);

            Assert.All(new[] { first, second, third }, r => Assert.Equal(digest, r.GetProperty("images")[0].GetProperty("imageId").GetProperty("imageDigest").GetString()));
            Assert.False(afterFirst.TryGetProperty("lastRecordedPullTime", out _));
            Assert.False(afterSecond.TryGetProperty("lastRecordedPullTime", out _));
            Assert.Equal(pulledAt.ToUnixTimeMilliseconds() / 1000.0, afterThird.GetProperty("lastRecordedPullTime").GetDouble(), precision: 3);
        }
        finally
        {
            await ecr.DisposeAsync();
        }
    }

    private static async Task<JsonElement> DescribeAsync(EcrRegistry ecr, string repository) =>
        (await ecr.Aws.RunAsync("ecr", "describe-images", "--repository-name", repository)).GetProperty("imageDetails")[0];
}
