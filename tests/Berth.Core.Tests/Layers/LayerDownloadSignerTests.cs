using System.Security.Cryptography;
using Berth.Core.Content;
using Berth.Core.Credentials;
using Berth.Core.Layers;
using Berth.Core.Naming;
using Berth.Core.Registries;
using Berth.Core.Tests.Credentials;
using Berth.Core.Tests.SigV4;

namespace Berth.Core.Tests.Layers;

public sealed class LayerDownloadSignerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly RepositoryName Repository = RepositoryName.Parse("app");
    private static readonly Digest Layer = Digest.Parse("sha256:" + new string('a', 64));
    private readonly InMemoryCredentialStore _store = new();
    private readonly SecretProtector _protector = new(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task ASignedUrlChecksAsValid()
    {
        var signer = Signer("000000000000");
        var (signature, expires) = await signer.SignAsync(Repository, Layer, default);

        Assert.Equal(LayerDownloadCheck.Valid, await signer.CheckAsync(Repository, Layer, expires.ToString(System.Globalization.CultureInfo.InvariantCulture), signature, default));
    }

    [Fact]
    public async Task CheckingAUrlOfAnAccountThatNeverSignedOneIsInvalidAndMakesNoKey()
    {
        var check = await Signer("999999999999").CheckAsync(Repository, Layer, "1900000000", new string('0', 64), default);

        Assert.Equal(LayerDownloadCheck.Invalid, check);
        Assert.Null(await _store.GetSettingAsync("999999999999", "layer-download-key", default));
    }

    private LayerDownloadSigner Signer(string account) =>
        new(new SigningKeys(_store, _protector), new RegistryIdentity(account, "us-east-1"), new FixedTimeProvider(Now));
}
