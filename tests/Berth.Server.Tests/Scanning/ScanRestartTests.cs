using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Berth.Server.Hosting;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Durability;
using Berth.Server.Tests.Events;
using Microsoft.Data.Sqlite;

namespace Berth.Server.Tests.Scanning;

/// <summary>
/// A scan interrupted by SIGKILL: the real <c>berth</c> process claims the scan of an image whose first layer holds
/// 2 GiB of zeros (so the scan is still reading it), is killed, and once restarted takes the scan over when the claim
/// runs out and completes it with each finding once; the "ECR Image Scan" event, written with the completion, reaches
/// the webhook exactly once.
/// </summary>
public sealed class ScanRestartTests
{
    private const string Secret = "scan-webhook-secret-for-tests-0123456789";
    private const string KeyId = "AKIASCANRESTARTTEST1";
    private const string SecretKey = "scan-restart-test-secret-access-key-00001";
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    [SkippableFact]
    public async Task AScanKilledMidwayResumesUnderItsClaimAndCompletesOnceWithOneScanEvent()
    {
        ClientTools.SkipUnlessAvailable(Skopeo.Tool);
        Skip.IfNot(File.Exists("/var/lib/dpkg/status") && File.Exists("/etc/os-release"), "not a Debian machine");
        await using var receiver = await WebhookReceiver.StartAsync();
        var data = BerthProcess.NewDataDirectory();
        var work = Path.Combine(Path.GetTempPath(), "berth-scan-restart", Guid.NewGuid().ToString("N"));
        var environment = new Dictionary<string, string>
        {
            ["BERTH_ROOT_ACCESS_KEY_ID"] = KeyId,
            ["BERTH_ROOT_SECRET_ACCESS_KEY"] = SecretKey,
            ["Berth__Events__Webhooks__0__Name"] = "receiver",
            ["Berth__Events__Webhooks__0__Url"] = receiver.Url.ToString(),
            ["Berth__Events__Webhooks__0__Secret"] = Secret,
            ["Berth__Events__PollInterval"] = "00:00:00.100",
            ["Berth__Scanning__PollInterval"] = "00:00:00.100",
            ["Berth__Scanning__ClaimDuration"] = "00:00:05",
        };
        const string repository = "scan/large";
        var layout = new OciLayoutWriter(Path.Combine(work, "layout"));
        var image = PackageDatabaseImages.Write(layout, "v1", [
            ZerosLayer(2L << 30),
            PackageDatabaseImages.Layer([("etc/os-release", File.ReadAllBytes("/etc/os-release")), ("var/lib/dpkg/status", File.ReadAllBytes("/var/lib/dpkg/status"))]),
        ]);

        TestFeed feed;
        await using (var berth = await BerthProcess.StartAsync(data, environment))
        {
            feed = TestFeed.Write(Path.Combine(work, "feed"));
            Assert.Equal(0, await BerthCommandLine.RunAsync(["vulnerabilities", "import", feed.Directory, "--data", data]));
            await ConfigureScanOnPushAsync(berth.Client.BaseAddress!);
            await ProcessRunner.RunAsync(Skopeo.Tool, ["copy", "--dest-tls-verify=false", $"oci:{layout.Directory}:v1", $"docker://{berth.Client.BaseAddress!.Authority}/{repository}:v1"]);

            await WaitForAsync(berth.DatabasePath, "SELECT COUNT(*) FROM image_scans WHERE claimed_by IS NOT NULL", 1, berth.Output);
            await berth.KillAsync();
        }

        var interrupted = await ScanRowAsync(data);
        Assert.True(interrupted.Status == "IN_PROGRESS", $"the scan was {interrupted.Status} before the kill; it should have been mid-way");
        Assert.Equal(1, interrupted.Attempts);
        Assert.Equal(0, await CountAsync(Path.Combine(data, "berth.db"), "SELECT COUNT(*) FROM event_outbox WHERE payload LIKE '%ECR Image Scan%'"));

        await using (var berth = await BerthProcess.StartAsync(data, environment))
        {
            await WaitForAsync(berth.DatabasePath, "SELECT COUNT(*) FROM image_scans WHERE status = 'COMPLETE'", 1, berth.Output);
            await WaitForAsync(berth.DatabasePath, "SELECT COUNT(*) FROM event_outbox WHERE payload LIKE '%ECR Image Scan%' AND status = 'DELIVERED'", 1, berth.Output);
            using var referrers = await berth.Client.GetAsync(new Uri($"/v2/{repository}/referrers/{image.Digest}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, referrers.StatusCode);
            Assert.Single(JsonDocument.Parse(await referrers.Content.ReadAsStringAsync()).RootElement.GetProperty("manifests").EnumerateArray());
        }

        var completed = await ScanRowAsync(data);
        Assert.Equal(("COMPLETE", 2), (completed.Status, completed.Attempts));
        var database = Path.Combine(data, "berth.db");
        Assert.Equal(feed.Matching.Count, await CountAsync(database, "SELECT COUNT(*) FROM image_scan_findings"));
        Assert.Equal(feed.Matching.Count, await CountAsync(database, "SELECT COUNT(DISTINCT name) FROM image_scan_findings"));

        var scans = receiver.Deliveries.Where(d => d.Accepted).Select(d => JsonDocument.Parse(d.Body).RootElement)
            .Where(e => e.GetProperty("detail-type").GetString() == "ECR Image Scan").ToList();
        var scan = Assert.Single(scans);
        Assert.Equal("aws.ecr", scan.GetProperty("source").GetString());
        Assert.Equal($"arn:aws:ecr:us-east-1:{scan.GetProperty("account").GetString()}:repository/{repository}", Assert.Single(scan.GetProperty("resources").EnumerateArray()).GetString());
        var detail = scan.GetProperty("detail");
        Assert.Equal(("COMPLETE", repository, image.Digest), (detail.GetProperty("scan-status").GetString(), detail.GetProperty("repository-name").GetString(), detail.GetProperty("image-digest").GetString()));
        Assert.Equal(["v1"], detail.GetProperty("image-tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(new Dictionary<string, int> { ["CRITICAL"] = 1, ["HIGH"] = 1, ["MEDIUM"] = 5 },
            detail.GetProperty("finding-severity-counts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32()));
        Directory.Delete(work, recursive: true);
        Directory.Delete(data, recursive: true);
    }

    private static async Task ConfigureScanOnPushAsync(Uri endpoint)
    {
        const string Script = """
            import boto3, os
            ecr = boto3.client("ecr", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1")
            ecr.put_registry_scanning_configuration(scanType="BASIC", rules=[{"scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}])
            """;
        await ProcessRunner.RunAsync("python3", ["-c", Script], new ProcessRunOptions
        {
            Environment = new Dictionary<string, string?>
            {
                ["AWS_ACCESS_KEY_ID"] = KeyId,
                ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
                ["AWS_CONFIG_FILE"] = "/dev/null",
                ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
                ["ENDPOINT"] = endpoint.ToString().TrimEnd('/'),
            },
        });
    }

    /// <summary>A gzip'd layer holding one file of <paramref name="size"/> zero bytes, streamed (small once compressed).</summary>
    private static (byte[] Layer, string DiffId) ZerosLayer(long size)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest, leaveOpen: true))
        using (var tee = new HashingWriteStream(gzip, hash))
        using (var writer = new TarWriter(tee, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "opt/zeros.bin") { DataStream = new ZeroStream(size) });
        }

        return (gzipped.ToArray(), "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static async Task<(string Status, int Attempts)> ScanRowAsync(string data)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "berth.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT status, attempts FROM image_scans";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetString(0), reader.GetInt32(1));
    }

    private static async Task<long> CountAsync(string database, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task WaitForAsync(string database, string sql, long count, string output)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (await CountAsync(database, sql) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {sql} reached {count}:\n{output}");
            await Task.Delay(10);
        }
    }

    /// <summary>Zero bytes of a fixed length, seekable so that the tar writer knows the entry's size.</summary>
    private sealed class ZeroStream(long length) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - Position);
            Array.Clear(buffer, offset, n);
            Position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => Position + offset,
            _ => length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Writes through to <c>inner</c> and hashes what passes (the uncompressed tar: the diff id).</summary>
    private sealed class HashingWriteStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            hash.AppendData(buffer, offset, count);
            inner.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
