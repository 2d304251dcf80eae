using Berth.Core.Accounts;
using Berth.Core.Images;
using Berth.Core.Naming;
using Berth.Core.PublicRegistries;
using Berth.Core.Registries;
using Berth.Core.Repositories;

namespace Berth.Storage.Tests.Contracts;

/// <summary>
/// What every <see cref="IPublicRegistryStore"/> must do: one public registry per account, aliases unique across
/// accounts, display names, and repository catalog data that round-trips and goes with its repository.
/// </summary>
public abstract class PublicRegistryStoreContract
{
    protected const string Account = "000000000000";
    protected const string OtherAccount = "111122223333";

    /// <summary>The store, an account store, and the repository store of <see cref="Account"/>'s public registry, over one database.</summary>
    protected abstract Task<(IPublicRegistryStore Store, IAccountStore Accounts, IRepositoryStore PublicRepositories)> CreateAsync();

    [Fact]
    public async Task AnAccountHasOnePublicRegistryAndAnAliasNamesOneAccount()
    {
        var (store, accounts, _) = await CreateAsync();
        await accounts.CreateAsync(OtherAccount, DateTimeOffset.UnixEpoch, default);
        var created = new PublicRegistry(Account, "first-alias", string.Empty, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123));

        Assert.Null(await store.FindAsync(Account, default));
        Assert.True(await store.TryCreateAsync(created, default));
        Assert.False(await store.TryCreateAsync(created with { Alias = "second-alias" }, default));
        Assert.False(await store.TryCreateAsync(created with { AccountId = OtherAccount }, default));
        Assert.True(await store.TryCreateAsync(created with { AccountId = OtherAccount, Alias = "other" }, default));

        Assert.Equal(created, await store.FindAsync(Account, default));
        Assert.Equal(created, await store.FindByAliasAsync("first-alias", default));
        Assert.Equal(OtherAccount, (await store.FindByAliasAsync("other", default))!.AccountId);
        Assert.Null(await store.FindByAliasAsync("second-alias", default));
    }

    [Fact]
    public async Task TheDisplayNameIsKept()
    {
        var (store, _, _) = await CreateAsync();
        await store.TryCreateAsync(new PublicRegistry(Account, "named", string.Empty, DateTimeOffset.UnixEpoch), default);

        await store.SetDisplayNameAsync(Account, "My Company", default);

        Assert.Equal("My Company", (await store.FindAsync(Account, default))!.DisplayName);
    }

    [Fact]
    public async Task CatalogDataRoundTripsIsReplacedAndGoesWithItsRepository()
    {
        var (store, _, repositories) = await CreateAsync();
        var name = RepositoryName.Parse("team/web-app");
        var data = new RepositoryCatalogData("A web app", "# About", "docker pull it", ["x86-64", "ARM 64"], ["Linux"], [0x89, 0x50, 0x4e, 0x47, 0]);

        Assert.False(await store.PutCatalogDataAsync(Account, name, data, default));
        Assert.True(await repositories.CreateAsync(name, RepositorySettings.Default, [], DateTimeOffset.UnixEpoch, default));
        Assert.Null(await store.GetCatalogDataAsync(Account, name, default));

        Assert.True(await store.PutCatalogDataAsync(Account, name, data, default));
        var read = await store.GetCatalogDataAsync(Account, name, default);
        Assert.NotNull(read);
        Assert.Equal(data.Description, read.Description);
        Assert.Equal(data.AboutText, read.AboutText);
        Assert.Equal(data.UsageText, read.UsageText);
        Assert.Equal(data.Architectures, read.Architectures);
        Assert.Equal(data.OperatingSystems, read.OperatingSystems);
        Assert.Equal(data.Logo, read.Logo);

        Assert.True(await store.PutCatalogDataAsync(Account, name, RepositoryCatalogData.Empty with { Description = "only this" }, default));
        read = await store.GetCatalogDataAsync(Account, name, default);
        Assert.Equal("only this", read!.Description);
        Assert.Null(read.AboutText);
        Assert.Null(read.Logo);
        Assert.Empty(read.Architectures);

        Assert.Equal(RepositoryDeletion.Deleted, await repositories.DeleteAsync(name, force: false, default));
        Assert.Null(await store.GetCatalogDataAsync(Account, name, default));
        Assert.True(await repositories.CreateAsync(name, RepositorySettings.Default, [], DateTimeOffset.UnixEpoch, default));
        Assert.Null(await store.GetCatalogDataAsync(Account, name, default));
    }

    /// <summary>The public registry of <see cref="Account"/>, whose repositories the catalog data belongs to.</summary>
    protected static RegistryIdentity PublicRegistry => RegistryIdentity.Public(Account);
}
