using System.Net;
using System.Net.NetworkInformation;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Berth.Server.Hosting;
using Berth.Server.Tests.Clients.Tools;
using Berth.Server.Tests.Infrastructure;
using Berth.Server.Tls;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Tests.Tls;

/// <summary>
/// An ECR-mode Berth serving HTTPS on this machine's first non-loopback IPv4 address under a fresh name that
/// /etc/hosts maps to it (the line is removed again on disposal), with a certificate from
/// <c>berth certificate create</c>, plus plain HTTP on 127.0.0.1 (the test's own setup calls, and requests that are
/// not over TLS). A non-loopback address matters: docker treats registries on 127.0.0.0/8 as insecure, which would
/// prove nothing. Needs root (to edit /etc/hosts); skipped otherwise, failed in CI.
/// </summary>
internal sealed class HttpsRegistry : IAsyncDisposable
{
    private const string HostsFile = "/etc/hosts";
    private readonly string _hostsLine;

    private HttpsRegistry(BerthTestServer server, string work, string name, string hostsLine)
    {
        Server = server;
        Work = work;
        Name = name;
        _hostsLine = hostsLine;
        Port = server.Services.GetRequiredService<Listeners>().All.Where(l => l.Face == ListenerFace.Private).ElementAt(1).Port;
    }

    public BerthTestServer Server { get; }

    public string Work { get; }

    /// <summary>The registry's name, e.g. berth-1a2b3c4d.test, resolved through /etc/hosts.</summary>
    public string Name { get; }

    public int Port { get; }

    /// <summary>"NAME:PORT", as registry clients write it.</summary>
    public string Authority => $"{Name}:{Port}";

    public Uri Endpoint => new($"https://{Authority}");

    public string Certificates => Path.Combine(Work, "certs");

    public string CaCertificate => Path.Combine(Certificates, DevelopmentCertificates.CaCertificateFile);

    /// <summary>A directory holding only ca.crt, for skopeo's --cert-dir (which would read other .key files as client keys).</summary>
    public string TrustDirectory => Path.Combine(Work, "trust");

    public static async Task<HttpsRegistry> StartAsync()
    {
        if (Environment.UserName != "root" || !File.Exists(HostsFile))
        {
            const string reason = "needs root to map a test name in /etc/hosts";
            if (ClientTools.MustBePresent)
            {
                throw new InvalidOperationException(reason);
            }

            throw new SkipException(reason);
        }

        var address = NonLoopbackAddress() ?? throw new SkipException("no non-loopback IPv4 address on this machine");
        var name = $"berth-{Guid.NewGuid().ToString("N")[..8]}.test";
        var work = Directory.CreateTempSubdirectory("berth-https-").FullName;
        var certificates = Path.Combine(work, "certs");
        var result = await BerthCommandLine.RunAsync(["certificate", "create", "--host", name, "--host", address.ToString(), "--out", certificates]);
        Assert.Equal(0, result);
        Directory.CreateDirectory(Path.Combine(work, "trust"));
        File.Copy(Path.Combine(certificates, DevelopmentCertificates.CaCertificateFile), Path.Combine(work, "trust", DevelopmentCertificates.CaCertificateFile));

        var line = $"{address} {name} # berth test {Environment.ProcessId}";
        File.AppendAllText(HostsFile, line + "\n");
        try
        {
            var server = await BerthTestServer.StartEcrAsync(new Dictionary<string, string?>
            {
                ["Berth:Urls"] = $"http://127.0.0.1:0;https://{address}:0",
                [ServerCertificate.PathKey] = Path.Combine(certificates, DevelopmentCertificates.CertificateFile),
                [ServerCertificate.KeyPathKey] = Path.Combine(certificates, DevelopmentCertificates.KeyFile),
            });
            return new HttpsRegistry(server, work, name, line);
        }
        catch
        {
            RemoveHostsLine(line);
            throw;
        }
    }

    /// <summary>The aws CLI against the HTTPS endpoint, verifying the server with <see cref="CaCertificate"/> (unless told not to pass it).</summary>
    public Task<ProcessResult> AwsAsync(IEnumerable<string> arguments, string? accessKeyId = null, string? secretAccessKey = null, bool caBundle = true) =>
        ProcessRunner.RunAsync(
            "aws",
            [.. arguments, "--endpoint-url", Endpoint.ToString().TrimEnd('/'), "--output", "json", .. caBundle ? new[] { "--ca-bundle", CaCertificate } : []],
            new ProcessRunOptions
            {
                AllowFailure = true,
                Timeout = TimeSpan.FromMinutes(2),
                Environment = new Dictionary<string, string?>
                {
                    ["AWS_ACCESS_KEY_ID"] = accessKeyId ?? Server.AccessKeyId,
                    ["AWS_SECRET_ACCESS_KEY"] = secretAccessKey ?? Server.SecretAccessKey,
                    ["AWS_DEFAULT_REGION"] = "us-east-1",
                    ["AWS_PAGER"] = string.Empty,
                    ["AWS_CONFIG_FILE"] = "/dev/null",
                    ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
                    ["AWS_EC2_METADATA_DISABLED"] = "true",
                    ["AWS_CA_BUNDLE"] = null,
                },
            });

    /// <summary>The certificate the HTTPS listener presents to a new connection (checked against the CA, by name).</summary>
    public async Task<X509Certificate2> PresentedCertificateAsync()
    {
        using var ca = X509CertificateLoader.LoadCertificateFromFile(CaCertificate);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(Name, Port);
        X509Certificate2? presented = null;
        await using var tls = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) =>
        {
            presented = new X509Certificate2(certificate!);
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(presented) && presented.MatchesHostname(Name);
        });
        await tls.AuthenticateAsClientAsync(Name);
        return presented!;
    }

    public async ValueTask DisposeAsync()
    {
        RemoveHostsLine(_hostsLine);
        await Server.DisposeAsync();
        Directory.Delete(Work, recursive: true);
    }

    private static void RemoveHostsLine(string line)
    {
        // Rewritten in place (not renamed over): /etc/hosts may be a bind mount.
        var lines = File.ReadAllLines(HostsFile).Where(l => l != line);
        File.WriteAllText(HostsFile, string.Join('\n', lines) + "\n");
    }

    private static IPAddress? NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}
