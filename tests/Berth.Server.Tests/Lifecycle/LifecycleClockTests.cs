using Berth.Core.Lifecycle;
using Berth.Core.Naming;
using Berth.Core.Registries;
using Berth.Server.BackgroundJobs;
using Berth.Server.Registries;
using Berth.Server.Tests.Ecr;
using Berth.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Server.Tests.Lifecycle;

/// <summary>
/// sinceImagePushed on a server whose clock the test moves (FakeTimeProvider), on a repository a CREATE_ON_PUSH
/// template created with its lifecycle policy.
/// </summary>
public sealed class LifecycleClockTests
{
    private const string ExpireAfterFourteenDays =
        """{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}""";

    [Fact]
    public async Task TemplatePolicyExpiresAnUntaggedImageOnlyOnceItIsFourteenDaysOld()
    {
        // Whole milliseconds, as the store keeps times: the boundary below is exact.
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        var ecr = new EcrRegistry { Services = services => services.AddSingleton<TimeProvider>(clock) };
        await ecr.InitializeAsync();
        try
        {
            var prefix = $"aged{Guid.NewGuid():N}"[..20];
            await ecr.Aws.RunAsync("ecr", "create-repository-creation-template", "--prefix", prefix, "--applied-for", "CREATE_ON_PUSH",
                "--lifecycle-policy", ExpireAfterFourteenDays);
            var repository = $"{prefix}/app";
            var digest = await ecr.PutImageAsync(repository, (await ecr.PrepareImageAsync(repository)).Manifest);
            var policy = await ecr.Aws.RunAsync("ecr", "get-lifecycle-policy", "--repository-name", repository);
            var job = ecr.Server.Services.GetRequiredService<LifecycleJob>();

            clock.Advance(TimeSpan.FromDays(14));
            await job.RunOnceAsync(default);
            var atFourteenDays = await ImagesAsync(ecr.Server, repository);
            clock.Advance(TimeSpan.FromMinutes(1));
            await job.RunOnceAsync(default);
            var afterFourteenDays = await ImagesAsync(ecr.Server, repository);

            Assert.Equal(ExpireAfterFourteenDays, policy.GetProperty("lifecyclePolicyText").GetString());
            Assert.Equal([digest], atFourteenDays);
            Assert.Empty(afterFourteenDays);
        }
        finally
        {
            await ecr.DisposeAsync();
        }
    }

    // The clock has moved past what SigV4 and registry tokens accept, so the store is read directly.
    private static async Task<List<string>> ImagesAsync(BerthTestServer server, string repository)
    {
        await using var scope = server.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<RequestRegistry>().Current = new RegistryIdentity("000000000000", "us-east-1");
        var images = await scope.ServiceProvider.GetRequiredService<ILifecycleStore>().ListImagesAsync(RepositoryName.Parse(repository), default);
        return [.. images.Select(i => i.Digest.ToString())];
    }
}
