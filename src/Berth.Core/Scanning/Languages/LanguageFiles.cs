using Berth.Core.Scanning.Inventory;

namespace Berth.Core.Scanning.Languages;

/// <summary>
/// The language package files an ENHANCED scan keeps from the layers, and how the overlay's kept files become the
/// image's language packages: npm lock files and installed manifests, Python distribution metadata, .NET deps files,
/// and the Go build info of ELF executables.
/// </summary>
public static class LanguageFiles
{
    public static bool IsOfInterest(string path) =>
        (path.EndsWith("package-lock.json", StringComparison.Ordinal) && (path == "package-lock.json" || path.EndsWith("/package-lock.json", StringComparison.Ordinal)))
        || NpmPackages.IsInstalledManifest(path) || PythonPackages.IsMetadata(path) || DotnetDeps.IsDepsFile(path);

    /// <summary>The language packages of an overlay that kept them; the same name and version in one file once.</summary>
    public static List<LanguagePackage> Read(LayerOverlay overlay)
    {
        var packages = new List<LanguagePackage>();
        foreach (var (path, text, layer) in overlay.Select(IsOfInterest))
        {
            var file = "/" + path;
            IEnumerable<LanguagePackage> found =
                path.EndsWith("package-lock.json", StringComparison.Ordinal) ? NpmPackages.ParseLock(text, file)
                : NpmPackages.IsInstalledManifest(path) ? NpmPackages.ParseInstalled(text, file) is { } npm ? [npm] : []
                : PythonPackages.IsMetadata(path) ? PythonPackages.Parse(text, file) is { } python ? [python] : []
                : DotnetDeps.Parse(text, file);
            packages.AddRange(found.Select(p => p with { Layer = layer }));
        }

        foreach (var (path, text, layer) in overlay.Select(_ => true, goBuildInfo: true))
        {
            var newline = text.IndexOf('\n', StringComparison.Ordinal);
            packages.AddRange(GoModules.Parse(text[..newline], text[(newline + 1)..], "/" + path).Select(p => p with { Layer = layer }));
        }

        return packages.DistinctBy(p => (p.Ecosystem, p.Name, p.Version, p.FilePath)).ToList();
    }

    /// <summary>
    /// Reads an executable's stream: when it is ELF, copies it to a temporary file (deleted on close) and returns its
    /// Go version and module info as "VERSION\nMODINFO", else null. The stream is read only as far as needed.
    /// </summary>
    public static async Task<string?> ReadGoBuildInfoAsync(Stream data, string temporaryDirectory, CancellationToken cancellationToken)
    {
        var head = new byte[4];
        var read = 0;
        while (read < head.Length && await data.ReadAsync(head.AsMemory(read), cancellationToken).ConfigureAwait(false) is var n and > 0)
        {
            read += n;
        }

        if (read < head.Length || !GoBuildInfo.IsElf(head))
        {
            return null;
        }

        var path = Path.Combine(temporaryDirectory, $"elf-{Guid.NewGuid():N}");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        await using (file.ConfigureAwait(false))
        {
            await file.WriteAsync(head, cancellationToken).ConfigureAwait(false);
            await data.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            return GoBuildInfo.Read(file) is { } info ? info.GoVersion + "\n" + info.ModuleInfo : null;
        }
    }
}
