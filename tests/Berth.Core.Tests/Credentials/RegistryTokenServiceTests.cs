using System.Security.Cryptography;
using Berth.Core.Credentials;
using Berth.Core.Tests.Caching;
using Berth.Core.Tests.SigV4;

namespace Berth.Core.Tests.Credentials;

public sealed class RegistryTokenServiceTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly Principal Root = new("000000000000", "arn:aws:iam::000000000000:root", "AKIAEXAMPLE");
    private readonly InMemoryCredentialStore _store = new();
    private readonly SecretProtector _protector = new(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task AnIssuedTokenIsValidForTwelveHoursOnly()
    {
        var (token, expiresAt) = await Service(Now).IssueAsync(Root, "us-east-1", default);

        Assert.Equal(Now.AddHours(12), expiresAt);
        Assert.Equal((TokenCheck.Valid, Root), await Service(Now.AddHours(11.9)).CheckAsync(token, "us-east-1", default));
        Assert.Equal(TokenCheck.Invalid, (await Service(Now.AddHours(12)).CheckAsync(token, "us-east-1", default)).Result);
    }

    [Fact]
    public async Task AVerifiedTokenIsRememberedButItsExpiryAndRegionAreCheckedOnEveryUse()
    {
        var clock = new ManualClock { Now = Now };
        var service = new RegistryTokenService(new SigningKeys(_store, _protector), clock);
        var (token, _) = await service.IssueAsync(Root, "us-east-1", default);
        Assert.Equal((TokenCheck.Valid, Root), await service.CheckAsync(token, "us-east-1", default));

        // The same service again: a tampered copy is still refused, another region is still another registry.
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        Assert.Equal(TokenCheck.Invalid, (await service.CheckAsync(token[..dot] + ".AAAA", "us-east-1", default)).Result);
        Assert.Equal(TokenCheck.WrongRegistry, (await service.CheckAsync(token, "eu-west-1", default)).Result);
        Assert.Equal((TokenCheck.Valid, Root), await service.CheckAsync(token, "us-east-1", default));

        clock.Now = Now.AddHours(12);
        Assert.Equal(TokenCheck.Invalid, (await service.CheckAsync(token, "us-east-1", default)).Result);
    }

    [Fact]
    public async Task ATamperedTokenIsInvalid()
    {
        var (token, _) = await Service(Now).IssueAsync(Root, "us-east-1", default);
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        var payload = token[..dot].ToCharArray();
        payload[5] = payload[5] == 'A' ? 'B' : 'A';

        Assert.Equal(TokenCheck.Invalid, (await Service(Now).CheckAsync(new string(payload) + token[dot..], "us-east-1", default)).Result);
        Assert.Equal(TokenCheck.Invalid, (await Service(Now).CheckAsync("garbage", "us-east-1", default)).Result);
        Assert.Equal(TokenCheck.Invalid, (await Service(Now).CheckAsync(token[..dot] + ".AAAA", "us-east-1", default)).Result);
    }

    [Fact]
    public async Task ATokenOfAnotherRegionIsForAnotherRegistry()
    {
        var (token, _) = await Service(Now).IssueAsync(Root, "us-east-1", default);

        Assert.Equal(TokenCheck.WrongRegistry, (await Service(Now).CheckAsync(token, "eu-west-1", default)).Result);
    }

    [Fact]
    public async Task ATokenIsSignedWithItsAccountsKeySoAnotherAccountCannotForgeIt()
    {
        var other = new Principal("111111111111", "arn:aws:iam::111111111111:root", "AKIAOTHER");
        var (token, _) = await Service(Now).IssueAsync(other, "us-east-1", default);
        var (rootToken, _) = await Service(Now).IssueAsync(Root, "us-east-1", default);

        Assert.Equal((TokenCheck.Valid, other), await Service(Now).CheckAsync(token, "us-east-1", default));

        // The payload of one account's token under the signature of another's does not verify.
        var forged = token[..token.IndexOf('.', StringComparison.Ordinal)] + rootToken[rootToken.IndexOf('.', StringComparison.Ordinal)..];
        Assert.Equal(TokenCheck.Invalid, (await Service(Now).CheckAsync(forged, "us-east-1", default)).Result);
    }

    [Fact]
    public async Task EveryNodeSharingTheStoreAcceptsTheToken()
    {
        var (token, _) = await Service(Now).IssueAsync(Root, "us-east-1", default);
        var otherNode = Service(Now);

        Assert.Equal(TokenCheck.Valid, (await otherNode.CheckAsync(token, "us-east-1", default)).Result);
    }

    [Fact]
    public void SecretsRoundTripAndAnotherKeyCannotReadThem()
    {
        var secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"u8.ToArray();
        var sealedSecret = _protector.Protect(secret);

        Assert.Equal(secret, _protector.Unprotect(sealedSecret));
        Assert.ThrowsAny<CryptographicException>(() => new SecretProtector(RandomNumberGenerator.GetBytes(32)).Unprotect(sealedSecret));
    }

    private RegistryTokenService Service(DateTimeOffset now) => new(new SigningKeys(_store, _protector), new FixedTimeProvider(now));
}
