using Berth.Core.Paging;
using Berth.Core.Repositories;

namespace Berth.Storage.Tests.Contracts;

/// <summary>What every repository creation template adapter must do.</summary>
public abstract class RepositoryCreationTemplateStoreContract
{
    private static readonly DateTimeOffset Created = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);

    protected abstract Task<IRepositoryCreationTemplateStore> CreateAsync();

    [Fact]
    public async Task ATemplateRoundTripsEveryMember()
    {
        var store = await CreateAsync();
        var template = Template("team-a") with
        {
            Description = "team a",
            EncryptionType = "KMS",
            KmsKey = "arn:aws:kms:us-east-1:000000000000:key/abc",
            ResourceTags = [new("team", "a"), new("cost", "1")],
            ImageTagMutability = "IMMUTABLE_WITH_EXCLUSION",
            MutabilityExclusions = [new("WILDCARD", "latest*")],
            RepositoryPolicy = """{"Version":"2012-10-17","Statement":[]}""",
            LifecyclePolicy = """{"rules":[]}""",
            AppliedFor = ["CREATE_ON_PUSH", "REPLICATION"],
            CustomRoleArn = "arn:aws:iam::000000000000:role/ecr",
        };

        Assert.True(await store.CreateAsync(template, default));
        var found = await store.FindAsync("team-a", default);

        Assert.NotNull(found);
        Assert.Equal(template.ResourceTags, found.ResourceTags);
        Assert.Equal(template.MutabilityExclusions, found.MutabilityExclusions);
        Assert.Equal(template.AppliedFor, found.AppliedFor);
        Assert.Equal(template with { ResourceTags = found.ResourceTags, MutabilityExclusions = found.MutabilityExclusions, AppliedFor = found.AppliedFor }, found);
    }

    [Fact]
    public async Task CreatingATakenPrefixChangesNothing()
    {
        var store = await CreateAsync();
        await store.CreateAsync(Template("ROOT") with { Description = "first" }, default);

        Assert.False(await store.CreateAsync(Template("ROOT") with { Description = "second" }, default));
        Assert.Equal("first", (await store.FindAsync("ROOT", default))!.Description);
    }

    [Fact]
    public async Task UpdateReplacesMembersButKeepsTheCreationTime()
    {
        var store = await CreateAsync();
        await store.CreateAsync(Template("prod"), default);
        var later = Created.AddHours(1);

        Assert.True(await store.UpdateAsync(Template("prod") with { Description = "changed", CreatedAt = later, UpdatedAt = later }, default));
        var found = await store.FindAsync("prod", default);

        Assert.Equal("changed", found!.Description);
        Assert.Equal(Created, found.CreatedAt);
        Assert.Equal(later, found.UpdatedAt);
        Assert.False(await store.UpdateAsync(Template("missing"), default));
    }

    [Fact]
    public async Task DeleteRemovesOnlyThatPrefix()
    {
        var store = await CreateAsync();
        await store.CreateAsync(Template("a"), default);
        await store.CreateAsync(Template("a/b"), default);

        Assert.True(await store.DeleteAsync("a", default));
        Assert.False(await store.DeleteAsync("a", default));
        Assert.Null(await store.FindAsync("a", default));
        Assert.NotNull(await store.FindAsync("a/b", default));
    }

    [Fact]
    public async Task TemplatesPageInOrdinalOrderOfPrefix()
    {
        var store = await CreateAsync();
        foreach (var prefix in new[] { "c", "ROOT", "a/b", "a" })
        {
            await store.CreateAsync(Template(prefix), default);
        }

        var first = await store.ListAsync(new PageRequest(3, null), default);
        var second = await store.ListAsync(new PageRequest(3, first.Items[^1].Prefix), default);

        Assert.Equal(["ROOT", "a", "a/b"], first.Items.Select(t => t.Prefix));
        Assert.True(first.HasMore);
        Assert.Equal(["c"], second.Items.Select(t => t.Prefix));
        Assert.False(second.HasMore);
    }

    private static RepositoryCreationTemplate Template(string prefix) =>
        new(prefix, null, "AES256", null, [], "MUTABLE", [], null, null, ["CREATE_ON_PUSH"], null, Created, Created);
}
