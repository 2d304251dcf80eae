namespace Berth.Storage.FileSystem;

/// <summary>
/// Directories and files that only the account running Berth may read: directories 0700, files 0600, whatever the
/// umask. Private layers, policies and the metadata database must not be readable by other local users. On Windows
/// the ACLs inherited from the parent decide, and these calls create with the defaults.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Creates <paramref name="path"/> and its missing parents with mode 0700. An existing directory keeps its mode: it
    /// is the operator's; <see cref="IsOpenToOthers"/> tells whether it should be tightened.
    /// </summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        // Directory.CreateDirectory(path, mode) gives the mode to the last directory only; missing parents would follow
        // the umask. Create each missing level from the top.
        var missing = new Stack<string>();
        for (var directory = Path.GetFullPath(path); !Directory.Exists(directory); directory = Path.GetDirectoryName(directory)!)
        {
            missing.Push(directory);
        }

        while (missing.TryPop(out var directory))
        {
            Directory.CreateDirectory(directory, DirectoryMode);
        }
    }

    /// <summary>Whether group or others have any permission on <paramref name="path"/> (always false on Windows).</summary>
    public static bool IsOpenToOthers(string path) =>
        !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode)0b111_111) != 0;

    /// <summary>
    /// Creates an empty file with mode 0600 if none exists. SQLite creates its -wal and -shm files with the mode of the
    /// database file, so creating the database file first this way keeps all three private.
    /// </summary>
    public static void CreateFileIfMissing(string path)
    {
        if (File.Exists(path))
        {
            return;
        }

        try
        {
            using (Create(path, System.IO.FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None))
            {
            }
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process (a second node on the same directory, an operator command) created it first.
        }
    }

    /// <summary>A <see cref="FileStream"/> whose file, when this call creates it, gets mode 0600.</summary>
    public static FileStream Create(string path, System.IO.FileMode mode, FileAccess access, FileShare share, FileOptions options)
    {
        var streamOptions = new FileStreamOptions { Mode = mode, Access = access, Share = share, Options = options };
        if (!OperatingSystem.IsWindows())
        {
            streamOptions.UnixCreateMode = FileMode;
        }

        return new FileStream(path, streamOptions);
    }
}
