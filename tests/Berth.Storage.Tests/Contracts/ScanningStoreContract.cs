using System.Text;
using System.Text.Json;
using Berth.Core.Content;
using Berth.Core.Manifests;
using Berth.Core.Naming;
using Berth.Core.Paging;
using Berth.Core.Registries;
using Berth.Core.Repositories;
using Berth.Core.Scanning;
using Berth.Core.Scanning.Feed;
using Berth.Storage.Metadata;

namespace Berth.Storage.Tests.Contracts;

/// <summary>
/// What the scanning stores (<see cref="IImageScanStore"/>, <see cref="IScanBacklog"/>, <see cref="IVulnerabilityFeed"/>)
/// and the scan rows of a manifest push must do on every engine.
/// </summary>
public abstract class ScanningStoreContract
{
    private static readonly RegistryIdentity Registry = new("000000000000", "us-east-1");
    private static readonly TimeSpan Claim = TimeSpan.FromMinutes(5);

    /// <summary>A fresh, migrated database of its own.</summary>
    private protected abstract Task<MetadataDatabase> CreateDatabaseAsync();

    [Fact]
    public async Task APushQueuesAScanOnlyWhereARuleOrTheRepositorysScanOnPushSaysSo()
    {
        var database = await CreateDatabaseAsync();
        var scans = new SqlImageScanStore(database, Registry, TimeProvider.System);
        await scans.PutConfigurationAsync(new RegistryScanningConfiguration("BASIC", [new ScanningRule(ScanningRule.ScanOnPush, ["prod-*"])]), default);
        var byRule = await RepositoryAsync(database, "prod-app", scanOnPush: false);
        var bySetting = await RepositoryAsync(database, "legacy", scanOnPush: true);
        var manual = await RepositoryAsync(database, "dev", scanOnPush: false);

        var pushed = new[] { await PushAsync(database, byRule), await PushAsync(database, bySetting), await PushAsync(database, manual) };
        var index = Parse($$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciIndex}}","manifests":[{"mediaType":"{{MediaTypes.OciManifest}}","digest":"{{pushed[0]}}","size":10}]}""");
        Assert.True((await new SqlImageStore(database, Registry, TimeProvider.System).PutManifestAsync(byRule, index, Tag.Parse("multi"), default)).IsStored);

        Assert.Equal(ScanStatus.InProgress, (await scans.FindAsync(byRule, pushed[0], default))?.Status);
        Assert.Equal(ScanStatus.InProgress, (await scans.FindAsync(bySetting, pushed[1], default))?.Status);
        Assert.Null(await scans.FindAsync(manual, pushed[2], default));
        Assert.Null(await scans.FindAsync(byRule, index.Digest, default));
        Assert.Equal(StartScanOutcome.LimitExceeded, await scans.StartAsync(byRule, pushed[0], ScanningService.Quota, default));
        Assert.Equal(StartScanOutcome.Started, await scans.StartAsync(manual, pushed[2], ScanningService.Quota, default));
        Assert.Equal(StartScanOutcome.LimitExceeded, await scans.StartAsync(manual, pushed[2], ScanningService.Quota, default));
        Assert.Equal(StartScanOutcome.ImageMissing, await scans.StartAsync(manual, Digest.Sha256Of([1]), ScanningService.Quota, default));
        Assert.Equal(
            (await scans.GetConfigurationAsync(default)).Rules.Single().Filters,
            ["prod-*"]);
    }

    [Fact]
    public async Task AClaimThatRunsOutIsTakenOverAndOnlyTheNewOwnerCompletesIt()
    {
        var database = await CreateDatabaseAsync();
        var scans = new SqlImageScanStore(database, Registry, TimeProvider.System);
        var repository = await RepositoryAsync(database, "app", scanOnPush: true);
        var digest = await PushAsync(database, repository);
        var backlog = new SqlScanBacklog(database);

        // A claim that ended a minute before it was taken stands for the claim of a node that died mid-scan.
        var dead = Assert.Single(await backlog.ClaimAsync("node-a", 1, TimeSpan.FromMinutes(-1), default));
        var alive = Assert.Single(await backlog.ClaimAsync("node-b", 1, Claim, default));
        Assert.Empty(await backlog.ClaimAsync("node-c", 1, Claim, default));
        Assert.Equal((repository.Value, digest.ToString(), 1), (alive.Repository, alive.Digest, alive.Attempts));
        Assert.StartsWith("{", Encoding.UTF8.GetString(alive.Manifest), StringComparison.Ordinal);

        var findings = Enumerable.Range(0, 5).Select(i => new ScanFinding($"CVE-2024-{i}", i == 0 ? null : "d", "https://x", i < 2 ? "HIGH" : "LOW", "pkg", "1.0", i == 1 ? "CVSS:3.1/AV:N" : null, i == 1 ? 7.5 : null)).ToList();
        Assert.False(await backlog.CompleteAsync(dead, "node-a", findings, null, default));
        Assert.True(await backlog.CompleteAsync(alive, "node-b", findings, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), default));

        var scan = (await scans.FindAsync(repository, digest, default))!;
        Assert.Equal((ScanStatus.Complete, 2, 3), (scan.Status, scan.SeverityCounts["HIGH"], scan.SeverityCounts["LOW"]));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), scan.VulnerabilitySourceUpdatedAt);
        var first = await scans.ListFindingsAsync(repository, digest, new PageRequest(2, null), default);
        var rest = await scans.ListFindingsAsync(repository, digest, new PageRequest(10, "1"), default);
        Assert.True(first.HasMore);
        Assert.Equal(findings, first.Items.Concat(rest.Items));
        Assert.False(rest.HasMore);
    }

    [Fact]
    public async Task AnImportReplacesRecordsByIdAndRequeuesContinuousScansWithoutSpendingTheQuota()
    {
        var database = await CreateDatabaseAsync();
        var feed = new SqlVulnerabilityFeed(database);
        var scans = new SqlImageScanStore(database, Registry, TimeProvider.System);
        await scans.PutConfigurationAsync(new RegistryScanningConfiguration("BASIC", [new ScanningRule(ScanningRule.ContinuousScan, ["*"])]), default);
        var repository = await RepositoryAsync(database, "app", scanOnPush: false);
        var digest = await PushAsync(database, repository);
        var backlog = new SqlScanBacklog(database);
        var task = Assert.Single(await backlog.ClaimAsync("node-a", 1, Claim, default));
        Assert.True(await backlog.FailAsync(task, "node-a", "layer unreadable", default));
        Assert.Equal(("FAILED", "layer unreadable"), ((await scans.FindAsync(repository, digest, default))!.Status, (await scans.FindAsync(repository, digest, default))!.Description));

        await feed.UpsertAsync([Record("DSA-1", "openssl", "Debian:12", "3.0.1"), Record("DSA-2", "zlib", "Debian:12", "1.3")], default);
        await feed.UpsertAsync([Record("DSA-1", "openssl", "Debian:12", "3.0.9")], default);
        Assert.Null(await feed.FindUpdatedAtAsync(default));
        var queued = await feed.CompleteImportAsync(DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000), default);

        Assert.Equal(1, queued);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000), await feed.FindUpdatedAtAsync(default));
        Assert.Equal(ScanStatus.InProgress, (await scans.FindAsync(repository, digest, default))!.Status);
        Assert.Equal(StartScanOutcome.LimitExceeded, await scans.StartAsync(repository, digest, ScanningService.Quota, default));
        var candidates = await feed.FindCandidatesAsync(["Debian:12", "Debian"], ["openssl", "zlib", "bash"], default);
        Assert.Equal(["DSA-1", "DSA-2"], candidates.Select(c => c.Record.Id).Order(StringComparer.Ordinal));
        Assert.Contains("3.0.9", candidates.Single(c => c.Record.Id == "DSA-1").Affected.RangesJson, StringComparison.Ordinal);
        Assert.Empty(await feed.FindCandidatesAsync(["Alpine:v3.18"], ["openssl"], default));
    }

    [Fact]
    public async Task AnEnhancedScanKeepsItsTypeAndEachFindingsDetailsAndTheFeedKeepsTheRecordsDetails()
    {
        var database = await CreateDatabaseAsync();
        var scans = new SqlImageScanStore(database, Registry, TimeProvider.System);
        await scans.PutConfigurationAsync(new RegistryScanningConfiguration("ENHANCED", [new ScanningRule(ScanningRule.ScanOnPush, ["*"])]), default);
        var repository = await RepositoryAsync(database, "app", scanOnPush: false);
        var digest = await PushAsync(database, repository);
        var backlog = new SqlScanBacklog(database);
        var task = Assert.Single(await backlog.ClaimAsync("node-a", 1, Claim, default));
        Assert.Equal(RegistryScanningConfiguration.Enhanced, task.ScanType);

        var details = new EnhancedFindingDetails("CVE-2024-1", "CVE-2024-1 - lodash", "GITHUB", "https://x", ["https://a", "https://b"], ["GHSA-1"], "HIGH",
            DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), null,
            [new VulnerablePackage("lodash", "4.17.20", "NPM", "/app/package-lock.json", "4.17.21", null, null, "sha256:" + new string('a', 64))],
            EnhancedFindingDetails.FixYes, "amd64", "DEBIAN_12");
        Assert.True(await backlog.CompleteAsync(task, "node-a", [new ScanFinding("CVE-2024-1", "d", "https://x", "HIGH", "lodash", "4.17.20", null, null, details)], null, default));
        Assert.Equal(RegistryScanningConfiguration.Enhanced, (await scans.FindAsync(repository, digest, default))!.ScanType);
        var stored = Assert.Single((await scans.ListFindingsAsync(repository, digest, new PageRequest(10, null), default)).Items);
        Assert.Equal(details.ToJson(), stored.Enhanced!.ToJson());

        // BASIC scans (and those before migration 0026) read back as BASIC without details.
        await scans.PutConfigurationAsync(RegistryScanningConfiguration.Default, default);
        var basic = await RepositoryAsync(database, "basic", scanOnPush: false);
        var basicDigest = await PushAsync(database, basic);
        Assert.Equal(StartScanOutcome.Started, await scans.StartAsync(basic, basicDigest, ScanningService.Quota, default));
        var basicTask = Assert.Single(await backlog.ClaimAsync("node-a", 1, Claim, default));
        Assert.True(await backlog.CompleteAsync(basicTask, "node-a", [new ScanFinding("CVE-2024-2", null, "https://y", "LOW", "zlib", "1.0", null, null)], null, default));
        Assert.Equal(RegistryScanningConfiguration.Basic, (await scans.FindAsync(basic, basicDigest, default))!.ScanType);
        Assert.Null(Assert.Single((await scans.ListFindingsAsync(basic, basicDigest, new PageRequest(10, null), default)).Items).Enhanced);

        var feed = new SqlVulnerabilityFeed(database);
        await feed.UpsertAsync([OsvRecord.Parse(JsonDocument.Parse("""
            {"id":"GHSA-x","published":"2024-01-01T00:00:00Z","summary":"s","aliases":["CVE-2024-9"],"references":[{"type":"WEB","url":"https://r"}],
             "database_specific":{"severity":"MODERATE"},
             "affected":[{"package":{"ecosystem":"PyPI","name":"Foo_Bar.baz"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}
            """).RootElement)!], default);
        var candidate = Assert.Single(await feed.FindCandidatesAsync(["PyPI"], ["foo-bar-baz"], default));
        Assert.Equal(("s", "CVE-2024-9", "https://r", "MODERATE"),
            (candidate.Record.Details!.Summary, candidate.Record.Details.Aliases.Single(), candidate.Record.Details.References.Single(), candidate.Record.Details.DatabaseSeverity));
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), candidate.Record.Details.Published);
    }

    private static VulnerabilityRecord Record(string id, string package, string ecosystem, string fixedVersion) => OsvRecord.Parse(JsonDocument.Parse(
        $$"""{"id":"{{id}}","affected":[{"package":{"ecosystem":"{{ecosystem}}","name":"{{package}}"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"{{fixedVersion}}"}]}]}]}""").RootElement)!;

    private static async Task<RepositoryName> RepositoryAsync(MetadataDatabase database, string name, bool scanOnPush)
    {
        var repository = RepositoryName.Parse(name);
        Assert.True(await new SqlRepositoryStore(database, Registry).CreateAsync(repository, RepositorySettings.Default with { ScanOnPush = scanOnPush }, [], null, DateTimeOffset.UnixEpoch, default));
        return repository;
    }

    private static async Task<Digest> PushAsync(MetadataDatabase database, RepositoryName repository)
    {
        var config = Digest.Sha256Of(Guid.NewGuid().ToByteArray());
        var manifest = Parse($$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{config}}","size":2},"layers":[]}""");
        await new SqlBlobLinkStore(database, Registry, TimeProvider.System).LinkAsync(repository, config, 2, default);
        Assert.True((await new SqlImageStore(database, Registry, TimeProvider.System).PutManifestAsync(repository, manifest, Tag.Parse("v1"), default)).IsStored);
        return manifest.Digest;
    }

    private static ParsedManifest Parse(string json) => ManifestParser.Parse(Encoding.UTF8.GetBytes(json), null);
}
