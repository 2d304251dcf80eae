using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;

namespace Berth.Server.Tests.Scanning;

/// <summary>
/// An OCI image with language packages for ENHANCED scanning. Layer one: a Debian 12 os-release and a one-package
/// dpkg status (zlib), an npm package-lock.json (lodash 4.17.20), a Python dist-info (requests 2.19.1) and a .NET
/// deps.json (Newtonsoft.Json 12.0.1). Layer two: a Go binary built here with this machine's Go, vendoring the
/// local module example.com/dep at v1.2.3 (offline: GOPROXY=off, GOFLAGS=-mod=vendor), or, with no Go, a synthetic
/// ELF with the same build info (<see cref="BuiltWithGo"/> says which).
/// </summary>
internal sealed class LanguageTestImage
{
    private static readonly string[] GoPaths = ["/usr/bin/go", "/usr/local/go/bin/go"];

    public required OciDescriptor Manifest { get; init; }

    public required IReadOnlyList<string> LayerDigests { get; init; }

    public required bool BuiltWithGo { get; init; }

    public required string GoVersion { get; init; }

    public static async Task<LanguageTestImage> WriteAsync(OciLayoutWriter layout, string tag, string work)
    {
        var (binary, goVersion, built) = await GoBinaryAsync(Path.Combine(work, "go"));
        var (first, firstDiff) = Layer(w =>
        {
            File(w, "etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n"u8.ToArray());
            File(w, "var/lib/dpkg/status", "Package: zlib1g\nStatus: install ok installed\nSource: zlib\nVersion: 1:1.2.13.dfsg-1\nArchitecture: amd64\n"u8.ToArray());
            File(w, "app/package-lock.json", """
                {"name":"app","version":"1.0.0","lockfileVersion":3,"requires":true,"packages":{
                  "":{"name":"app","version":"1.0.0","dependencies":{"lodash":"^4.17.20"}},
                  "node_modules/lodash":{"version":"4.17.20","resolved":"https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz"}}}
                """u8.ToArray());
            File(w, "usr/lib/python3/dist-packages/requests-2.19.1.dist-info/METADATA", "Metadata-Version: 2.1\nName: requests\nVersion: 2.19.1\n\nHTTP for Humans.\n"u8.ToArray());
            File(w, "app/app.deps.json", """
                {"runtimeTarget":{"name":".NETCoreApp,Version=v8.0"},"libraries":{
                  "app/1.0.0":{"type":"project","serviceable":false,"sha512":""},
                  "Newtonsoft.Json/12.0.1":{"type":"package","serviceable":true,"sha512":"sha512-x","path":"newtonsoft.json/12.0.1"}}}
                """u8.ToArray());
        });
        var (second, secondDiff) = Layer(w => File(w, "usr/local/bin/app", binary, executable: true));
        var layers = new[] { layout.WriteBlob("application/vnd.oci.image.layer.v1.tar+gzip", first), layout.WriteBlob("application/vnd.oci.image.layer.v1.tar+gzip", second) };
        var config = layout.WriteBlob("application/vnd.oci.image.config.v1+json", JsonSerializer.SerializeToUtf8Bytes(new
        {
            architecture = "amd64",
            os = "linux",
            rootfs = new { type = "layers", diff_ids = new[] { firstDiff, secondDiff } },
        }));
        var manifest = layout.WriteBlob("application/vnd.oci.image.manifest.v1+json", JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = "application/vnd.oci.image.manifest.v1+json",
            config = new { mediaType = config.MediaType, digest = config.Digest, size = config.Size },
            layers = layers.Select(l => new { mediaType = l.MediaType, digest = l.Digest, size = l.Size }),
        }));
        layout.Tag(manifest, tag);
        return new LanguageTestImage { Manifest = manifest, LayerDigests = layers.Select(l => l.Digest).ToList(), BuiltWithGo = built, GoVersion = goVersion };
    }

    /// <summary>A Go binary depending on example.com/dep v1.2.3, its Go version ("1.19.8"), and whether Go built it.</summary>
    private static async Task<(byte[] Binary, string GoVersion, bool Built)> GoBinaryAsync(string directory)
    {
        var go = GoPaths.FirstOrDefault(System.IO.File.Exists);
        if (go is null)
        {
            const string ModuleInfo = "path\texample.com/app\nmod\texample.com/app\t(devel)\t\ndep\texample.com/dep\tv1.2.3\t\nbuild\t-compiler=gc\n";
            return (Berth.Core.Tests.Scanning.SyntheticGoBinary.Build("go1.19.8", ModuleInfo, inline: true), "1.19.8", false);
        }

        Directory.CreateDirectory(Path.Combine(directory, "vendor", "example.com", "dep"));
        await System.IO.File.WriteAllTextAsync(Path.Combine(directory, "go.mod"), "module example.com/app\n\ngo 1.18\n\nrequire example.com/dep v1.2.3\n");
        await System.IO.File.WriteAllTextAsync(Path.Combine(directory, "main.go"), "package main\n\nimport \"example.com/dep\"\n\nfunc main() { dep.Run() }\n");
        await System.IO.File.WriteAllTextAsync(Path.Combine(directory, "vendor", "modules.txt"), "# example.com/dep v1.2.3\n## explicit\nexample.com/dep\n");
        await System.IO.File.WriteAllTextAsync(Path.Combine(directory, "vendor", "example.com", "dep", "dep.go"), "package dep\n\nfunc Run() {}\n");
        var environment = new Dictionary<string, string?>
        {
            ["GOPROXY"] = "off",
            ["GOFLAGS"] = "-mod=vendor",
            ["GOPATH"] = Path.Combine(directory, "gopath"),
            ["GOCACHE"] = Path.Combine(Path.GetTempPath(), "berth-test-gocache"),
            ["CGO_ENABLED"] = "0",
            ["GOOS"] = "linux",
            ["GOARCH"] = "amd64",
            ["HOME"] = directory,
        };
        await ProcessRunner.RunAsync(go, ["build", "-trimpath", "-ldflags=-s -w", "-o", "app", "."], new ProcessRunOptions { WorkingDirectory = directory, Environment = environment, Timeout = TimeSpan.FromMinutes(5) });
        var version = (await ProcessRunner.RunAsync(go, ["env", "GOVERSION"], new ProcessRunOptions { Environment = environment })).StandardOutput.Trim();
        return (await System.IO.File.ReadAllBytesAsync(Path.Combine(directory, "app")), version["go".Length..], true);
    }

    private static void File(TarWriter writer, string path, byte[] content, bool executable = false) =>
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path)
        {
            DataStream = new MemoryStream(content),
            Mode = executable ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100,
        });

    private static (byte[] Layer, string DiffId) Layer(Action<TarWriter> write)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            write(writer);
        }

        using var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(tar.ToArray());
        }

        return (gzipped.ToArray(), "sha256:" + Convert.ToHexStringLower(SHA256.HashData(tar.ToArray())));
    }
}
