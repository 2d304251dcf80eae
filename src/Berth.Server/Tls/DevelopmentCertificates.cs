using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Berth.Server.Tls;

/// <summary>
/// A local certificate authority and a server certificate it signs, for development and private networks:
/// <c>ca.crt</c>/<c>ca.key</c> (ten years; reused when the directory already holds them, so clients trust it once) and
/// <c>server.crt</c>/<c>server.key</c> (397 days, for every host name and IP address given, as subjectAltName: Go
/// clients such as docker and skopeo ignore the common name). ECDSA P-256 with SHA-256. Keys are written 0600, and
/// every file is written beside its final name and renamed into place, so that a running Berth never reads half a file.
/// </summary>
internal static class DevelopmentCertificates
{
    public const string CaCertificateFile = "ca.crt";
    public const string CaKeyFile = "ca.key";
    public const string CertificateFile = "server.crt";
    public const string KeyFile = "server.key";

    /// <summary>What was written; <see cref="CaReused"/> when the directory already had a CA.</summary>
    public sealed record Written(string Directory, bool CaReused, X509Certificate2 Certificate);

    public static Written Create(string directory, IReadOnlyList<string> hosts, DateTimeOffset now)
    {
        if (hosts.Count == 0)
        {
            throw new ArgumentException("at least one --host is required");
        }

        Directory.CreateDirectory(directory);
        var caPath = Path.Combine(directory, CaCertificateFile);
        var caKeyPath = Path.Combine(directory, CaKeyFile);
        var reused = File.Exists(caPath) && File.Exists(caKeyPath);
        using var ca = reused ? X509Certificate2.CreateFromPemFile(caPath, caKeyPath) : CreateAuthority(now);
        if (!reused)
        {
            using var caKey = ca.GetECDsaPrivateKey()!;
            WriteFile(caKeyPath, caKey.ExportPkcs8PrivateKeyPem(), secret: true);
            WriteFile(caPath, ca.ExportCertificatePem(), secret: false);
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={hosts[0]}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var names = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts)
        {
            if (IPAddress.TryParse(host, out var address))
            {
                names.AddIpAddress(address);
            }
            else
            {
                names.AddDnsName(host);
            }
        }

        request.CertificateExtensions.Add(names.Build());
        var notAfter = now.AddDays(397);
        if (notAfter > ca.NotAfter)
        {
            notAfter = ca.NotAfter;
        }

        using var issued = request.Create(ca, now.AddMinutes(-5), notAfter, RandomNumberGenerator.GetBytes(16));
        var certificate = issued.CopyWithPrivateKey(key);

        // The key first: a Berth watching the pair then loads the new certificate with its new key in one step.
        WriteFile(Path.Combine(directory, KeyFile), key.ExportPkcs8PrivateKeyPem(), secret: true);
        WriteFile(Path.Combine(directory, CertificateFile), certificate.ExportCertificatePem(), secret: false);
        return new Written(directory, reused, certificate);
    }

    private static X509Certificate2 CreateAuthority(DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN=Berth development CA {now:yyyy-MM-dd HH:mm:ss}Z"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
    }

    private static void WriteFile(string path, string content, bool secret)
    {
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = secret ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        }

        using (var writer = new StreamWriter(temporary, System.Text.Encoding.ASCII, options))
        {
            writer.Write(content);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
