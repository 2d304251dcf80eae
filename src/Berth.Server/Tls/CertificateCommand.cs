using System.CommandLine;

namespace Berth.Server.Tls;

/// <summary>
/// <c>berth certificate create --host NAME… [--out DIR] [--port PORT]</c>: writes a local CA and a server certificate
/// (<see cref="DevelopmentCertificates"/>) and prints how to serve it and how docker, podman/skopeo and the aws CLI
/// trust it. Exit codes: 0 written, 2 bad options or a file that cannot be written.
/// </summary>
internal static class CertificateCommand
{
    public static Command Create()
    {
        var hosts = new Option<string[]>("--host") { Description = "A DNS name or IP address clients use (repeat for more).", Required = true, AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "Where to write ca.crt, ca.key, server.crt, server.key (default ./berth-certs).", DefaultValueFactory = _ => "./berth-certs" };
        var port = new Option<int>("--port") { Description = "The port Berth will listen on, for the printed instructions (default 5000).", DefaultValueFactory = _ => 5000 };
        var create = new Command("create", "Write a local CA and a server certificate for the given hosts.") { hosts, output, port };
        create.SetAction(parse =>
        {
            var directory = Path.GetFullPath(parse.GetValue(output)!);
            DevelopmentCertificates.Written written;
            try
            {
                written = DevelopmentCertificates.Create(directory, parse.GetValue(hosts)!, DateTimeOffset.UtcNow);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or System.Security.Cryptography.CryptographicException)
            {
                Console.Error.WriteLine($"berth: cannot write the certificates: {e.Message}");
                return 2;
            }

            Print(written, parse.GetValue(hosts)!, parse.GetValue(port));
            return 0;
        });
        return new Command("certificate", "Make TLS certificates for Berth's own listeners.") { create };
    }

    private static void Print(DevelopmentCertificates.Written written, string[] hosts, int port)
    {
        var ca = Path.Combine(written.Directory, DevelopmentCertificates.CaCertificateFile);
        var host = hosts[0];
        Console.WriteLine($"{(written.CaReused ? "Reused the CA" : "Created a CA")} {ca} and signed {Path.Combine(written.Directory, DevelopmentCertificates.CertificateFile)} " +
            $"for {string.Join(", ", hosts)} (valid until {written.Certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}). Keep ca.key private.");
        Console.WriteLine();
        Console.WriteLine("Serve HTTPS with it (the files are reloaded when they change):");
        Console.WriteLine($"  Kestrel__Certificates__Default__Path={Path.Combine(written.Directory, DevelopmentCertificates.CertificateFile)} \\");
        Console.WriteLine($"  Kestrel__Certificates__Default__KeyPath={Path.Combine(written.Directory, DevelopmentCertificates.KeyFile)} \\");
        Console.WriteLine($"    berth serve --urls https://0.0.0.0:{port}");
        Console.WriteLine();
        Console.WriteLine("Trust the CA:");
        Console.WriteLine($"  docker:        sudo mkdir -p /etc/docker/certs.d/{host}:{port} && sudo cp {ca} /etc/docker/certs.d/{host}:{port}/ca.crt");
        Console.WriteLine($"  podman/skopeo: sudo mkdir -p /etc/containers/certs.d/{host}:{port} && sudo cp {ca} /etc/containers/certs.d/{host}:{port}/ca.crt");
        Console.WriteLine("                 (or per command: a directory holding only ca.crt, for skopeo --cert-dir / --dest-cert-dir DIR or podman --cert-dir DIR;");
        Console.WriteLine("                 not this one, whose .key files containers/image would read as client keys)");
        Console.WriteLine($"  aws CLI:       aws ecr describe-repositories --endpoint-url https://{host}:{port} --ca-bundle {ca}");
        Console.WriteLine($"                 (or AWS_CA_BUNDLE={ca}; boto3: verify='{ca}')");
    }
}
