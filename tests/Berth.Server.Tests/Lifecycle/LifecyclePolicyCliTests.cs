using System.Net;
using Berth.Server.BackgroundJobs;
using Berth.Server.Tests.Ecr;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Tests.Lifecycle;

/// <summary>Lifecycle policies end to end with the real aws CLI: put, preview, wait, evaluation, describe-images.</summary>
public sealed class LifecyclePolicyCliTests : IClassFixture<EcrRegistry>
{
    private const string KeepOneUntagged =
        """{"rules":[{"rulePriority":1,"description":"keep one untagged","selection":{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}""";

    private readonly EcrRegistry _ecr;

    public LifecyclePolicyCliTests(EcrRegistry ecr) => _ecr = ecr;

    [Fact]
    public async Task PreviewShowsExactlyWhatTheNextEvaluationExpires()
    {
        var repository = await _ecr.NewRepositoryAsync();
        var untagged = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            untagged.Add(await _ecr.PutImageAsync(repository, (await _ecr.PrepareImageAsync(repository)).Manifest));
        }

        var tagged = await _ecr.PutImageAsync(repository, (await _ecr.PrepareImageAsync(repository)).Manifest, "v1");
        var aws = _ecr.Aws;

        var put = await aws.RunAsync("ecr", "put-lifecycle-policy", "--repository-name", repository, "--lifecycle-policy-text", KeepOneUntagged);
        var before = await aws.RunAsync("ecr", "get-lifecycle-policy", "--repository-name", repository);
        var started = await aws.RunAsync("ecr", "start-lifecycle-policy-preview", "--repository-name", repository);
        await aws.RunAsync("ecr", "wait", "lifecycle-policy-preview-complete", "--repository-name", repository);
        var preview = await aws.RunAsync("ecr", "get-lifecycle-policy-preview", "--repository-name", repository);
        var firstPage = await aws.RunAsync("ecr", "get-lifecycle-policy-preview", "--repository-name", repository, "--no-paginate", "--max-results", "2");
        var taggedOnly = await aws.RunAsync("ecr", "get-lifecycle-policy-preview", "--repository-name", repository, "--filter", "tagStatus=TAGGED");

        await _ecr.Server.Services.GetRequiredService<LifecycleJob>().RunOnceAsync(default);
        var remaining = await aws.RunAsync("ecr", "describe-images", "--repository-name", repository);
        var after = await aws.RunAsync("ecr", "get-lifecycle-policy", "--repository-name", repository);

        Assert.Equal(KeepOneUntagged, put.GetProperty("lifecyclePolicyText").GetString());
        Assert.False(before.TryGetProperty("lastEvaluatedAt", out _));
        Assert.Equal("COMPLETE", started.GetProperty("status").GetString());
        var previewed = preview.GetProperty("previewResults").EnumerateArray().ToList();
        Assert.Equal(untagged.Take(3), previewed.Select(r => r.GetProperty("imageDigest").GetString()));
        Assert.All(previewed, r =>
        {
            Assert.Equal("EXPIRE", r.GetProperty("action").GetProperty("type").GetString());
            Assert.Equal(1, r.GetProperty("appliedRulePriority").GetInt32());
            Assert.Equal("STANDARD", r.GetProperty("storageClass").GetString());
        });
        Assert.Equal(3, preview.GetProperty("summary").GetProperty("expiringImageTotalCount").GetInt32());
        Assert.Equal(2, firstPage.GetProperty("previewResults").GetArrayLength());
        Assert.True(firstPage.TryGetProperty("nextToken", out _));
        Assert.Equal(0, taggedOnly.GetProperty("previewResults").GetArrayLength());

        var kept = remaining.GetProperty("imageDetails").EnumerateArray().Select(d => d.GetProperty("imageDigest").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { untagged[3], tagged }.Order(StringComparer.Ordinal), kept);
        Assert.InRange(after.GetProperty("lastEvaluatedAt").GetDouble(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
    }

    [Fact]
    public async Task MissingPolicyAndPreviewAndInvalidTextGetEcrsExceptions()
    {
        var repository = await _ecr.NewRepositoryAsync();
        var aws = _ecr.Aws;

        var get = await aws.FailAsync("ecr", "get-lifecycle-policy", "--repository-name", repository);
        var delete = await aws.FailAsync("ecr", "delete-lifecycle-policy", "--repository-name", repository);
        var start = await aws.FailAsync("ecr", "start-lifecycle-policy-preview", "--repository-name", repository);
        var preview = await aws.FailAsync("ecr", "get-lifecycle-policy-preview", "--repository-name", repository);
        var invalid = await aws.FailAsync("ecr", "put-lifecycle-policy", "--repository-name", repository, "--lifecycle-policy-text",
            """{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}},{"rulePriority":2,"selection":{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}""");
        var missingRepository = await aws.FailAsync("ecr", "put-lifecycle-policy", "--repository-name", repository + "-none", "--lifecycle-policy-text", KeepOneUntagged);

        Assert.Contains("(LifecyclePolicyNotFoundException)", get, StringComparison.Ordinal);
        Assert.Contains($"Lifecycle policy does not exist for the repository with name '{repository}' in the registry with id '000000000000'", get, StringComparison.Ordinal);
        Assert.Contains("(LifecyclePolicyNotFoundException)", delete, StringComparison.Ordinal);
        Assert.Contains("(LifecyclePolicyNotFoundException)", start, StringComparison.Ordinal);
        Assert.Contains("(LifecyclePolicyPreviewNotFoundException)", preview, StringComparison.Ordinal);
        Assert.Contains("(InvalidParameterException)", invalid, StringComparison.Ordinal);
        Assert.Contains(
            "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: Only one rule can select Untagged images per storage class.'",
            invalid, StringComparison.Ordinal);
        Assert.Contains("(RepositoryNotFoundException)", missingRepository, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletedPolicyIsReturnedAndNoLongerApplied()
    {
        var repository = await _ecr.NewRepositoryAsync();
        var first = await _ecr.PutImageAsync(repository, (await _ecr.PrepareImageAsync(repository)).Manifest);
        var second = await _ecr.PutImageAsync(repository, (await _ecr.PrepareImageAsync(repository)).Manifest);
        await _ecr.Aws.RunAsync("ecr", "put-lifecycle-policy", "--repository-name", repository, "--lifecycle-policy-text", KeepOneUntagged);

        var deleted = await _ecr.Aws.RunAsync("ecr", "delete-lifecycle-policy", "--repository-name", repository);
        await _ecr.Server.Services.GetRequiredService<LifecycleJob>().RunOnceAsync(default);
        var images = await _ecr.Aws.RunAsync("ecr", "list-images", "--repository-name", repository);

        Assert.Equal(KeepOneUntagged, deleted.GetProperty("lifecyclePolicyText").GetString());
        Assert.Equal(
            new[] { first, second }.Order(StringComparer.Ordinal),
            images.GetProperty("imageIds").EnumerateArray().Select(i => i.GetProperty("imageDigest").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ArchivedImageCannotBePulledUntilRestored()
    {
        var repository = await _ecr.NewRepositoryAsync();
        var digest = await _ecr.PutImageAsync(repository, (await _ecr.PrepareImageAsync(repository)).Manifest, "v1");

        var archived = await _ecr.Aws.RunAsync("ecr", "update-image-storage-class", "--repository-name", repository, "--image-id", "imageTag=v1", "--target-storage-class", "ARCHIVE");
        using var refused = await _ecr.Registry.GetAsync(new Uri($"/v2/{repository}/manifests/v1", UriKind.Relative));
        var batch = await _ecr.Aws.RunAsync("ecr", "batch-get-image", "--repository-name", repository, "--image-ids", "imageTag=v1");
        var restored = await _ecr.Aws.RunAsync("ecr", "update-image-storage-class", "--repository-name", repository, "--image-id", $"imageDigest={digest}", "--target-storage-class", "STANDARD");
        using var pulled = await _ecr.Registry.GetAsync(new Uri($"/v2/{repository}/manifests/v1", UriKind.Relative));
        var missing = await _ecr.Aws.FailAsync("ecr", "update-image-storage-class", "--repository-name", repository, "--image-id", "imageTag=v2", "--target-storage-class", "ARCHIVE");

        Assert.Equal("ARCHIVED", archived.GetProperty("imageStatus").GetString());
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Contains("MANIFEST_UNKNOWN", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, batch.GetProperty("images").GetArrayLength());
        Assert.Equal("ImageNotFound", batch.GetProperty("failures")[0].GetProperty("failureCode").GetString());
        Assert.Equal("ACTIVATING", restored.GetProperty("imageStatus").GetString());
        Assert.Equal(HttpStatusCode.OK, pulled.StatusCode);
        Assert.Contains("(ImageNotFoundException)", missing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PullTimeUpdateExclusionsAreRegisteredListedAndDeregistered()
    {
        var arn = $"arn:aws:iam::000000000000:role/ci-{Guid.NewGuid():N}";
        var aws = _ecr.Aws;

        var registered = await aws.RunAsync("ecr", "register-pull-time-update-exclusion", "--principal-arn", arn);
        var again = await aws.FailAsync("ecr", "register-pull-time-update-exclusion", "--principal-arn", arn);
        var listed = await aws.RunAsync("ecr", "list-pull-time-update-exclusions");
        var deregistered = await aws.RunAsync("ecr", "deregister-pull-time-update-exclusion", "--principal-arn", arn);
        var gone = await aws.FailAsync("ecr", "deregister-pull-time-update-exclusion", "--principal-arn", arn);

        Assert.Equal(arn, registered.GetProperty("principalArn").GetString());
        Assert.Contains("(ExclusionAlreadyExistsException)", again, StringComparison.Ordinal);
        Assert.Contains(arn, listed.GetProperty("pullTimeUpdateExclusions").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(arn, deregistered.GetProperty("principalArn").GetString());
        Assert.Contains("(ExclusionNotFoundException)", gone, StringComparison.Ordinal);
    }
}
