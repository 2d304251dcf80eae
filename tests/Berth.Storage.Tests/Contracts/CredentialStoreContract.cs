using Berth.Core.Credentials;

namespace Berth.Storage.Tests.Contracts;

/// <summary>
/// What every <see cref="ICredentialStore"/> must do: access keys found by id exactly as saved (the ciphertext to the
/// byte), and account settings where concurrent first writers on any node agree on one value.
/// </summary>
public abstract class CredentialStoreContract
{
    /// <summary>Two stores over one database, as two nodes see it.</summary>
    protected abstract Task<(ICredentialStore NodeA, ICredentialStore NodeB)> CreateAsync();

    private static AccessKey Key(string id, string principal, string status = "Active") =>
        new(id, "123456789012", principal, [0, 1, 2, 250, 255, 0], status, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123));

    [Fact]
    public async Task AKeyIsFoundByIdExactlyAsSavedOnEveryNode()
    {
        var (a, b) = await CreateAsync();
        var key = Key("AKIAEXAMPLE000000001", "arn:aws:iam::123456789012:user/alice");

        Assert.Null(await b.FindAsync(key.AccessKeyId, default));
        await a.SaveAsync(key, default);

        var found = await b.FindAsync(key.AccessKeyId, default);
        Assert.NotNull(found);
        Assert.Equal((key.AccessKeyId, key.AccountId, key.PrincipalArn, key.Status, key.CreatedAt), (found.AccessKeyId, found.AccountId, found.PrincipalArn, found.Status, found.CreatedAt));
        Assert.Equal(key.SecretCiphertext, found.SecretCiphertext);
        Assert.Null(await b.FindAsync("AKIAEXAMPLE000000002", default));
    }

    [Fact]
    public async Task SavingAgainReplacesTheKey()
    {
        var (a, b) = await CreateAsync();
        var key = Key("AKIAEXAMPLE000000003", "arn:aws:iam::123456789012:root");

        await a.SaveAsync(key, default);
        await b.SaveAsync(key with { Status = "Inactive", SecretCiphertext = [9, 9] }, default);

        var found = await a.FindAsync(key.AccessKeyId, default);
        Assert.Equal("Inactive", found!.Status);
        Assert.Equal([9, 9], found.SecretCiphertext);
    }

    [Fact]
    public async Task HasKeyIsTrueOnlyForAPrincipalWithAKey()
    {
        var (a, b) = await CreateAsync();
        await a.SaveAsync(Key("AKIAEXAMPLE000000004", "arn:aws:iam::123456789012:user/bob"), default);

        Assert.True(await b.HasKeyAsync("arn:aws:iam::123456789012:user/bob", default));
        Assert.False(await b.HasKeyAsync("arn:aws:iam::123456789012:user/Bob", default));
        Assert.False(await b.HasKeyAsync("arn:aws:iam::123456789012:user/carol", default));
    }

    [Fact]
    public async Task SettingsAreKeptPerAccountAndReplacedBySet()
    {
        var (a, b) = await CreateAsync();

        Assert.Null(await b.GetSettingAsync("123456789012", "layer-download-key", default));
        await a.SetSettingAsync("123456789012", "layer-download-key", "one", default);
        await b.SetSettingAsync("123456789012", "layer-download-key", "two", default);

        Assert.Equal("two", await a.GetSettingAsync("123456789012", "layer-download-key", default));
        Assert.Null(await a.GetSettingAsync("210987654321", "layer-download-key", default));
        Assert.Null(await a.GetSettingAsync("123456789012", "other", default));
    }

    [Fact]
    public async Task ConcurrentFirstWritersOnTwoNodesAgreeOnOneValue()
    {
        var (a, b) = await CreateAsync();

        var values = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(async () => await (i % 2 == 0 ? a : b).GetOrAddSettingAsync("123456789012", "signing-key", $"value-{i}", default))));

        Assert.Single(values.Distinct());
        Assert.Equal(values[0], await a.GetSettingAsync("123456789012", "signing-key", default));
        Assert.Equal(values[0], await b.GetOrAddSettingAsync("123456789012", "signing-key", "late", default));
    }
}
