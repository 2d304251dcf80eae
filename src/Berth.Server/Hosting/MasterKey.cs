using System.Security.Cryptography;
using Berth.Storage.FileSystem;

namespace Berth.Server.Hosting;

/// <summary>
/// The key that encrypts secrets in the metadata store. It never lives in the database: it comes from
/// Berth:MasterKey (base64 of 32 bytes; every node of a cluster needs the same one) or from &lt;data&gt;/master.key,
/// created with mode 0600 on first start.
/// </summary>
internal static class MasterKey
{
    public static byte[] Load(string? configured, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var key = Convert.TryFromBase64String(configured, new byte[64], out var length) ? Convert.FromBase64String(configured) : [];
            return length == 32
                ? key
                : throw new InvalidOperationException("Invalid configuration 'Berth:MasterKey': must be the base64 encoding of 32 bytes.");
        }

        PrivateFiles.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, "master.key");
        if (File.Exists(path))
        {
            var key = File.ReadAllBytes(path);
            return key.Length == 32 ? key : throw new InvalidOperationException($"The master key file {path} is damaged: it must hold 32 bytes.");
        }

        var created = RandomNumberGenerator.GetBytes(32);
        var temporary = path + ".tmp";
        var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(temporary, fileOptions))
        {
            file.Write(created);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: false);
        return created;
    }
}
