using System.Security.Cryptography;
using Berth.Core.Credentials;
using Berth.Core.Registries;
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
        var (token, expiresAt) = await Service(Now).IssueAsync(Root, default);

        Assert.Equal(Now.AddHours(12), expiresAt);
        Assert.Equal((TokenCheck.Valid, Root), await Service(Now.AddHours(11.9)).CheckAsync(token, default));
        Assert.Equal(TokenCheck.Invalid, (await Service(Now.AddHours(12)).CheckAsync(token, default)).Result);
    }

    [Fact]
    public async Task ATamperedTokenIsInvalid()
    {
        var (token, _) = await Service(Now).IssueAsync(Root, default);
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        var payload = token[..dot].ToCharArray();
        payload[5] = payload[5] == 'A' ? 'B' : 'A';

        Assert.Equal(TokenCheck.Invalid, (await Service(Now).CheckAsync(new string(payload) + token[dot..], default)).Result);
        Assert.Equal(TokenCheck.Invalid, (await Service(Now).CheckAsync("garbage", default)).Result);
        Assert.Equal(TokenCheck.Invalid, (await Service(Now).CheckAsync(token[..dot] + ".AAAA", default)).Result);
    }

    [Fact]
    public async Task ATokenOfAnotherRegionIsForAnotherRegistry()
    {
        var (token, _) = await Service(Now).IssueAsync(Root, default);
        var europeRegistry = new RegistryIdentity("000000000000", "eu-west-1");
        var europe = new RegistryTokenService(new SigningKeys(_store, _protector, europeRegistry), europeRegistry, new FixedTimeProvider(Now));

        Assert.Equal(TokenCheck.WrongRegistry, (await europe.CheckAsync(token, default)).Result);
    }

    [Fact]
    public async Task EveryNodeSharingTheStoreAcceptsTheToken()
    {
        var (token, _) = await Service(Now).IssueAsync(Root, default);
        var otherNode = Service(Now);

        Assert.Equal(TokenCheck.Valid, (await otherNode.CheckAsync(token, default)).Result);
    }

    [Fact]
    public void SecretsRoundTripAndAnotherKeyCannotReadThem()
    {
        var secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"u8.ToArray();
        var sealedSecret = _protector.Protect(secret);

        Assert.Equal(secret, _protector.Unprotect(sealedSecret));
        Assert.ThrowsAny<CryptographicException>(() => new SecretProtector(RandomNumberGenerator.GetBytes(32)).Unprotect(sealedSecret));
    }

    private RegistryTokenService Service(DateTimeOffset now)
    {
        var registry = new RegistryIdentity("000000000000", "us-east-1");
        return new(new SigningKeys(_store, _protector, registry), registry, new FixedTimeProvider(now));
    }
}
