using Berth.Core.Naming;
using Berth.Core.Paging;
using Berth.Core.PullThroughCache;
using Berth.Core.Registries;
using Berth.Core.Secrets;
using Berth.Storage.Metadata;

namespace Berth.Storage.Tests.Contracts;

/// <summary>
/// What the pull through cache's stores must do on every engine: rules (the 50-rule limit counted atomically, paging in
/// ordinal order), the tags' upstream checks, and Secrets Manager secrets; each registry sees only its own rows.
/// </summary>
public abstract class PullThroughCacheStoreContract
{
    private static readonly RegistryIdentity Registry = new("000000000000", "us-east-1");
    private static readonly RegistryIdentity Other = new("111122223333", "eu-west-1");
    private static readonly DateTimeOffset Created = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);

    private protected abstract Task<MetadataDatabase> CreateDatabaseAsync();

    [Fact]
    public async Task ARuleRoundTripsEveryMemberAndATakenPrefixIsRefused()
    {
        var rules = new SqlPullThroughCacheRuleStore(await CreateDatabaseAsync(), Registry);
        var rule = Rule("hub") with
        {
            UpstreamRegistry = "docker-hub",
            CredentialArn = "arn:aws:secretsmanager:us-east-1:000000000000:secret:ecr-pullthroughcache/hub-AbCdEf",
            CustomRoleArn = "arn:aws:iam::000000000000:role/r",
            UpstreamRepositoryPrefix = "library",
        };

        Assert.Equal(RuleCreation.Created, await rules.CreateAsync(rule, 50, default));
        Assert.Equal(RuleCreation.AlreadyExists, await rules.CreateAsync(Rule("hub") with { UpstreamRegistryUrl = "quay.io" }, 50, default));
        Assert.Equal(rule, await rules.FindAsync("hub", default));
        Assert.Null(await rules.FindAsync("hu", default));
    }

    [Fact]
    public async Task UpdateAndDeleteTouchOnlyTheirRule()
    {
        var rules = new SqlPullThroughCacheRuleStore(await CreateDatabaseAsync(), Registry);
        await rules.CreateAsync(Rule("a"), 50, default);
        await rules.CreateAsync(Rule("b"), 50, default);
        var later = Created.AddHours(1);
        var changed = Rule("a") with { CredentialArn = "arn:aws:secretsmanager:us-east-1:000000000000:secret:ecr-pullthroughcache/a-AbCdEf", UpdatedAt = later };

        Assert.True(await rules.UpdateAsync(changed, default));
        Assert.False(await rules.UpdateAsync(Rule("missing"), default));
        Assert.Equal(changed, await rules.FindAsync("a", default));
        Assert.True(await rules.DeleteAsync("b", default));
        Assert.False(await rules.DeleteAsync("b", default));
        Assert.Equal(["a"], (await rules.ListAllAsync(default)).Select(r => r.EcrRepositoryPrefix));
    }

    [Fact]
    public async Task RulesPageInOrdinalOrderAndEachRegistrySeesItsOwn()
    {
        var database = await CreateDatabaseAsync();
        var rules = new SqlPullThroughCacheRuleStore(database, Registry);
        var others = new SqlPullThroughCacheRuleStore(database, Other);
        foreach (var prefix in new[] { "b", "ROOT", "a/x", "a" })
        {
            await rules.CreateAsync(Rule(prefix), 50, default);
        }

        await others.CreateAsync(Rule("a"), 50, default);
        var first = await rules.ListAsync(new PageRequest(2, null), default);
        var second = await rules.ListAsync(new PageRequest(2, first.Items[^1].EcrRepositoryPrefix), default);

        Assert.Equal(["ROOT", "a"], first.Items.Select(r => r.EcrRepositoryPrefix));
        Assert.True(first.HasMore);
        Assert.Equal(["a/x", "b"], second.Items.Select(r => r.EcrRepositoryPrefix));
        Assert.False(second.HasMore);
        Assert.Single(await others.ListAllAsync(default));
        Assert.True(await others.DeleteAsync("a", default));
        Assert.NotNull(await rules.FindAsync("a", default));
    }

    [Fact]
    public async Task ConcurrentCreationsNeverPassTheLimit()
    {
        var database = await CreateDatabaseAsync();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            new SqlPullThroughCacheRuleStore(database, Registry).CreateAsync(Rule($"p{i:D2}"), 5, default).AsTask()));
        var full = await new SqlPullThroughCacheRuleStore(database, Registry).CreateAsync(Rule("late"), 5, default);

        Assert.Equal(5, outcomes.Count(o => o == RuleCreation.Created));
        Assert.All(outcomes.Where(o => o != RuleCreation.Created), o => Assert.Equal(RuleCreation.LimitReached, o));
        Assert.Equal(RuleCreation.LimitReached, full);
        Assert.Equal(5, (await new SqlPullThroughCacheRuleStore(database, Registry).ListAllAsync(default)).Count);
    }

    [Fact]
    public async Task ATagsUpstreamCheckIsRecordedAndReplacedPerRegistry()
    {
        var database = await CreateDatabaseAsync();
        var checks = new SqlUpstreamCheckStore(database, Registry);
        var others = new SqlUpstreamCheckStore(database, Other);
        var repository = RepositoryName.Parse("hub/library/nginx");
        var tag = Tag.Parse("latest");

        Assert.Null(await checks.FindCheckedAtAsync(repository, tag, default));
        await checks.MarkCheckedAsync(repository, tag, Created, default);
        await checks.MarkCheckedAsync(repository, tag, Created.AddDays(1), default);

        Assert.Equal(Created.AddDays(1), await checks.FindCheckedAtAsync(repository, tag, default));
        Assert.Null(await checks.FindCheckedAtAsync(repository, Tag.Parse("v1"), default));
        Assert.Null(await others.FindCheckedAtAsync(repository, tag, default));
    }

    [Fact]
    public async Task ASecretRoundTripsIsUpdatedByArnAndDeleted()
    {
        var database = await CreateDatabaseAsync();
        var secrets = new SqlSecretStore(database, Registry);
        var others = new SqlSecretStore(database, Other);
        var secret = Secret("ecr-pullthroughcache/hub");

        Assert.True(await secrets.CreateAsync(secret, default));
        Assert.False(await secrets.CreateAsync(secret with { Arn = secret.Arn + "x", Description = "second" }, default));
        var found = await secrets.FindAsync(secret.Name, default);
        Assert.NotNull(found);
        Assert.Equal(secret.SealedValue, found.SealedValue);
        Assert.Equal(secret with { SealedValue = found.SealedValue }, found);
        Assert.Null(await others.FindAsync(secret.Name, default));

        var changed = secret with { SealedValue = [9, 8, 7], IsBinary = true, VersionId = "v2", Description = null, LastChangedAt = Created.AddHours(1), DeletionDate = Created.AddDays(7) };
        Assert.True(await secrets.UpdateAsync(changed, default));
        var updated = await secrets.FindAsync(secret.Name, default);
        Assert.Equal(changed with { SealedValue = updated!.SealedValue }, updated);
        Assert.Equal([9, 8, 7], updated.SealedValue);
        Assert.False(await others.DeleteAsync(secret.Arn, default));
        Assert.True(await secrets.DeleteAsync(secret.Arn, default));
        Assert.Null(await secrets.FindAsync(secret.Name, default));
    }

    [Fact]
    public async Task SecretsPageInOrdinalOrderOfName()
    {
        var secrets = new SqlSecretStore(await CreateDatabaseAsync(), Registry);
        foreach (var name in new[] { "b", "A", "a", "a/b" })
        {
            await secrets.CreateAsync(Secret(name), default);
        }

        var first = await secrets.ListAsync(new PageRequest(3, null), default);
        var rest = await secrets.ListAsync(new PageRequest(3, first.Items[^1].Name), default);

        Assert.Equal(["A", "a", "a/b"], first.Items.Select(s => s.Name));
        Assert.True(first.HasMore);
        Assert.Equal(["b"], rest.Items.Select(s => s.Name));
        Assert.False(rest.HasMore);
    }

    private static PullThroughCacheRule Rule(string prefix) =>
        new(prefix, "quay.io", "quay", null, null, PullThroughCacheRule.Root, Created, Created);

    private static Secret Secret(string name) =>
        new(name, $"arn:aws:secretsmanager:us-east-1:000000000000:secret:{name}-AbCdEf", "for tests", [1, 2, 3], false, "v1", Created, Created, null);
}
