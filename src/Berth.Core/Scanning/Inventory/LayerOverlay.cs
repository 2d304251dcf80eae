using System.Formats.Tar;
using System.IO.Compression;

namespace Berth.Core.Scanning.Inventory;

/// <summary>
/// The files the scanner reads (<see cref="IsOfInterest"/>), as the image's layers leave them when applied in order:
/// a later layer's file replaces an earlier one's, an OCI whiteout (<c>.wh.NAME</c>) removes a lower layer's path
/// and what is under it, an opaque whiteout (<c>.wh..wh..opq</c>) empties a lower layer's directory. Layers are read
/// as tar streams, decompressed on the fly; every other entry is skipped unread, so a layer is never held in memory.
/// Each kept file is capped: text files in memory up to <see cref="MaxTextBytes"/>, the rpmdb in a temporary file
/// (deleted on dispose) up to <see cref="MaxDatabaseBytes"/>.
/// With <c>languagePackages</c> (ENHANCED scans) it also keeps the language package files
/// (<see cref="Languages.LanguageFiles"/>, together capped at <see cref="MaxLanguageBytes"/>) and, for each ELF
/// executable, only its Go build info: the binary is copied to a temporary file while streamed, read, and deleted.
/// See https://github.com/opencontainers/image-spec/blob/main/layer.md#whiteouts
/// </summary>
public sealed class LayerOverlay(string temporaryDirectory, bool languagePackages = false) : IDisposable
{
    public const long MaxLanguageBytes = 256L * 1024 * 1024;

    public const long MaxTextBytes = 64L * 1024 * 1024;
    public const long MaxDatabaseBytes = 1024L * 1024 * 1024;

    public const string DpkgStatusPath = "var/lib/dpkg/status";
    public const string DpkgStatusDirectory = "var/lib/dpkg/status.d/";
    public const string ApkInstalledPath = "lib/apk/db/installed";
    public static readonly string[] OsReleasePaths = ["etc/os-release", "usr/lib/os-release"];
    public static readonly string[] RpmDatabasePaths = ["var/lib/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/rpmdb.sqlite"];

    private readonly Dictionary<string, OverlayFile> _files = new(StringComparer.Ordinal);
    private int _layer;
    private long _languageBytes;

    public static bool IsOfInterest(string path) =>
        path is DpkgStatusPath or ApkInstalledPath || OsReleasePaths.Contains(path) || RpmDatabasePaths.Contains(path)
        || (path.StartsWith(DpkgStatusDirectory, StringComparison.Ordinal) && path.IndexOf('/', DpkgStatusDirectory.Length) < 0 && path.Length > DpkgStatusDirectory.Length);

    /// <summary>Opens a layer blob as a tar stream by its media type; zstd and foreign layers are not read.</summary>
    public static Stream Decompress(string mediaType, Stream blob) =>
        mediaType.EndsWith("gzip", StringComparison.Ordinal) ? new GZipStream(blob, CompressionMode.Decompress)
        : mediaType.EndsWith(".tar", StringComparison.Ordinal) || mediaType.EndsWith("tar", StringComparison.Ordinal) ? blob
        : throw new InventoryException($"Layer media type {mediaType} is not supported by the scanner.");

    /// <summary>Applies the next layer (an uncompressed tar stream) on top of those applied before.</summary>
    public async Task ApplyAsync(Stream tar, CancellationToken cancellationToken)
    {
        _layer++;
        var reader = new TarReader(tar, leaveOpen: true);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                var path = Normalize(entry.Name);
                var slash = path.LastIndexOf('/');
                var leaf = path[(slash + 1)..];
                var parent = slash < 0 ? string.Empty : path[..(slash + 1)];
                if (leaf == ".wh..wh..opq")
                {
                    RemoveLower(parent, prefixOnly: true);
                }
                else if (leaf.StartsWith(".wh.", StringComparison.Ordinal))
                {
                    RemoveLower(parent + leaf[4..], prefixOnly: false);
                }
                else if (IsOfInterest(path))
                {
                    await KeepAsync(path, entry, cancellationToken).ConfigureAwait(false);
                }
                else if (languagePackages && Languages.LanguageFiles.IsOfInterest(path))
                {
                    _languageBytes += entry.Length;
                    if (_languageBytes > MaxLanguageBytes)
                    {
                        throw new InventoryException($"The image's language package files are over the scanner's limit of {MaxLanguageBytes} bytes.");
                    }

                    await KeepAsync(path, entry, cancellationToken).ConfigureAwait(false);
                }
                else if (languagePackages && entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile
                         && (entry.Mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0
                         && entry.Length is >= 64 and <= MaxDatabaseBytes && entry.DataStream is { } binary)
                {
                    Forget(path);
                    if (await Languages.LanguageFiles.ReadGoBuildInfoAsync(binary, temporaryDirectory, cancellationToken).ConfigureAwait(false) is { } info)
                    {
                        _files[path] = new OverlayFile(_layer, System.Text.Encoding.UTF8.GetBytes(info), null, null, GoBuildInfo: true);
                    }
                }
            }
        }
    }

    private async Task KeepAsync(string path, TarEntry entry, CancellationToken cancellationToken)
    {
        Forget(path);
        switch (entry.EntryType)
        {
            case TarEntryType.SymbolicLink:
                _files[path] = new OverlayFile(_layer, null, null, entry.LinkName);
                break;
            case TarEntryType.HardLink:
                // A hard link names an earlier entry of the same archive by its path.
                if (_files.TryGetValue(Normalize(entry.LinkName), out var target))
                {
                    _files[path] = target with { Layer = _layer, TemporaryPath = target.TemporaryPath is null ? null : Copy(target.TemporaryPath) };
                }

                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                if (RpmDatabasePaths.Contains(path))
                {
                    _files[path] = new OverlayFile(_layer, null, await SpillAsync(path, entry, cancellationToken).ConfigureAwait(false), null);
                }
                else
                {
                    _files[path] = new OverlayFile(_layer, await ReadAsync(path, entry, cancellationToken).ConfigureAwait(false), null, null);
                }

                break;
        }
    }

    private static async Task<byte[]> ReadAsync(string path, TarEntry entry, CancellationToken cancellationToken)
    {
        if (entry.Length > MaxTextBytes)
        {
            throw new InventoryException($"/{path} is {entry.Length} bytes, over the scanner's limit of {MaxTextBytes}.");
        }

        var content = new byte[entry.Length];
        if (entry.DataStream is { } data)
        {
            await data.ReadExactlyAsync(content, cancellationToken).ConfigureAwait(false);
        }

        return content;
    }

    private async Task<string> SpillAsync(string path, TarEntry entry, CancellationToken cancellationToken)
    {
        if (entry.Length > MaxDatabaseBytes)
        {
            throw new InventoryException($"/{path} is {entry.Length} bytes, over the scanner's limit of {MaxDatabaseBytes}.");
        }

        var file = Path.Combine(temporaryDirectory, $"rpmdb-{Guid.NewGuid():N}.sqlite");
        var output = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
        await using (output.ConfigureAwait(false))
        {
            if (entry.DataStream is { } data)
            {
                await data.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
            }
        }

        return file;
    }

    private string Copy(string file)
    {
        var copy = Path.Combine(temporaryDirectory, $"rpmdb-{Guid.NewGuid():N}.sqlite");
        File.Copy(file, copy);
        return copy;
    }

    /// <summary>Removes what lower layers left at <paramref name="path"/> (a file, or a directory's contents).</summary>
    private void RemoveLower(string path, bool prefixOnly)
    {
        var prefix = prefixOnly ? path : path + "/";
        foreach (var key in _files.Keys.Where(k => _files[k].Layer < _layer && ((!prefixOnly && k == path) || k.StartsWith(prefix, StringComparison.Ordinal))).ToList())
        {
            Forget(key);
        }
    }

    private void Forget(string path)
    {
        if (_files.Remove(path, out var old) && old.TemporaryPath is not null)
        {
            File.Delete(old.TemporaryPath);
        }
    }

    /// <summary>The text of a kept file, following symbolic links among kept files; null when absent.</summary>
    public string? ReadText(string path) => Resolve(path) is { Content: { } content } ? System.Text.Encoding.UTF8.GetString(content) : null;

    /// <summary>The temporary copy of a kept database file, following symbolic links; null when absent.</summary>
    public string? DatabaseFile(string path) => Resolve(path)?.TemporaryPath;

    /// <summary>
    /// The kept files (no links) that <paramref name="select"/> takes, with the 0-based index of the layer that wrote
    /// them; <paramref name="goBuildInfo"/> selects the Go build infos kept for executables instead.
    /// </summary>
    public IEnumerable<(string Path, string Text, int Layer)> Select(Func<string, bool> select, bool goBuildInfo = false) =>
        _files.Where(f => f.Value.Content is not null && f.Value.GoBuildInfo == goBuildInfo && select(f.Key))
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => (f.Key, System.Text.Encoding.UTF8.GetString(f.Value.Content!), f.Value.Layer - 1));

    /// <summary>The kept files under <paramref name="directory"/> (no links), in ordinal order of their names.</summary>
    public IEnumerable<(string Path, string Text)> ReadDirectory(string directory) =>
        _files.Where(f => f.Key.StartsWith(directory, StringComparison.Ordinal) && f.Value.Content is not null && !f.Value.GoBuildInfo)
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => (f.Key, System.Text.Encoding.UTF8.GetString(f.Value.Content!)));

    private OverlayFile? Resolve(string path)
    {
        for (var hops = 0; hops < 8 && _files.TryGetValue(path, out var file); hops++)
        {
            if (file.LinkTarget is not { } target)
            {
                return file;
            }

            var slash = path.LastIndexOf('/');
            path = Normalize(target.StartsWith('/') ? target : (slash < 0 ? string.Empty : path[..(slash + 1)]) + target);
        }

        return null;
    }

    /// <summary>A tar path as a relative path without ".", "..", leading "/" or "./": the keys of the overlay.</summary>
    public static string Normalize(string name)
    {
        var parts = new List<string>();
        foreach (var part in name.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }

        return string.Join('/', parts);
    }

    public void Dispose()
    {
        foreach (var file in _files.Values.Where(f => f.TemporaryPath is not null))
        {
            File.Delete(file.TemporaryPath!);
        }

        _files.Clear();
    }

    private sealed record OverlayFile(int Layer, byte[]? Content, string? TemporaryPath, string? LinkTarget, bool GoBuildInfo = false);
}
