using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Berth.Server.Tls;

/// <summary>
/// The certificate Berth's https:// listeners present: a PEM certificate and key named by Kestrel's standard
/// <c>Kestrel:Certificates:Default:Path</c> and <c>KeyPath</c> (and <c>Password</c> for an encrypted key). The files are
/// watched: when they change the pair is loaded again and new TLS handshakes get it, without a restart or a rebind.
/// A pair that does not load (a rotation half done: the certificate replaced, the key not yet) keeps the previous
/// certificate until the next change completes it. Safe for concurrent handshakes.
/// </summary>
internal sealed partial class ServerCertificate : IDisposable
{
    public const string PathKey = "Kestrel:Certificates:Default:Path";
    public const string KeyPathKey = "Kestrel:Certificates:Default:KeyPath";
    public const string PasswordKey = "Kestrel:Certificates:Default:Password";

    private readonly string _certificatePath;
    private readonly string _keyPath;
    private readonly string? _password;
    private readonly Lock _reload = new();
    private readonly List<FileSystemWatcher> _watchers = [];
    private X509Certificate2 _current;
    private ILogger? _logger;

    private ServerCertificate(string certificatePath, string keyPath, string? password)
    {
        _certificatePath = certificatePath;
        _keyPath = keyPath;
        _password = password;
        _current = Load();
    }

    /// <summary>The certificate new handshakes get.</summary>
    public X509Certificate2 Current => Volatile.Read(ref _current);

    /// <summary>
    /// The configured certificate, or null when <see cref="PathKey"/> is unset. Throws InvalidOperationException naming
    /// the key when a file is missing or the pair does not load.
    /// </summary>
    public static ServerCertificate? From(IConfiguration configuration)
    {
        var path = configuration[PathKey];
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        var keyPath = configuration[KeyPathKey];
        if (string.IsNullOrWhiteSpace(keyPath))
        {
            throw new InvalidOperationException($"Invalid configuration '{KeyPathKey}': the PEM private key of '{path}' is required.");
        }

        try
        {
            return new ServerCertificate(Path.GetFullPath(path), Path.GetFullPath(keyPath), configuration[PasswordKey]);
        }
        catch (Exception e) when (e is IOException or CryptographicException or ArgumentException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Invalid configuration '{PathKey}': cannot load the certificate '{path}' with the key '{keyPath}': {e.Message}", e);
        }
    }

    /// <summary>Starts watching both files (their directories: a rotation often renames a new file into place).</summary>
    public void Watch(ILogger logger)
    {
        _logger = logger;
        foreach (var directory in new[] { Path.GetDirectoryName(_certificatePath)!, Path.GetDirectoryName(_keyPath)! }.Distinct(StringComparer.Ordinal))
        {
            var watcher = new FileSystemWatcher(directory)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            watcher.Changed += (_, e) => OnChange(e.FullPath);
            watcher.Created += (_, e) => OnChange(e.FullPath);
            watcher.Renamed += (_, e) => OnChange(e.FullPath);
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
    }

    public void Dispose()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }
    }

    private void OnChange(string path)
    {
        if (path != _certificatePath && path != _keyPath)
        {
            return;
        }

        lock (_reload)
        {
            X509Certificate2 loaded;
            try
            {
                loaded = Load();
            }
            catch (Exception e) when (e is IOException or CryptographicException or ArgumentException or UnauthorizedAccessException)
            {
                LogNotReloaded(_logger!, _certificatePath, e.Message);
                return;
            }

            if (loaded.Thumbprint == Current.Thumbprint)
            {
                loaded.Dispose();
                return;
            }

            // The previous certificate is left to the garbage collector: a handshake in flight may still be using it.
            Volatile.Write(ref _current, loaded);
            LogReloaded(_logger!, loaded.Subject, loaded.Thumbprint, loaded.NotAfter);
        }
    }

    private X509Certificate2 Load()
    {
        using var pem = _password is null
            ? X509Certificate2.CreateFromPemFile(_certificatePath, _keyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(_certificatePath, _password, _keyPath);

        // Exported and imported once: a PEM key is ephemeral, which TLS on some platforms refuses.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    [LoggerMessage(EventId = 130, Level = LogLevel.Information, Message = "Loaded the rotated TLS certificate {Subject} ({Thumbprint}, valid until {NotAfter})")]
    private static partial void LogReloaded(ILogger logger, string subject, string thumbprint, DateTime notAfter);

    [LoggerMessage(EventId = 131, Level = LogLevel.Warning, Message = "The TLS certificate {Path} changed but does not load with its key yet ({Reason}); the previous one is kept")]
    private static partial void LogNotReloaded(ILogger logger, string path, string reason);
}
