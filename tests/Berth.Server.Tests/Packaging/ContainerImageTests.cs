using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Packaging;

/// <summary>
/// The container image of Berth, built by packaging/build-image.sh (mmdebstrap base, <c>dotnet publish
/// /t:PublishContainer</c>), is pushed by skopeo into a running Berth and pulled back with every blob byte-identical;
/// docker (the shared test dockerd) pulls it from that Berth and runs it: the server answers, as uid 1654, with its
/// data directory on a named volume. One test: the publish takes minutes, so it runs once; the Debian root filesystem
/// and its OCI layout are cached under the tests' temp root (berth-tests/image-cache) across runs. Skipped without
/// mmdebstrap.
/// </summary>
[Collection(DockerTestGroup.Name)]
public sealed class ContainerImageTests(DockerDaemon docker)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    [SkippableFact]
    public async Task TheImageRoundTripsThroughBerthAndRunsAsNonRootWithItsDataOnAVolume()
    {
        // mmdebstrap is not in scripts/test.sh's list: the Debian root filesystem costs minutes on a fresh machine, so the
        // test runs where it is installed (apt-get install mmdebstrap) and is reported Skipped elsewhere.
        Skip.If(ClientTools.Find("mmdebstrap") is null, "mmdebstrap is not installed (apt-get install mmdebstrap): packaging/build-image.sh needs it");
        ClientTools.SkipUnlessAvailable(DockerDaemon.Tool, DockerDaemon.DaemonTool, Skopeo.Tool, "curl");
        Skip.IfNot(docker.IsRunning, "the daemon was not started: a tool was missing when its fixture began");
        var temp = Path.Combine(Path.GetTempPath(), "berth-tests");
        var work = Path.Combine(temp, $"image-{Guid.NewGuid():N}");
        try
        {
            await ProcessRunner.RunAsync(Path.Combine(RepositoryRoot(), "packaging", "build-image.sh"), [work], new ProcessRunOptions
            {
                Timeout = TimeSpan.FromMinutes(20),
                Environment = new Dictionary<string, string?>
                {
                    ["BERTH_IMAGE_CACHE"] = Path.Combine(temp, "image-cache"),
                    ["BERTH_IMAGE_TAG"] = "test",

                    // The build's registry is this test run's berth (already built): one compile less.
                    ["BERTH_REGISTRY_DLL"] = Path.Combine(AppContext.BaseDirectory, "berth.dll"),
                },
            });

            await using var server = await BerthTestServer.StartAsync();
            var remote = $"{server.Host}/berth/server:test";
            await Skopeo.CopyAsync($"oci:{work}/oci:test", $"docker://{remote}", "--preserve-digests");
            await Skopeo.CopyAsync($"docker://{remote}", $"oci:{work}/pulled:test");
            var published = ManifestDigest(Path.Combine(work, "oci"));
            Assert.Equal(published, ManifestDigest(Path.Combine(work, "pulled")));
            var blobs = Directory.GetFiles(Path.Combine(work, "oci", "blobs", "sha256")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(blobs, Directory.GetFiles(Path.Combine(work, "pulled", "blobs", "sha256")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList());
            foreach (var blob in blobs)
            {
                Assert.True(
                    await SameBytesAsync(Path.Combine(work, "oci", "blobs", "sha256", blob!), Path.Combine(work, "pulled", "blobs", "sha256", blob!)),
                    $"blob {blob} differs after the round trip");
            }

            await docker.RunAsync("pull", remote);
            var config = JsonDocument.Parse((await docker.RunAsync("image", "inspect", "--format", "{{json .Config}}", remote)).StandardOutput).RootElement;
            Assert.Equal("1654", config.GetProperty("User").GetString());
            Assert.True(config.GetProperty("Volumes").TryGetProperty("/var/lib/berth", out _), config.ToString());

            var name = $"berth-{Guid.NewGuid().ToString("N")[..12]}";
            var volume = $"{name}-data";
            var port = FreePort();
            await docker.RunAsync("run", "--detach", "--name", name, "--network", "host", "--volume", $"{volume}:/var/lib/berth",
                "--env", $"Berth__Urls=http://127.0.0.1:{port}", remote);
            try
            {
                using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
                await WaitUntilReadyAsync(client, docker, name);
                using (var v2 = await client.GetAsync(new Uri("/v2/", UriKind.Relative)))
                {
                    Assert.Equal(HttpStatusCode.Unauthorized, v2.StatusCode);
                }

                var status = (await docker.RunAsync("exec", name, "cat", "/proc/1/status")).StandardOutput;
                var uid = status.Split('\n').Single(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1..];
                Assert.All(uid, id => Assert.Equal("1654", id));
                var modes = (await docker.RunAsync("exec", name, "stat", "-c", "%u %a %n", "/var/lib/berth", "/var/lib/berth/berth.db")).StandardOutput.Trim().Split('\n');
                Assert.Equal(["1654 700 /var/lib/berth", "1654 600 /var/lib/berth/berth.db"], modes);
                var mounts = (await docker.RunAsync("inspect", "--format", "{{range .Mounts}}{{.Type}} {{.Name}} {{.Destination}}{{end}}", name)).StandardOutput.Trim();
                Assert.Equal($"volume {volume} /var/lib/berth", mounts);
            }
            finally
            {
                await docker.RunAsync("rm", "--force", "--volumes", name);
                await docker.RunAsync("volume", "rm", "--force", volume);
                await docker.RunAsync("rmi", remote);
            }
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    private static async Task WaitUntilReadyAsync(HttpClient client, DockerDaemon docker, string name)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            try
            {
                using var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                var logs = await docker.RunAsync("logs", name);
                Assert.Fail($"the container did not become ready:\n{logs.StandardOutput}\n{logs.StandardError}");
            }

            await Task.Delay(200);
        }
    }

    private static string ManifestDigest(string layout) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(layout, "index.json"))).RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString()!;

    private static async Task<bool> SameBytesAsync(string first, string second)
    {
        await using var a = File.OpenRead(first);
        await using var b = File.OpenRead(second);
        if (a.Length != b.Length)
        {
            return false;
        }

        var left = new byte[81920];
        var right = new byte[81920];
        int read;
        while ((read = await a.ReadAsync(left)) > 0)
        {
            await b.ReadExactlyAsync(right.AsMemory(0, read));
            if (!left.AsSpan(0, read).SequenceEqual(right.AsSpan(0, read)))
            {
                return false;
            }
        }

        return true;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Berth.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Berth.slnx not found above " + AppContext.BaseDirectory);
    }
}
