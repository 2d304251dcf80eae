using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
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
        Assert.Equal(TokenCheck.Invalid, (await service.CheckAsync(Flip(token, ^3), "us-east-1", default)).Result);
        Assert.Equal(TokenCheck.WrongRegistry, (await service.CheckAsync(token, "eu-west-1", default)).Result);
        Assert.Equal((TokenCheck.Valid, Root), await service.CheckAsync(token, "us-east-1", default));

        clock.Now = Now.AddHours(12);
        Assert.Equal(TokenCheck.Invalid, (await service.CheckAsync(token, "us-east-1", default)).Result);
    }

    [Fact]
    public async Task ATamperedTokenIsInvalid()
    {
        var (token, _) = await Service(Now).IssueAsync(Root, "us-east-1", default);

        Assert.Equal(TokenCheck.Invalid, (await Service(Now).CheckAsync(Flip(token, 40), "us-east-1", default)).Result);
        Assert.Equal(TokenCheck.Invalid, (await Service(Now).CheckAsync(Flip(token, ^3), "us-east-1", default)).Result);
        Assert.Equal(TokenCheck.Invalid, (await Service(Now).CheckAsync("garbage", "us-east-1", default)).Result);
        Assert.Equal(TokenCheck.Invalid, (await Service(Now).CheckAsync(token[..^8], "us-east-1", default)).Result);
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

        // One account's sealed claims under another account's id do not open.
        var forged = Base64Url.DecodeFromChars(token);
        Base64Url.DecodeFromChars(rootToken).AsSpan(1, 12).CopyTo(forged.AsSpan(1, 12));
        Assert.Equal(TokenCheck.Invalid, (await Service(Now).CheckAsync(Base64Url.EncodeToString(forged), "us-east-1", default)).Result);
    }

    [Fact]
    public async Task EveryNodeSharingTheStoreAcceptsTheToken()
    {
        var (token, _) = await Service(Now).IssueAsync(Root, "us-east-1", default);
        var otherNode = Service(Now);

        Assert.Equal(TokenCheck.Valid, (await otherNode.CheckAsync(token, "us-east-1", default)).Result);
    }

    [Fact]
    public async Task ATokenRevealsNeitherItsPrincipalNorItsAccessKeyId()
    {
        var user = new Principal("000000000000", "arn:aws:iam::000000000000:user/alice", "AKIAALICEEXAMPLE0001");

        var (token, _) = await Service(Now).IssueAsync(user, "us-east-1", default);

        foreach (var part in token.Split('.'))
        {
            var readable = Encoding.Latin1.GetString(Base64Url.DecodeFromChars(part));
            Assert.DoesNotContain("AKIAALICEEXAMPLE0001", readable, StringComparison.Ordinal);
            Assert.DoesNotContain("alice", readable, StringComparison.Ordinal);
            Assert.DoesNotContain("us-east-1", readable, StringComparison.Ordinal);
        }

        Assert.Equal((TokenCheck.Valid, user), await Service(Now).CheckAsync(token, "us-east-1", default));
    }

    [Fact]
    public async Task InspectingATokenGivesItsExpiry()
    {
        var (token, expiresAt) = await Service(Now).IssueAsync(Root, "us-east-1", default);

        Assert.Equal((TokenCheck.Valid, Root, expiresAt), await Service(Now.AddHours(1)).InspectAsync(token, "us-east-1", default));
    }

    [Fact]
    public void SecretsRoundTripAndAnotherKeyCannotReadThem()
    {
        var secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"u8.ToArray();
        var sealedSecret = _protector.Protect(secret);

        Assert.Equal(secret, _protector.Unprotect(sealedSecret));
        Assert.ThrowsAny<CryptographicException>(() => new SecretProtector(RandomNumberGenerator.GetBytes(32)).Unprotect(sealedSecret));
    }

    /// <summary>The token with the base64url character at <paramref name="at"/> changed.</summary>
    private static string Flip(string token, Index at)
    {
        var chars = token.ToCharArray();
        chars[at] = chars[at] == 'A' ? 'B' : 'A';
        return new string(chars);
    }

    private RegistryTokenService Service(DateTimeOffset now) => new(new SigningKeys(_store, _protector), new FixedTimeProvider(now));
}
