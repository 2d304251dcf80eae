using System.Text.Json;
using Berth.Server.Tests.Clients.Tools;

namespace Berth.Server.Tests.Packaging;

/// <summary>
/// packaging/compose.yaml is a valid compose file (docker-compose config resolves it) that runs two Berth nodes on
/// PostgreSQL and the S3 gateway, behind the balancer, with the secrets taken from the environment. Its images are not
/// pulled here (this machine cannot reach Docker Hub): what is checked is the file, not a running deployment.
/// </summary>
public sealed class ComposeFileTests
{
    [SkippableFact]
    public async Task TheScaleOutComposeFileResolvesToTwoNodesOnPostgresAndS3()
    {
        ClientTools.SkipUnlessAvailable("docker-compose");
        var file = Path.Combine(RepositoryRoot(), "packaging", "compose.yaml");
        var environment = new Dictionary<string, string?>
        {
            ["POSTGRES_PASSWORD"] = "pg-secret",
            ["S3_ACCESS_KEY_ID"] = "s3-key",
            ["S3_SECRET_ACCESS_KEY"] = "s3-secret",
            ["BERTH_MASTER_KEY"] = "master",
            ["BERTH_ROOT_ACCESS_KEY_ID"] = "AKIAEXAMPLE",
            ["BERTH_ROOT_SECRET_ACCESS_KEY"] = "root-secret",
        };
        var resolved = await ProcessRunner.RunAsync("docker-compose", ["--file", file, "config"], new ProcessRunOptions { Environment = environment });

        // docker-compose 1.x prints YAML only; python3-yaml (its own dependency) turns it into JSON.
        var json = await ProcessRunner.RunAsync("python3", ["-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))"],
            new ProcessRunOptions { StandardInput = resolved.StandardOutput });
        var services = JsonDocument.Parse(json.StandardOutput).RootElement.GetProperty("services");
        Assert.Equal(["balancer", "berth-1", "berth-2", "bucket", "postgres", "s3"], services.EnumerateObject().Select(s => s.Name).Order(StringComparer.Ordinal));
        foreach (var node in new[] { "berth-1", "berth-2" })
        {
            var settings = services.GetProperty(node).GetProperty("environment");
            Assert.Equal("Postgres", settings.GetProperty("Berth__Storage__Metadata__Type").GetString());
            Assert.Contains("Password=pg-secret", settings.GetProperty("Berth__Storage__Metadata__Postgres__ConnectionString").GetString(), StringComparison.Ordinal);
            Assert.Equal("S3", settings.GetProperty("Berth__Storage__Blobs__Type").GetString());
            Assert.Equal("http://s3:8333", settings.GetProperty("Berth__Storage__Blobs__S3__ServiceUrl").GetString());
            Assert.Equal("master", settings.GetProperty("Berth__MasterKey").GetString());
            Assert.Equal("/var/lib/berth", services.GetProperty(node).GetProperty("volumes")[0].GetProperty("target").GetString());
        }

        // Without a secret the file refuses to resolve, naming it.
        var missing = await ProcessRunner.RunAsync("docker-compose", ["--file", file, "config", "--quiet"], new ProcessRunOptions
        {
            AllowFailure = true,
            Environment = new Dictionary<string, string?>(environment) { ["POSTGRES_PASSWORD"] = null },
        });
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("POSTGRES_PASSWORD", missing.StandardError, StringComparison.Ordinal);
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
