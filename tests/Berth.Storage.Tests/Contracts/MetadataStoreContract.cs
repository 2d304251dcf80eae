using System.Text;
using Berth.Core.Blobs;
using Berth.Core.Content;
using Berth.Core.Images;
using Berth.Core.Manifests;
using Berth.Core.Naming;
using Berth.Core.Paging;
using Berth.Core.Repositories;

namespace Berth.Storage.Tests.Contracts;

/// <summary>What every metadata adapter (repositories, blob links, manifests, tags, uploads) must do.</summary>
public abstract class MetadataStoreContract
{
    protected abstract Task<(IRepositoryStore Repositories, IImageStore Images, IBlobLinkStore Links, IUploadSessionStore Uploads)> CreateAsync();

    [Fact]
    public async Task AManifestIsRefusedUntilItsBlobsAreLinkedAndThenStoredAtomically()
    {
        var (repositories, images, links, _) = await CreateAsync();
        var repository = NewName();
        var (manifest, config) = Manifest();
        Assert.Equal(PutManifestStatus.RepositoryMissing, (await images.PutManifestAsync(repository, manifest, null, default)).Status);
        Assert.False(await links.LinkAsync(repository, config, 2, default));
        await CreateRepositoryAsync(repositories, repository);

        var refused = await images.PutManifestAsync(repository, manifest, Tag.Parse("v1"), default);
        Assert.Equal([config], refused.MissingBlobs);
        Assert.Null(await images.FindManifestAsync(repository, Reference.Of(Tag.Parse("v1")), default));

        await links.LinkAsync(repository, config, 2, default);
        var stored = await images.PutManifestAsync(repository, manifest, Tag.Parse("v1"), default);

        Assert.True(stored.IsStored);
        var found = await images.FindManifestAsync(repository, Reference.Of(Tag.Parse("v1")), default);
        Assert.Equal(manifest.Content.ToArray(), found!.Content.ToArray());
        Assert.Equal(manifest.Digest, found.Digest);
    }

    [Fact]
    public async Task AnIndexNeedsItsChildManifestsInTheSameRepository()
    {
        var (repositories, images, links, _) = await CreateAsync();
        var repository = NewName();
        await CreateRepositoryAsync(repositories, repository);
        var (child, config) = Manifest();
        var index = ManifestParser.Parse(Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciIndex}}","manifests":[{"mediaType":"{{MediaTypes.OciManifest}}","digest":"{{child.Digest}}","size":{{child.Size}}}]}"""), null);

        Assert.Equal([child.Digest], (await images.PutManifestAsync(repository, index, null, default)).MissingManifests);
        await links.LinkAsync(repository, config, 2, default);
        await images.PutManifestAsync(repository, child, null, default);
        Assert.True((await images.PutManifestAsync(repository, index, null, default)).IsStored);
    }

    [Fact]
    public async Task TagsPageInOrdinalOrderAndFollowDeletes()
    {
        var (repositories, images, links, _) = await CreateAsync();
        var repository = NewName();
        await CreateRepositoryAsync(repositories, repository);
        var (manifest, config) = Manifest();
        await links.LinkAsync(repository, config, 2, default);
        foreach (var tag in new[] { "b", "a", "C" })
        {
            await images.PutManifestAsync(repository, manifest, Tag.Parse(tag), default);
        }

        var first = await images.ListTagsAsync(repository, new PageRequest(2, null), default);
        var rest = await images.ListTagsAsync(repository, new PageRequest(2, "a"), default);
        Assert.Equal(["C", "a"], first.Items);
        Assert.True(first.HasMore);
        Assert.Equal(["b"], rest.Items);
        Assert.False(rest.HasMore);

        Assert.True(await images.DeleteTagAsync(repository, Tag.Parse("a"), default));
        Assert.True(await images.DeleteManifestAsync(repository, manifest.Digest, default));
        Assert.Empty((await images.ListTagsAsync(repository, new PageRequest(10, null), default)).Items);
        Assert.False(await images.DeleteManifestAsync(repository, manifest.Digest, default));
    }

    [Fact]
    public async Task BlobLinksArePerRepository()
    {
        var (repositories, _, links, _) = await CreateAsync();
        var owner = NewName();
        var other = NewName();
        await CreateRepositoryAsync(repositories, owner);
        await CreateRepositoryAsync(repositories, other);
        var digest = Digest.Sha256Of(Guid.NewGuid().ToByteArray());

        await links.LinkAsync(owner, digest, 16, default);
        await links.LinkAsync(owner, digest, 16, default);

        Assert.Equal(16, await links.FindAsync(owner, digest, default));
        Assert.Null(await links.FindAsync(other, digest, default));
        Assert.True(await links.UnlinkAsync(owner, digest, default));
        Assert.False(await links.UnlinkAsync(owner, digest, default));
    }

    [Fact]
    public async Task UploadSessionsPersistTheirProgressAndCanBeListedWhenStale()
    {
        var (_, _, _, uploads) = await CreateAsync();
        var id = Guid.NewGuid().ToString("D");
        var started = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        var session = new UploadSession(id, new Berth.Core.Registries.RegistryIdentity("000000000000", "us-east-1"), NewName(), new StagedUpload(id, 0, null), started, started);

        await uploads.CreateAsync(session, default);
        await uploads.UpdateAsync(session with { Staged = new StagedUpload(id, 42, "state"), UpdatedAt = started.AddMinutes(1) }, default);

        var found = await uploads.FindAsync(id, default);
        Assert.Equal(42, found!.Staged.Size);
        Assert.Equal("state", found.Staged.BackendState);
        Assert.Contains(await uploads.ListStaleAsync(started.AddMinutes(2), 100, default), s => s.Id == id);
        Assert.DoesNotContain(await uploads.ListStaleAsync(started, 100, default), s => s.Id == id);

        await uploads.DeleteAsync(id, default);
        Assert.Null(await uploads.FindAsync(id, default));
    }

    [Fact]
    public async Task ReferrersAreFoundBySubjectAndArtifactType()
    {
        var (repositories, images, links, _) = await CreateAsync();
        var repository = NewName();
        await CreateRepositoryAsync(repositories, repository);
        var config = Digest.Sha256Of("{}"u8);
        await links.LinkAsync(repository, config, 2, default);
        var subject = Digest.Sha256Of("subject"u8);
        var referrer = ManifestParser.Parse(Encoding.UTF8.GetBytes(
            $$$"""{"schemaVersion":2,"mediaType":"{{{MediaTypes.OciManifest}}}","artifactType":"application/x-sig","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"{{{config}}}","size":2},"layers":[],"subject":{"mediaType":"{{{MediaTypes.OciManifest}}}","digest":"{{{subject}}}","size":7},"annotations":{"k":"v"}}"""), null);
        await images.PutManifestAsync(repository, referrer, null, default);

        var all = await images.ListReferrersAsync(repository, subject, null, default);
        var filtered = await images.ListReferrersAsync(repository, subject, "application/other", default);

        var descriptor = Assert.Single(all);
        Assert.Equal(referrer.Digest, descriptor.Digest);
        Assert.Equal("application/x-sig", descriptor.ArtifactType);
        Assert.Equal("v", descriptor.Annotations!["k"]);
        Assert.Empty(filtered);
    }

    [Fact]
    public async Task AnImmutableTagCannotBeMovedButAnExcludedOneCan()
    {
        var (repositories, images, links, _) = await CreateAsync();
        var repository = NewName();
        var settings = RepositorySettings.Default with
        {
            ImageTagMutability = "IMMUTABLE_WITH_EXCLUSION",
            MutabilityExclusions = [new TagMutabilityExclusion("WILDCARD", "dev-*")],
        };
        Assert.True(await repositories.CreateAsync(repository, settings, [], DateTimeOffset.UnixEpoch, default));
        var (first, config1) = Manifest();
        var (second, config2) = Manifest();
        await links.LinkAsync(repository, config1, 2, default);
        await links.LinkAsync(repository, config2, 2, default);

        Assert.True((await images.PutManifestAsync(repository, first, Tag.Parse("v1"), default)).IsStored);
        Assert.Equal(PutManifestStatus.TagImmutable, (await images.PutManifestAsync(repository, second, Tag.Parse("v1"), default)).Status);
        Assert.Equal(PutManifestStatus.TagImmutable, (await images.PutManifestAsync(repository, first, Tag.Parse("v1"), default)).Status);
        Assert.True((await images.PutManifestAsync(repository, first, Tag.Parse("dev-1"), default)).IsStored);
        Assert.True((await images.PutManifestAsync(repository, second, Tag.Parse("dev-1"), default)).IsStored);
    }

    [Fact]
    public async Task ARepositoryWithImagesIsDeletedOnlyWhenForced()
    {
        var (repositories, images, links, _) = await CreateAsync();
        var repository = NewName();
        var tags = new List<KeyValuePair<string, string>> { new("team", "a") };
        Assert.True(await repositories.CreateAsync(repository, RepositorySettings.Default, tags, DateTimeOffset.UnixEpoch, default));
        Assert.False(await repositories.CreateAsync(repository, RepositorySettings.Default, [], DateTimeOffset.UnixEpoch, default));
        var (manifest, config) = Manifest();
        await links.LinkAsync(repository, config, 2, default);
        await images.PutManifestAsync(repository, manifest, Tag.Parse("v1"), default);

        Assert.Equal(tags, await repositories.GetTagsAsync(repository, default));
        Assert.Equal(RepositoryDeletion.NotEmpty, await repositories.DeleteAsync(repository, force: false, default));
        Assert.Equal(RepositoryDeletion.Deleted, await repositories.DeleteAsync(repository, force: true, default));
        Assert.Equal(RepositoryDeletion.NotFound, await repositories.DeleteAsync(repository, force: true, default));
        Assert.Null(await links.FindAsync(repository, config, default));
    }

    [Fact]
    public async Task ConcurrentPushesOfAnImmutableTagStoreExactlyOne()
    {
        var (repositories, images, links, _) = await CreateAsync();
        var repository = NewName();
        Assert.True(await repositories.CreateAsync(repository, RepositorySettings.Default with { ImageTagMutability = "IMMUTABLE" }, [], DateTimeOffset.UnixEpoch, default));
        var manifests = new List<ParsedManifest>();
        for (var i = 0; i < 12; i++)
        {
            var (manifest, config) = Manifest();
            await links.LinkAsync(repository, config, 2, default);
            manifests.Add(manifest);
        }

        var outcomes = await Task.WhenAll(manifests.Select(m => Task.Run(async () => await images.PutManifestAsync(repository, m, Tag.Parse("release"), default))));

        var winner = Assert.Single(outcomes.Select((o, i) => (o, i)), x => x.o.IsStored);
        Assert.All(outcomes.Where(o => !o.IsStored), o => Assert.Equal(PutManifestStatus.TagImmutable, o.Status));
        Assert.Equal(manifests[winner.i].Digest, (await images.FindManifestAsync(repository, Reference.Of(Tag.Parse("release")), default))!.Digest);
    }

    [Fact]
    public async Task RacingPushesNeverGiveAnImageMoreTagsThanItsQuota()
    {
        var (repositories, images, links, _) = await CreateAsync();
        var repository = NewName();
        await CreateRepositoryAsync(repositories, repository);
        var (manifest, config) = Manifest();
        var (other, otherConfig) = Manifest();
        await links.LinkAsync(repository, config, 2, default);
        await links.LinkAsync(repository, otherConfig, 2, default);
        var tags = Enumerable.Range(0, ImageService.MaxTagsPerImage + 24).Select(i => Tag.Parse($"t{i:D4}")).ToList();

        var outcomes = new System.Collections.Concurrent.ConcurrentDictionary<Tag, PutManifestStatus>();
        await Parallel.ForEachAsync(tags, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (tag, cancellationToken) =>
            outcomes[tag] = (await images.PutManifestAsync(repository, manifest, tag, cancellationToken)).Status);

        Assert.Equal(ImageService.MaxTagsPerImage, outcomes.Count(o => o.Value == PutManifestStatus.Stored));
        Assert.Equal(24, outcomes.Count(o => o.Value == PutManifestStatus.TagLimitExceeded));
        var listed = await images.ListTagsAsync(repository, new PageRequest(2000, null), default);
        Assert.Equal(outcomes.Where(o => o.Value == PutManifestStatus.Stored).Select(o => o.Key.Value).Order(StringComparer.Ordinal), listed.Items);

        // A tag the image has is not a new one; a refused tag is nowhere; a tag moved away frees a place.
        var kept = Tag.Parse(listed.Items[^1]);
        var refused = outcomes.First(o => o.Value == PutManifestStatus.TagLimitExceeded).Key;
        Assert.True((await images.PutManifestAsync(repository, manifest, kept, default)).AlreadyTagged);
        Assert.Null(await images.FindManifestAsync(repository, Reference.Of(refused), default));
        Assert.Equal(PutManifestStatus.TagLimitExceeded, (await images.PutManifestAsync(repository, manifest, refused, default)).Status);
        Assert.True((await images.PutManifestAsync(repository, other, kept, default)).IsStored);
        Assert.True((await images.PutManifestAsync(repository, manifest, refused, default)).IsStored);
        Assert.Equal(other.Digest, (await images.FindManifestAsync(repository, Reference.Of(kept), default))!.Digest);
    }

    [Fact]
    public async Task ConcurrentTagMovesLeaveTheTagOnOneOfThePushedManifests()
    {
        var (repositories, images, links, _) = await CreateAsync();
        var repository = NewName();
        await CreateRepositoryAsync(repositories, repository);
        var manifests = new List<ParsedManifest>();
        for (var i = 0; i < 12; i++)
        {
            var (manifest, config) = Manifest();
            await links.LinkAsync(repository, config, 2, default);
            manifests.Add(manifest);
        }

        var outcomes = await Task.WhenAll(manifests.Select(m => Task.Run(async () => await images.PutManifestAsync(repository, m, Tag.Parse("latest"), default))));

        Assert.All(outcomes, o => Assert.True(o.IsStored));
        var tagged = await images.FindManifestAsync(repository, Reference.Of(Tag.Parse("latest")), default);
        Assert.Contains(manifests, m => m.Digest == tagged!.Digest);
        Assert.Equal(["latest"], (await images.ListTagsAsync(repository, new PageRequest(10, null), default)).Items);
        foreach (var manifest in manifests)
        {
            Assert.NotNull(await images.FindManifestAsync(repository, Reference.Of(manifest.Digest), default));
        }
    }

    [Fact]
    public async Task ConcurrentPutsOfOneManifestStoreItOnceUnderEveryTag()
    {
        var (repositories, images, links, _) = await CreateAsync();
        var repository = NewName();
        await CreateRepositoryAsync(repositories, repository);
        var (manifest, config) = Manifest();
        await links.LinkAsync(repository, config, 2, default);
        var tags = Enumerable.Range(0, 12).Select(i => $"t{i:D2}").ToList();

        var outcomes = await Task.WhenAll(tags.Select(t => Task.Run(async () => await images.PutManifestAsync(repository, manifest, Tag.Parse(t), default))));

        Assert.All(outcomes, o => Assert.True(o.IsStored));
        Assert.Equal(tags, (await images.ListTagsAsync(repository, new PageRequest(100, null), default)).Items);
        Assert.True(await images.DeleteManifestAsync(repository, manifest.Digest, default));
        Assert.Empty((await images.ListTagsAsync(repository, new PageRequest(100, null), default)).Items);
    }

    [Fact]
    public async Task ConcurrentCreatesOfOneRepositorySucceedOnce()
    {
        var (repositories, _, _, _) = await CreateAsync();
        var repository = NewName();

        var created = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            await repositories.CreateAsync(repository, RepositorySettings.Default, [new("team", "a")], DateTimeOffset.UnixEpoch, default))));

        Assert.Single(created, c => c);
        Assert.Equal([new KeyValuePair<string, string>("team", "a")], await repositories.GetTagsAsync(repository, default));
    }

    [Fact]
    public async Task ARepositoryPolicyIsStoredReplacedRemovedAndDroppedWithItsRepository()
    {
        var (repositories, _, _, _) = await CreateAsync();
        var repository = NewName();
        Assert.Null(await repositories.GetPolicyAsync(repository, default));
        Assert.False(await repositories.SetPolicyAsync(repository, "{}", default));
        await CreateRepositoryAsync(repositories, repository);

        Assert.Null((await repositories.GetPolicyAsync(repository, default))!.PolicyText);
        Assert.True(await repositories.SetPolicyAsync(repository, "first", default));
        Assert.True(await repositories.SetPolicyAsync(repository, "second", default));
        Assert.Equal("second", (await repositories.GetPolicyAsync(repository, default))!.PolicyText);
        Assert.True(await repositories.SetPolicyAsync(repository, null, default));
        Assert.Null((await repositories.GetPolicyAsync(repository, default))!.PolicyText);
        Assert.True(await repositories.SetPolicyAsync(repository, "third", default));
        Assert.Equal(RepositoryDeletion.Deleted, await repositories.DeleteAsync(repository, force: true, default));
        await CreateRepositoryAsync(repositories, repository);
        Assert.Null((await repositories.GetPolicyAsync(repository, default))!.PolicyText);
    }

    [Fact]
    public async Task ThePoliciesOfManyRepositoriesAreReadTogetherAcrossBatches()
    {
        var (repositories, _, _, _) = await CreateAsync();
        var (withPolicy, without, late) = (NewName(), NewName(), NewName());
        foreach (var repository in new[] { withPolicy, without, late })
        {
            await CreateRepositoryAsync(repositories, repository);
        }

        Assert.True(await repositories.SetPolicyAsync(withPolicy, "policy-a", default));
        Assert.True(await repositories.SetPolicyAsync(late, "policy-late", default));

        // Names that do not exist are left out; the last name falls in a second batch.
        var names = new List<RepositoryName> { withPolicy, without, withPolicy };
        names.AddRange(Enumerable.Range(0, IRepositoryStore.PolicyBatch).Select(_ => NewName()));
        names.Add(late);
        var policies = await repositories.GetPoliciesAsync(names, default);

        Assert.Equal(3, policies.Count);
        Assert.Equal("policy-a", policies[withPolicy.Value]);
        Assert.Null(policies[without.Value]);
        Assert.Equal("policy-late", policies[late.Value]);
        Assert.Empty(await repositories.GetPoliciesAsync([], default));
    }

    [Fact]
    public async Task ARepositoryCreatedWithAPolicyHasItAtOnceAndASecondCreateChangesNothing()
    {
        var (repositories, _, _, _) = await CreateAsync();
        var repository = NewName();

        Assert.True(await repositories.CreateAsync(repository, RepositorySettings.Default, [], "from-template", DateTimeOffset.UnixEpoch, default));
        Assert.False(await repositories.CreateAsync(repository, RepositorySettings.Default, [], "other", DateTimeOffset.UnixEpoch, default));

        Assert.Equal("from-template", (await repositories.GetPolicyAsync(repository, default))!.PolicyText);
    }

    private static async Task CreateRepositoryAsync(IRepositoryStore repositories, RepositoryName name) =>
        Assert.True(await repositories.CreateAsync(name, RepositorySettings.Default, [], DateTimeOffset.UnixEpoch, default));

    private static RepositoryName NewName() => RepositoryName.Parse($"contract/{Guid.NewGuid():N}");

    private static (ParsedManifest Manifest, Digest Config) Manifest()
    {
        var config = Digest.Sha256Of(Guid.NewGuid().ToByteArray());
        var json = $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{config}}","size":2},"layers":[]}""";
        return (ManifestParser.Parse(Encoding.UTF8.GetBytes(json), MediaTypes.OciManifest), config);
    }
}
