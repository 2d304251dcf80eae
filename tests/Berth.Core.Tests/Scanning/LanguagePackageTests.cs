using System.Formats.Tar;
using Berth.Core.Scanning.Inventory;
using Berth.Core.Scanning.Languages;

namespace Berth.Core.Tests.Scanning;

/// <summary>The language package readers: npm lock files (v1, v2/v3) and manifests, Python metadata, .NET deps files, Go build info.</summary>
public sealed class LanguagePackageTests
{
    private const string ModuleInfo = "path\texample.com/app\nmod\texample.com/app\t(devel)\t\ndep\tgolang.org/x/text\tv0.3.7\th1:abc=\n"
        + "dep\tgithub.com/old/lib\tv1.0.0\th1:def=\n=>\tgithub.com/new/lib\tv1.2.0\th1:ghi=\nbuild\t-compiler=gc\n";

    [Fact]
    public void ALockfileVersion3ListsItsNodeModulesEntries()
    {
        const string Lock = """
            {"name":"app","version":"1.0.0","lockfileVersion":3,"packages":{
              "":{"name":"app","version":"1.0.0"},
              "node_modules/lodash":{"version":"4.17.20"},
              "node_modules/@babel/core":{"version":"7.1.0"},
              "node_modules/a/node_modules/minimist":{"version":"0.0.8"},
              "node_modules/linked":{"resolved":"../linked","link":true},
              "packages/local":{"version":"0.1.0"}}}
            """;
        var packages = NpmPackages.ParseLock(Lock, "/app/package-lock.json");
        Assert.Equal(["lodash 4.17.20", "@babel/core 7.1.0", "minimist 0.0.8"], packages.Select(p => $"{p.Name} {p.Version}"));
        Assert.All(packages, p => Assert.Equal(("npm", "NPM", "/app/package-lock.json"), (p.Ecosystem, p.PackageManager, p.FilePath)));
    }

    [Fact]
    public void ALockfileVersion1ListsNestedDependenciesButNotFileOrGitOnes()
    {
        const string Lock = """
            {"name":"app","lockfileVersion":1,"dependencies":{
              "lodash":{"version":"4.17.20","dependencies":{"minimist":{"version":"1.2.0"}}},
              "local":{"version":"file:../local"},
              "fromgit":{"version":"github:user/repo#abc"}}}
            """;
        Assert.Equal(["lodash 4.17.20", "minimist 1.2.0"], NpmPackages.ParseLock(Lock, "/package-lock.json").Select(p => $"{p.Name} {p.Version}"));
        Assert.Empty(NpmPackages.ParseLock("{not json", "/package-lock.json"));
    }

    [Theory]
    [InlineData("usr/lib/node_modules/npm/package.json", true)]
    [InlineData("app/node_modules/@scope/name/package.json", true)]
    [InlineData("app/node_modules/a/node_modules/b/package.json", true)]
    [InlineData("app/node_modules/a/lib/package.json", false)]
    [InlineData("app/package.json", false)]
    [InlineData("app/node_modules/@scope/package.json", false)]
    public void InstalledManifestsAreThePackageJsonOfEachNodeModulesEntry(string path, bool expected) =>
        Assert.Equal(expected, NpmPackages.IsInstalledManifest(path));

    [Fact]
    public void PythonMetadataGivesTheDistributionsNameAndVersion()
    {
        const string Metadata = "Metadata-Version: 2.1\nName: Requests\nVersion: 2.19.1\nSummary: HTTP\n\nVersion: 9.9 (in the body)\n";
        var package = PythonPackages.Parse(Metadata, "/usr/lib/python3/site-packages/requests-2.19.1.dist-info/METADATA")!;
        Assert.Equal(("PyPI", "Requests", "2.19.1", "PYTHONPKG"), (package.Ecosystem, package.Name, package.Version, package.PackageManager));
        Assert.True(PythonPackages.IsMetadata("usr/lib/python3/site-packages/requests-2.19.1.dist-info/METADATA"));
        Assert.True(PythonPackages.IsMetadata("usr/lib/python3/dist-packages/six-1.0.egg-info/PKG-INFO"));
        Assert.True(PythonPackages.IsMetadata("usr/lib/python3/dist-packages/six-1.0.egg-info"));
        Assert.False(PythonPackages.IsMetadata("usr/share/doc/requests/METADATA"));
        Assert.Null(PythonPackages.Parse("Name: x\n", "/x"));
    }

    [Fact]
    public void DepsJsonListsLibrariesOfTypePackage()
    {
        const string Deps = """
            {"runtimeTarget":{"name":".NETCoreApp,Version=v8.0"},"libraries":{
              "app/1.0.0":{"type":"project","serviceable":false},
              "Newtonsoft.Json/12.0.1":{"type":"package","serviceable":true,"sha512":"sha512-x"},
              "System.Text.Encodings.Web/4.7.0":{"type":"package"},
              "Microsoft.NETCore.App.Ref/8.0.0":{"type":"referenceassembly"}}}
            """;
        var packages = DotnetDeps.Parse(Deps, "/app/app.deps.json");
        Assert.Equal(["Newtonsoft.Json 12.0.1", "System.Text.Encodings.Web 4.7.0"], packages.Select(p => $"{p.Name} {p.Version}"));
        Assert.All(packages, p => Assert.Equal(("NuGet", "DOTNET_CORE"), (p.Ecosystem, p.PackageManager)));
    }

    [Fact]
    public void GoModuleInfoGivesStdlibAndDependenciesWithReplacements()
    {
        var packages = GoModules.Parse("go1.21.3", ModuleInfo, "/usr/bin/app");
        Assert.Equal(["stdlib 1.21.3", "golang.org/x/text v0.3.7", "github.com/new/lib v1.2.0"], packages.Select(p => $"{p.Name} {p.Version}"));
        Assert.All(packages, p => Assert.Equal(("Go", "GOBINARY"), (p.Ecosystem, p.PackageManager)));
    }

    [Theory]
    [InlineData(true, "go1.21.3")]
    [InlineData(false, "go1.16.15")]
    public void GoBuildInfoIsReadInBothTheInlineAndThePointerForm(bool inline, string goVersion)
    {
        using var elf = new MemoryStream(SyntheticGoBinary.Build(goVersion, ModuleInfo, inline));
        var info = GoBuildInfo.Read(elf);
        Assert.NotNull(info);
        Assert.Equal(goVersion, info.Value.GoVersion);
        Assert.Equal(ModuleInfo, info.Value.ModuleInfo);
    }

    [Fact]
    public void AnElfWithoutBuildInfoOrNotAnElfIsNotAGoBinary()
    {
        var elf = SyntheticGoBinary.Build("go1.21.3", ModuleInfo, inline: true);
        elf.AsSpan(0x1000, 16).Clear();
        Assert.Null(GoBuildInfo.Read(new MemoryStream(elf)));
        Assert.Null(GoBuildInfo.Read(new MemoryStream("#!/bin/sh\necho hello, this is not an ELF binary at all......................"u8.ToArray())));
        Assert.Null(GoBuildInfo.Read(new MemoryStream(elf[..40])));
    }

    [Fact]
    public async Task TheOverlayKeepsLanguageFilesAndGoBuildInfoAndAppliesWhiteoutsToThem()
    {
        var directory = Directory.CreateTempSubdirectory("berth-overlay-").FullName;
        try
        {
            using var overlay = new LayerOverlay(directory, languagePackages: true);
            await overlay.ApplyAsync(Tar(
                ("app/package-lock.json", """{"lockfileVersion":3,"packages":{"node_modules/lodash":{"version":"4.17.20"}}}"""u8.ToArray(), false),
                ("usr/lib/python3/site-packages/six-1.0.dist-info/METADATA", "Name: six\nVersion: 1.0\n"u8.ToArray(), false),
                ("usr/local/bin/app", SyntheticGoBinary.Build("go1.21.3", ModuleInfo, inline: true), true),
                ("usr/local/bin/script", "#!/bin/sh\n"u8.ToArray(), true),
                ("opt/old/old.deps.json", """{"libraries":{"Old/1.0.0":{"type":"package"}}}"""u8.ToArray(), false)), CancellationToken.None);
            await overlay.ApplyAsync(Tar(("opt/.wh.old", [], false)), CancellationToken.None);

            var packages = LanguageFiles.Read(overlay);
            string[] expected =
            [
                "Go stdlib 1.21.3 /usr/local/bin/app 0", "Go golang.org/x/text v0.3.7 /usr/local/bin/app 0", "Go github.com/new/lib v1.2.0 /usr/local/bin/app 0",
                "PyPI six 1.0 /usr/lib/python3/site-packages/six-1.0.dist-info/METADATA 0", "npm lodash 4.17.20 /app/package-lock.json 0",
            ];
            Assert.Equal(expected.Order(StringComparer.Ordinal), packages.Select(p => $"{p.Ecosystem} {p.Name} {p.Version} {p.FilePath} {p.Layer}").Order(StringComparer.Ordinal));
            Assert.Empty(Directory.EnumerateFiles(directory));

            // Without languagePackages (BASIC) none of it is kept.
            using var basic = new LayerOverlay(directory);
            await basic.ApplyAsync(Tar(("app/package-lock.json", "{}"u8.ToArray(), false)), CancellationToken.None);
            Assert.Empty(LanguageFiles.Read(basic));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static MemoryStream Tar(params (string Path, byte[] Content, bool Executable)[] files)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (path, content, executable) in files)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path)
                {
                    DataStream = new MemoryStream(content),
                    Mode = executable ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100,
                });
            }
        }

        tar.Position = 0;
        return tar;
    }
}
