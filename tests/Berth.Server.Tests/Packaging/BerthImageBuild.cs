using System.Diagnostics;
using System.Text.Json;
using Berth.Server.Tests.Clients.Tools;

namespace Berth.Server.Tests.Packaging;

/// <summary>
/// The container image of Berth, built once for the test class by packaging/build-image.sh (mmdebstrap base, then
/// <c>dotnet publish /t:PublishContainer</c>) into a temporary directory: the published OCI layout and its docker
/// archive. The Debian root filesystem and its one-layer OCI image are cached under the tests' temp root
/// (berth-tests/image-cache) across runs on one machine. Without mmdebstrap, skopeo or curl nothing is built and
/// <see cref="SkipReason"/> says why.
/// </summary>
public sealed class BerthImageBuild : IAsyncLifetime
{
    public const string Tag = "test";

    /// <summary>The name docker knows the image by after <see cref="LoadAsync"/> (the archive's own name).</summary>
    public const string LocalName = "berth:" + Tag;

    /// <summary>What packaging/build-image.sh needs besides python3 and the SDK.</summary>
    public static readonly string[] Tools = ["mmdebstrap", Skopeo.Tool, "curl"];

    private readonly string _work = Path.Combine(Path.GetTempPath(), "berth-tests", $"image-{Guid.NewGuid():N}");
    private bool _loaded;

    public string? SkipReason { get; private set; }

    /// <summary>The OCI layout the SDK's image was copied to, tag <see cref="Tag"/>.</summary>
    public string Layout => Path.Combine(_work, "oci");

    /// <summary>Seconds build-image.sh took (with a cached root filesystem unless this was the machine's first build).</summary>
    public double BuildSeconds { get; private set; }

    public async Task InitializeAsync()
    {
        var missing = Tools.Where(t => ClientTools.Find(t) is null).ToList();
        if (missing.Count > 0)
        {
            SkipReason = $"{string.Join(", ", missing)} not installed (scripts/test.sh installs them): packaging/build-image.sh needs them";
            return;
        }

        var watch = Stopwatch.StartNew();
        await ProcessRunner.RunAsync(Path.Combine(RepositoryRoot(), "packaging", "build-image.sh"), [_work], new ProcessRunOptions
        {
            Timeout = TimeSpan.FromMinutes(30),
            Environment = new Dictionary<string, string?>
            {
                ["BERTH_IMAGE_CACHE"] = Path.Combine(Path.GetTempPath(), "berth-tests", "image-cache"),
                ["BERTH_IMAGE_TAG"] = Tag,

                // The build's registry is this test run's berth (already built): one compile less.
                ["BERTH_REGISTRY_DLL"] = Path.Combine(AppContext.BaseDirectory, "berth.dll"),
            },
        });
        BuildSeconds = watch.Elapsed.TotalSeconds;
    }

    /// <summary>docker load of the archive, once.</summary>
    public async Task LoadAsync(DockerDaemon docker)
    {
        if (!_loaded)
        {
            await docker.RunAsync("load", "--input", Path.Combine(_work, "berth-image.tar"));
            _loaded = true;
        }
    }

    /// <summary>The digest of the config blob of the published image (docker's image id).</summary>
    public string ConfigDigest()
    {
        var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(Layout, "index.json"))).RootElement;
        var manifest = index.GetProperty("manifests")[0].GetProperty("digest").GetString()!;
        var manifestJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(Layout, "blobs", "sha256", manifest["sha256:".Length..]))).RootElement;
        return manifestJson.GetProperty("config").GetProperty("digest").GetString()!;
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }

        return Task.CompletedTask;
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Berth.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Berth.slnx not found above " + AppContext.BaseDirectory);
    }
}
