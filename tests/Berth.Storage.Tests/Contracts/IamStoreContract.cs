using Berth.Core.Credentials;
using Berth.Core.Iam;
using Berth.Core.Paging;

namespace Berth.Storage.Tests.Contracts;

/// <summary>What every adapter of the IAM ports must do: uniqueness, conflicts checked atomically, quotas, versions.</summary>
public abstract class IamStoreContract
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);

    protected abstract Task<(IIamEntityStore Entities, IAccessKeyStore Keys, IManagedPolicyStore Policies, IRoleSessionStore Sessions)> CreateAsync();

    [Fact]
    public async Task EntitiesAreUniquePerKindWhateverTheCaseAndFoundByArn()
    {
        var (entities, _, _, _) = await CreateAsync();
        var user = Entity(IamEntityKind.User, "Alice", "/team/");

        Assert.True(await entities.CreateAsync(user, default));
        Assert.False(await entities.CreateAsync(Entity(IamEntityKind.User, "alice"), default));
        Assert.True(await entities.CreateAsync(Entity(IamEntityKind.Group, "alice"), default));
        Assert.Equal(user, await entities.FindAsync("000000000000", IamEntityKind.User, "ALICE", default));
        Assert.Equal(user, await entities.FindByArnAsync("arn:aws:iam::000000000000:user/team/Alice", default));
        Assert.Null(await entities.FindAsync("111111111111", IamEntityKind.User, "alice", default));
    }

    [Fact]
    public async Task AUserIsDeletedOnlyWithoutKeysPoliciesAndGroups()
    {
        var (entities, keys, policies, _) = await CreateAsync();
        var user = Entity(IamEntityKind.User, "u");
        var group = Entity(IamEntityKind.Group, "g");
        await entities.CreateAsync(user, default);
        await entities.CreateAsync(group, default);
        Assert.True(await keys.CreateAsync(new AccessKey("AKIAEXAMPLE000000001", "000000000000", user.Arn, [1, 2, 3], "Active", Now), 2, default));
        Assert.True(await policies.AttachAsync(user, "arn:aws:iam::aws:policy/AdministratorAccess", 10, default));
        await entities.PutInlinePolicyAsync(user, "p", "{}", default);
        Assert.True(await entities.AddMemberAsync(group, user, 10, Now, default));

        Assert.Equal(IamDeleteOutcome.HasAccessKeys, await entities.DeleteAsync(user, default));
        Assert.True(await keys.DeleteAsync(user.Arn, "AKIAEXAMPLE000000001", default));
        Assert.Equal(IamDeleteOutcome.HasAttachedPolicies, await entities.DeleteAsync(user, default));
        Assert.True(await policies.DetachAsync(user, "arn:aws:iam::aws:policy/AdministratorAccess", default));
        Assert.Equal(IamDeleteOutcome.HasInlinePolicies, await entities.DeleteAsync(user, default));
        Assert.True(await entities.DeleteInlinePolicyAsync(user, "P", default));
        Assert.Equal(IamDeleteOutcome.HasGroups, await entities.DeleteAsync(user, default));
        Assert.Equal(IamDeleteOutcome.HasMembers, await entities.DeleteAsync(group, default));
        Assert.True(await entities.RemoveMemberAsync(group, user, default));
        Assert.Equal(IamDeleteOutcome.Deleted, await entities.DeleteAsync(user, default));
        Assert.Null(await entities.FindByArnAsync(user.Arn, default));
    }

    [Fact]
    public async Task QuotasHoldForKeysGroupsAndAttachments()
    {
        var (entities, keys, policies, _) = await CreateAsync();
        var user = Entity(IamEntityKind.User, "q");
        await entities.CreateAsync(user, default);

        Assert.True(await keys.CreateAsync(new AccessKey("AKIAEXAMPLE000000002", "000000000000", user.Arn, [1], "Active", Now), 1, default));
        Assert.False(await keys.CreateAsync(new AccessKey("AKIAEXAMPLE000000003", "000000000000", user.Arn, [1], "Active", Now), 1, default));
        Assert.True(await keys.SetStatusAsync(user.Arn, "AKIAEXAMPLE000000002", "Inactive", default));
        Assert.Equal("Inactive", (await keys.ListAsync(user.Arn, default)).Single().Status);
        Assert.True(await policies.AttachAsync(user, "arn:aws:iam::aws:policy/A", 1, default));
        Assert.True(await policies.AttachAsync(user, "arn:aws:iam::aws:policy/A", 1, default));
        Assert.False(await policies.AttachAsync(user, "arn:aws:iam::aws:policy/B", 1, default));
        Assert.Equal(1, await policies.CountAttachmentsAsync("000000000000", "arn:aws:iam::aws:policy/A", default));
    }

    [Fact]
    public async Task PolicyVersionsCountUpAndTheDefaultIsProtected()
    {
        var (_, _, policies, _) = await CreateAsync();
        var policy = new ManagedPolicy("arn:aws:iam::000000000000:policy/p", "p", "ANPAEXAMPLE0000000001", "/", "v1", null, Now, Now, 0);
        Assert.True(await policies.CreateAsync("000000000000", policy, "{\"v\":1}", default));
        Assert.False(await policies.CreateAsync("000000000000", policy with { Arn = "arn:aws:iam::000000000000:policy/x/P", Id = "ANPAEXAMPLE0000000002" }, "{}", default));

        Assert.Equal("v2", await policies.AddVersionAsync(policy.Arn, "{\"v\":2}", setAsDefault: true, 3, Now, default));
        Assert.Equal("v3", await policies.AddVersionAsync(policy.Arn, "{\"v\":3}", setAsDefault: false, 3, Now, default));
        Assert.Null(await policies.AddVersionAsync(policy.Arn, "{}", setAsDefault: false, 3, Now, default));
        Assert.Equal("v2", (await policies.FindAsync(policy.Arn, default))!.DefaultVersionId);
        Assert.Equal(IamDeleteOutcome.IsDefaultVersion, await policies.DeleteVersionAsync(policy.Arn, "v2", default));
        Assert.Equal(IamDeleteOutcome.Deleted, await policies.DeleteVersionAsync(policy.Arn, "v1", default));
        Assert.Equal(["v3", "v2"], (await policies.ListVersionsAsync(policy.Arn, default)).Select(v => v.VersionId));
        Assert.Equal(IamDeleteOutcome.HasVersions, await policies.DeleteAsync(policy.Arn, default));
        Assert.Equal(IamDeleteOutcome.Deleted, await policies.DeleteVersionAsync(policy.Arn, "v3", default));
        Assert.Equal(IamDeleteOutcome.Deleted, await policies.DeleteAsync(policy.Arn, default));
        Assert.Empty((await policies.ListAsync("000000000000", "/", false, new PageRequest(10, null), default)).Items);
    }

    [Fact]
    public async Task SessionsRoundTripAndLongExpiredOnesAreForgotten()
    {
        var (_, _, _, sessions) = await CreateAsync();
        var old = new RoleSession("ASIAEXAMPLE000000001", "000000000000", "AROAEXAMPLE0000000001", "arn:aws:iam::000000000000:role/r", "s", [1], [2], Now, Now.AddMinutes(15));
        var fresh = old with { AccessKeyId = "ASIAEXAMPLE000000002", ExpiresAt = Now.AddDays(3) };

        await sessions.SaveAsync(old, Now.AddDays(-1), default);
        var found = await sessions.FindAsync(old.AccessKeyId, default);
        await sessions.SaveAsync(fresh, Now.AddDays(2), default);

        Assert.Equal(old.SecretCiphertext, found!.SecretCiphertext);
        Assert.Equal(old with { SecretCiphertext = found.SecretCiphertext, TokenHash = found.TokenHash }, found);
        Assert.Null(await sessions.FindAsync(old.AccessKeyId, default));
        Assert.NotNull(await sessions.FindAsync(fresh.AccessKeyId, default));
    }

    private static IamEntity Entity(IamEntityKind kind, string name, string path = "/") =>
        new("000000000000", kind, name, IamIds.UniqueId(kind), path, Now);
}
