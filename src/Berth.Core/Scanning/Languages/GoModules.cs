namespace Berth.Core.Scanning.Languages;

/// <summary>
/// The packages of a Go binary's build info: the standard library (<c>stdlib</c> at the toolchain's version, as the
/// Go vulnerability database names it), the main module unless its version is <c>(devel)</c>, and every dependency,
/// a replacement (<c>=&gt;</c>) taking the place of the module it follows.
/// </summary>
public static class GoModules
{
    public static List<LanguagePackage> Parse(string goVersion, string moduleInfo, string filePath)
    {
        var packages = new List<LanguagePackage>();
        if (goVersion.StartsWith("go", StringComparison.Ordinal) && goVersion.Length > 2)
        {
            // "go1.21.3" (or "go1.22rc1 X:boringcrypto"): the release as the vulnerability database writes it.
            var release = goVersion[2..].Split(' ')[0];
            packages.Add(new LanguagePackage(LanguageEcosystem.Go, "stdlib", release, filePath, "GOBINARY"));
        }

        foreach (var line in moduleInfo.Split('\n'))
        {
            var fields = line.TrimEnd('\r').Split('\t');
            switch (fields)
            {
                case ["mod" or "dep", var path, var version, ..] when version != "(devel)" && version.Length > 0:
                    packages.Add(new LanguagePackage(LanguageEcosystem.Go, path, version, filePath, "GOBINARY"));
                    break;
                case ["=>", var path, var version, ..] when packages.Count > 0 && packages[^1].Name != "stdlib":
                    // A local replacement has no version: the module is then not identifiable, so it is dropped.
                    packages[^1] = version.Length > 0 && version != "(devel)" ? packages[^1] with { Name = path, Version = version } : packages[^1] with { Version = string.Empty };
                    break;
            }
        }

        return packages.Where(p => p.Version.Length > 0).ToList();
    }
}
