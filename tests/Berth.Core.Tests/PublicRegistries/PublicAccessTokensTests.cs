using System.Security.Cryptography;
using Berth.Core.Credentials;
using Berth.Core.Tests.Credentials;
using Berth.Core.PublicRegistries;
using Berth.Core.Tests.SigV4;

namespace Berth.Core.Tests.PublicRegistries;

public sealed class PublicAccessTokensTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly Principal User = new("000000000000", "arn:aws:iam::000000000000:user/ci", "AKIAEXAMPLE");
    private readonly InMemoryCredentialStore _store = new();
    private readonly SecretProtector _protector = new(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task ATokenCarriesItsPrincipalAndGrantsForAnHour()
    {
        var (token, expiresAt) = await Tokens(Now).IssueAsync(User, [new PublicGrant("alias/app", true, true), new PublicGrant("alias/lib", true, false)], null, default);

        Assert.Equal(Now.AddHours(1), expiresAt);
        var checkedToken = await Tokens(Now.AddMinutes(59)).CheckAsync(token, default);
        Assert.NotNull(checkedToken);
        Assert.Equal(User, checkedToken.Principal);
        Assert.True(checkedToken.Allows("alias/app", push: true));
        Assert.True(checkedToken.Allows("alias/lib", push: false));
        Assert.False(checkedToken.Allows("alias/lib", push: true));
        Assert.False(checkedToken.Allows("alias/other", push: false));
        Assert.Null(await Tokens(Now.AddHours(1)).CheckAsync(token, default));
    }

    [Fact]
    public async Task AnAnonymousTokenHasNoPrincipalAndNeverOutlivesItsLimit()
    {
        var (token, expiresAt) = await Tokens(Now).IssueAsync(null, [new PublicGrant("alias/app", true, false)], Now.AddMinutes(5), default);

        Assert.Equal(Now.AddMinutes(5), expiresAt);
        var checkedToken = await Tokens(Now).CheckAsync(token, default);
        Assert.Null(checkedToken!.Principal);
        Assert.False(checkedToken.IsUnscoped);
    }

    [Fact]
    public async Task ATamperedOrForeignTokenIsNoToken()
    {
        var (token, _) = await Tokens(Now).IssueAsync(null, [new PublicGrant("alias/app", true, false)], null, default);
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        var payload = token[..dot].ToCharArray();
        payload[7] = payload[7] == 'A' ? 'B' : 'A';

        Assert.Null(await Tokens(Now).CheckAsync(new string(payload) + token[dot..], default));
        Assert.Null(await Tokens(Now).CheckAsync("garbage", default));
        Assert.Null(await Tokens(Now).CheckAsync(token[..dot] + ".AAAA", default));

        // Another deployment (another key) does not accept it.
        var elsewhere = new PublicAccessTokens(new SigningKeys(new InMemoryCredentialStore(), _protector), new FixedTimeProvider(Now), "000000000000");
        await elsewhere.IssueAsync(null, [], null, default);
        Assert.Null(await elsewhere.CheckAsync(token, default));
    }

    [Theory]
    [InlineData("ab", true)]
    [InlineData("a1b2c3d4", true)]
    [InlineData("my-company.images_x", true)]
    [InlineData("a", false)]
    [InlineData("1abc", false)]
    [InlineData("Abc", false)]
    [InlineData("ab--c", false)]
    [InlineData("ab-", false)]
    public void AliasesFollowEcrPublicsRule(string alias, bool valid) => Assert.Equal(valid, PublicRegistryService.IsValidAlias(alias));

    [Fact]
    public void TheAliasRuleStopsAtFiftyCharacters()
    {
        Assert.True(PublicRegistryService.IsValidAlias("a" + new string('b', 49)));
        Assert.False(PublicRegistryService.IsValidAlias("a" + new string('b', 50)));
    }

    private PublicAccessTokens Tokens(DateTimeOffset now) => new(new SigningKeys(_store, _protector), new FixedTimeProvider(now), "000000000000");
}
