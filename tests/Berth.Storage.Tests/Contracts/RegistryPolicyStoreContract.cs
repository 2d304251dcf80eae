using Berth.Core.Registries;

namespace Berth.Storage.Tests.Contracts;

/// <summary>What every <see cref="IRegistryPolicyStore"/> must do: one policy per registry (account, region), replaced and deleted whole.</summary>
public abstract class RegistryPolicyStoreContract
{
    private const string Policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"ecr:ReplicateImage","Resource":"*"}]}""";

    /// <summary>Two stores over one database, as two nodes see it.</summary>
    protected abstract Task<(IRegistryPolicyStore NodeA, IRegistryPolicyStore NodeB)> CreateAsync();

    [Fact]
    public async Task APolicyIsStoredAsGivenAndSeenByEveryNode()
    {
        var (a, b) = await CreateAsync();
        var registry = new RegistryIdentity("000000000000", "us-east-1");

        Assert.Null(await b.FindAsync(registry, default));
        await a.PutAsync(registry, Policy, default);

        Assert.Equal(Policy, await b.FindAsync(registry, default));
    }

    [Fact]
    public async Task PuttingAgainReplacesThePolicy()
    {
        var (a, b) = await CreateAsync();
        var registry = new RegistryIdentity("000000000000", "us-east-1");
        var replacement = Policy.Replace("111111111111", "222222222222", StringComparison.Ordinal);

        await a.PutAsync(registry, Policy, default);
        await b.PutAsync(registry, replacement, default);

        Assert.Equal(replacement, await a.FindAsync(registry, default));
    }

    [Fact]
    public async Task DeletingRemovesThePolicyOnceAndReportsWhetherThereWasOne()
    {
        var (a, b) = await CreateAsync();
        var registry = new RegistryIdentity("000000000000", "us-east-1");
        await a.PutAsync(registry, Policy, default);

        Assert.True(await b.DeleteAsync(registry, default));
        Assert.False(await a.DeleteAsync(registry, default));
        Assert.Null(await a.FindAsync(registry, default));
    }

    [Fact]
    public async Task EachRegistryHasItsOwnPolicy()
    {
        var (a, _) = await CreateAsync();
        var home = new RegistryIdentity("000000000000", "us-east-1");
        var otherRegion = new RegistryIdentity("000000000000", "eu-west-1");
        var otherAccount = new RegistryIdentity("111111111111", "us-east-1");

        await a.PutAsync(home, Policy, default);
        await a.PutAsync(otherAccount, "{}", default);

        Assert.Null(await a.FindAsync(otherRegion, default));
        Assert.Equal("{}", await a.FindAsync(otherAccount, default));
        Assert.True(await a.DeleteAsync(otherAccount, default));
        Assert.Equal(Policy, await a.FindAsync(home, default));
    }
}
