using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;
using Berth.Storage.Tests.S3;
using Berth.Testing.Postgres;
using Xunit.Abstractions;

namespace Berth.Server.Tests.Packaging;

/// <summary>
/// The container image of Berth, built once for the class by packaging/build-image.sh (<see cref="BerthImageBuild"/>),
/// run by docker (the shared test dockerd, host network):
/// <list type="bullet">
/// <item>alone, as in the README: as uid 1654 with its data directory on a named volume; /v2/ and the ECR API answer
/// (aws CLI), and docker pushes the image of Berth into the Berth it runs, which skopeo reads back (the manifest docker
/// printed, on the published config); a docker push and a docker pull of a small image round-trip;</item>
/// <item>as the two nodes of packaging/compose.yaml, started by docker-compose from that file with an override that
/// only points them at this test's PostgreSQL and S3 (Swift) on the host network: an image pushed through one node is
/// pulled by docker from the other.</item>
/// </list>
/// The compose file's postgres, s3 (SeaweedFS), bucket and nginx services are not run: their images come from Docker
/// Hub, which this machine cannot reach.
/// </summary>
[Collection(DockerTestGroup.Name)]
public sealed class ContainerImageTests(DockerDaemon docker, BerthImageBuild image, ITestOutputHelper output) : IClassFixture<BerthImageBuild>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    [SkippableFact]
    public async Task TheImageRunsAsNonRootWithItsDataOnAVolumeAndTakesItsOwnImageByDockerPush()
    {
        SkipUnlessBuilt(Skopeo.Tool, "aws");
        await image.LoadAsync(docker);
        var config = JsonDocument.Parse((await docker.RunAsync("image", "inspect", "--format", "{{json .Config}}", BerthImageBuild.LocalName)).StandardOutput).RootElement;
        Assert.Equal("1654", config.GetProperty("User").GetString());
        Assert.True(config.GetProperty("Volumes").TryGetProperty("/var/lib/berth", out _), config.ToString());
        Assert.Equal(["/app/berth", "serve"], config.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));

        var name = $"berth-{Guid.NewGuid().ToString("N")[..12]}";
        var volume = $"{name}-data";
        var port = FreePort();
        var (keyId, secret) = NewRootKey();
        await docker.RunAsync("run", "--detach", "--name", name, "--network", "host", "--volume", $"{volume}:/var/lib/berth",
            "--env", $"Berth__Urls=http://127.0.0.1:{port}", "--env", $"BERTH_ROOT_ACCESS_KEY_ID={keyId}", "--env", $"BERTH_ROOT_SECRET_ACCESS_KEY={secret}",
            BerthImageBuild.LocalName);
        try
        {
            var endpoint = new Uri($"http://127.0.0.1:{port}/");
            var host = $"127.0.0.1:{port}";
            using var client = new HttpClient { BaseAddress = endpoint };
            await WaitUntilReadyAsync(client, name);
            using (var v2 = await client.GetAsync(new Uri("/v2/", UriKind.Relative)))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, v2.StatusCode);
            }

            // The process, its data directory and the database file belong to the image's user; the data is the volume.
            var status = (await docker.RunAsync("exec", name, "cat", "/proc/1/status")).StandardOutput;
            var uid = status.Split('\n').Single(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1..];
            Assert.All(uid, id => Assert.Equal("1654", id));
            var modes = (await docker.RunAsync("exec", name, "stat", "-c", "%u %a %n", "/var/lib/berth", "/var/lib/berth/berth.db")).StandardOutput.Trim().Split('\n');
            Assert.Equal(["1654 700 /var/lib/berth", "1654 600 /var/lib/berth/berth.db"], modes);
            var mounts = (await docker.RunAsync("inspect", "--format", "{{range .Mounts}}{{.Type}} {{.Name}} {{.Destination}}{{end}}", name)).StandardOutput.Trim();
            Assert.Equal($"volume {volume} /var/lib/berth", mounts);

            // The ECR API (aws CLI), then docker pushes the image of Berth into the Berth it runs.
            var aws = new AwsCli(endpoint, keyId, secret);
            var created = await aws.RunAsync("ecr", "create-repository", "--repository-name", "berth/server");
            Assert.Equal($"{host}/berth/server", created.GetProperty("repository").GetProperty("repositoryUri").GetString());
            var password = (await aws.RunRawAsync(["ecr", "get-login-password"])).StandardOutput.Trim();
            await docker.RunWithInputAsync(password, "login", "--username", "AWS", "--password-stdin", host);
            await docker.RunAsync("tag", BerthImageBuild.LocalName, $"{host}/berth/server:{BerthImageBuild.Tag}");
            var push = await docker.RunAsync("push", $"{host}/berth/server:{BerthImageBuild.Tag}");
            var pushed = PushedDigest(push.StandardOutput);

            // Read back by another client as stored (dir: keeps the manifest's bytes; skopeo checks every blob against
            // its digest): the manifest docker pushed, on the published image's config (docker pushes the config bytes
            // it loaded and compresses the layers again).
            var pulled = Path.Combine(Path.GetTempPath(), "berth-tests", $"pulled-{Guid.NewGuid():N}");
            try
            {
                await Skopeo.CopyAsync($"docker://{host}/berth/server:{BerthImageBuild.Tag}", $"dir:{pulled}", "--src-tls-verify=false", "--src-creds", $"AWS:{password}");
                var manifestBytes = await File.ReadAllBytesAsync(Path.Combine(pulled, "manifest.json"));
                Assert.Equal(pushed, $"sha256:{Convert.ToHexStringLower(SHA256.HashData(manifestBytes))}");
                var manifest = JsonDocument.Parse(manifestBytes).RootElement;
                Assert.Equal(image.ConfigDigest(), manifest.GetProperty("config").GetProperty("digest").GetString());
                Assert.Equal(2, manifest.GetProperty("layers").GetArrayLength());
            }
            finally
            {
                Directory.Delete(pulled, recursive: true);
            }

            // A docker push and, once the image is gone from docker, a docker pull that downloads every layer.
            var (small, local) = await DockerPush.NativeImageAsync(docker, host, password, "berth/server", "small");
            await docker.RunAsync("rmi", local);
            await docker.RunWithInputAsync(password, "login", "--username", "AWS", "--password-stdin", host);
            var pull = await docker.RunAsync("pull", $"{host}/berth/server@{small}");
            Assert.Contains("Pull complete", pull.StandardOutput, StringComparison.Ordinal);
            await docker.RunAsync("rmi", $"{host}/berth/server@{small}", $"{host}/berth/server:{BerthImageBuild.Tag}");
            await docker.RunAsync("logout", host);
        }
        finally
        {
            await docker.RunAsync("rm", "--force", "--volumes", name);
            await docker.RunAsync("volume", "rm", "--force", volume);
        }
    }

    [SkippableFact]
    public async Task TheComposeFilesTwoNodesOnPostgresAndS3ServeOnePushedImage()
    {
        SkipUnlessBuilt("docker-compose", "aws", "swift-proxy-server");
        await image.LoadAsync(docker);
        var postgres = new PostgresCluster();
        await postgres.InitializeAsync();
        await using var swift = await SwiftServer.StartAsync();
        var work = Directory.CreateTempSubdirectory("berth-compose-").FullName;
        var project = $"berth{Guid.NewGuid().ToString("N")[..10]}";
        var (keyId, secret) = NewRootKey();
        var environment = new Dictionary<string, string?>
        {
            ["DOCKER_HOST"] = docker.Address,
            ["BERTH_IMAGE"] = BerthImageBuild.LocalName,
            ["POSTGRES_PASSWORD"] = "unused: the override names this test's database",
            ["S3_ACCESS_KEY_ID"] = swift.AccessKeyId,
            ["S3_SECRET_ACCESS_KEY"] = swift.SecretAccessKey,
            ["BERTH_MASTER_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["BERTH_ROOT_ACCESS_KEY_ID"] = keyId,
            ["BERTH_ROOT_SECRET_ACCESS_KEY"] = secret,
        };
        string[] compose = ["--project-name", project, "--file", Path.Combine(BerthImageBuild.RepositoryRoot(), "packaging", "compose.yaml"), "--file", Path.Combine(work, "override.yaml")];
        try
        {
            // Everything but where PostgreSQL and S3 are (and the ports, since both nodes share the host's network)
            // comes from compose.yaml: the image, the settings, the volume, the restart policy.
            var database = await postgres.CreateDatabaseAsync();
            var ports = new[] { FreePort(), FreePort() };
            var metrics = new[] { FreePort(), FreePort() };
            var yaml = new StringBuilder("services:\n");
            for (var i = 0; i < 2; i++)
            {
                yaml.Append($"""
                      berth-{i + 1}:
                        network_mode: host
                        environment:
                          Berth__Urls: http://127.0.0.1:{ports[i]}
                          Berth__Metrics__Listen: http://127.0.0.1:{metrics[i]}
                          Berth__Storage__Metadata__Postgres__ConnectionString: "{database}"
                          Berth__Storage__Blobs__S3__ServiceUrl: {swift.ServiceUrl}
                          Berth__Storage__Blobs__S3__Bucket: {swift.Bucket}

                    """);
            }

            await File.WriteAllTextAsync(Path.Combine(work, "override.yaml"), yaml.ToString());
            await ProcessRunner.RunAsync("docker-compose", [.. compose, "up", "--detach", "--no-deps", "berth-1", "berth-2"],
                new ProcessRunOptions { Environment = environment, Timeout = Deadline });

            var nodes = ports.Select(p => $"127.0.0.1:{p}").ToArray();
            for (var i = 0; i < 2; i++)
            {
                using var client = new HttpClient { BaseAddress = new Uri($"http://{nodes[i]}/") };
                await WaitUntilReadyAsync(client, $"{project}_berth-{i + 1}_1");
            }

            // The repository and the password come from node 1, the push goes to node 1, the pull to node 2.
            var aws = new AwsCli(new Uri($"http://{nodes[0]}/"), keyId, secret);
            await aws.RunAsync("ecr", "create-repository", "--repository-name", "compose/app");
            var password = (await aws.RunRawAsync(["ecr", "get-login-password"])).StandardOutput.Trim();
            var (digest, local) = await DockerPush.NativeImageAsync(docker, nodes[0], password, "compose/app", "v1");
            await docker.RunAsync("rmi", local);
            await docker.RunWithInputAsync(password, "login", "--username", "AWS", "--password-stdin", nodes[1]);
            var pull = await docker.RunAsync("pull", $"{nodes[1]}/compose/app:v1");
            Assert.Contains(digest, pull.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("Pull complete", pull.StandardOutput, StringComparison.Ordinal);
            await docker.RunAsync("rmi", $"{nodes[1]}/compose/app:v1");
            await docker.RunAsync("logout", nodes[1]);

            // Both nodes ran the compose file's settings: PostgreSQL metadata (the image is in the database), S3 blobs.
            var containers = (await ProcessRunner.RunAsync("docker-compose", [.. compose, "ps", "--quiet", "berth-1", "berth-2"], new ProcessRunOptions { Environment = environment }))
                .StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, containers.Length);
            foreach (var container in containers)
            {
                var settings = (await docker.RunAsync("inspect", "--format", "{{range .Config.Env}}{{println .}}{{end}}", container)).StandardOutput;
                Assert.Contains("Berth__Storage__Metadata__Type=Postgres", settings, StringComparison.Ordinal);
                Assert.Contains("Berth__Storage__Blobs__Type=S3", settings, StringComparison.Ordinal);
                Assert.Equal("unless-stopped", (await docker.RunAsync("inspect", "--format", "{{.HostConfig.RestartPolicy.Name}}", container)).StandardOutput.Trim());
            }
        }
        finally
        {
            var down = await ProcessRunner.RunAsync("docker-compose", [.. compose, "down", "--volumes"],
                new ProcessRunOptions { Environment = environment, AllowFailure = true, Timeout = Deadline });
            if (down.ExitCode != 0)
            {
                output.WriteLine($"docker-compose down failed ({down.ExitCode}): {down.StandardError}");
            }
            await postgres.DisposeAsync();
            Directory.Delete(work, recursive: true);
        }
    }

    private void SkipUnlessBuilt(params string[] tools)
    {
        // Fails in CI (scripts/test.sh installs them) and is Skipped elsewhere when a tool of the build is missing.
        ClientTools.SkipUnlessAvailable([.. BerthImageBuild.Tools, DockerDaemon.Tool, DockerDaemon.DaemonTool, .. tools]);
        Skip.If(image.SkipReason is not null, image.SkipReason);
        Skip.IfNot(docker.IsRunning, "the daemon was not started: a tool was missing when its fixture began");
        output.WriteLine($"packaging/build-image.sh took {image.BuildSeconds:F0} s for the class");
    }

    private async Task WaitUntilReadyAsync(HttpClient client, string container)
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
                var logs = await docker.RunAsync("logs", container);
                Assert.Fail($"the container {container} did not become ready:\n{logs.StandardOutput}\n{logs.StandardError}");
            }

            await Task.Delay(200);
        }
    }

    private static (string KeyId, string Secret) NewRootKey() =>
        ("AKIA" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)));

    private static string PushedDigest(string pushOutput)
    {
        var match = System.Text.RegularExpressions.Regex.Match(pushOutput, "digest: (sha256:[0-9a-f]{64})");
        Assert.True(match.Success, pushOutput);
        return match.Groups[1].Value;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
