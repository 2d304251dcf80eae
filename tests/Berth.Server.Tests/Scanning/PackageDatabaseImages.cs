using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;

namespace Berth.Server.Tests.Scanning;

/// <summary>
/// Images whose package databases are made by the real tools or written in their real format: an rpmdb in SQLite form
/// built by Debian's <c>rpm</c> (<c>rpm --initdb</c>, then <c>rpm -i --justdb</c> of two packages built here with
/// <c>rpmbuild</c>) under a Rocky Linux 9.3 os-release, and an Alpine 3.19 image with apk's installed database
/// (version 2 format: one record per package, every field apk writes) — no Alpine image is reachable from this machine.
/// </summary>
internal static class PackageDatabaseImages
{
    /// <summary>The rpm image: berthdemo 1:2.4.1-3.el9 (an epoch) and berthlib 0.9-1.el9.</summary>
    public static async Task<OciDescriptor> WriteRpmAsync(OciLayoutWriter layout, string work, string tag)
    {
        var top = Path.Combine(work, "rpmbuild");
        var database = Path.Combine(work, "rpmdb");
        Directory.CreateDirectory(Path.Combine(top, "SPECS"));
        Directory.CreateDirectory(database);
        string[] sqlite = ["--define", "_db_backend sqlite"];
        var packages = new List<string>();
        foreach (var (name, epoch, version, release) in new[] { ("berthdemo", "1", "2.4.1", "3.el9"), ("berthlib", null, "0.9", "1.el9") })
        {
            var spec = Path.Combine(top, "SPECS", name + ".spec");
            await File.WriteAllTextAsync(spec,
                $"Name: {name}\n{(epoch is null ? string.Empty : $"Epoch: {epoch}\n")}Version: {version}\nRelease: {release}\nSummary: {name} for Berth's scanner tests\n" +
                "License: MIT\nBuildArch: noarch\n%description\nA package with no files, built for the tests.\n%files\n");
            await ProcessRunner.RunAsync("rpmbuild", ["--define", "_topdir " + top, .. sqlite, "-bb", spec]);
            packages.Add(Path.Combine(top, "RPMS", "noarch", $"{name}-{version}-{release}.noarch.rpm"));
        }

        await ProcessRunner.RunAsync("rpm", [.. sqlite, "--initdb", "--dbpath", database]);
        await ProcessRunner.RunAsync("rpm", [.. sqlite, "--dbpath", database, "-i", "--justdb", "--nodeps", .. packages]);
        var rpmdb = await File.ReadAllBytesAsync(Path.Combine(database, "rpmdb.sqlite"));
        return Write(layout, tag, [
            [("etc/os-release", Encoding.UTF8.GetBytes("NAME=\"Rocky Linux\"\nVERSION=\"9.3 (Blue Onyx)\"\nID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.3\"\nPRETTY_NAME=\"Rocky Linux 9.3 (Blue Onyx)\"\n"))],
            [("var/lib/rpm/rpmdb.sqlite", rpmdb)],
        ]);
    }

    /// <summary>The Alpine image: busybox 1.36.1-r15, libcrypto3 and libssl3 3.1.4-r5 (origin openssl), musl 1.2.4_git20230717-r4.</summary>
    public static OciDescriptor WriteApk(OciLayoutWriter layout, string tag)
    {
        var installed = new StringBuilder();
        foreach (var (name, version, origin, description) in new[]
        {
            ("busybox", "1.36.1-r15", "busybox", "Size optimized toolbox of many common UNIX utilities"),
            ("libcrypto3", "3.1.4-r5", "openssl", "Crypto library from openssl"),
            ("libssl3", "3.1.4-r5", "openssl", "SSL shared libraries"),
            ("musl", "1.2.4_git20230717-r4", "musl", "the musl c library (libc) implementation"),
        })
        {
            // The fields apk-tools 2 writes for an installed package (https://wiki.alpinelinux.org/wiki/Apk_spec); the
            // checksums (Q1 + base64 of a SHA-1 in apk) are 20 bytes of a SHA-256 here, which apk's format cannot tell apart.
            installed.Append("C:Q1").Append(Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(name + version)).AsSpan(0, 20))).Append('\n')
                .Append("P:").Append(name).Append('\n')
                .Append("V:").Append(version).Append('\n')
                .Append("A:x86_64\nS:").Append(100_000 + name.Length).Append("\nI:").Append(300_000 + name.Length).Append('\n')
                .Append("T:").Append(description).Append('\n')
                .Append("U:https://alpinelinux.org\nL:MIT\n")
                .Append("o:").Append(origin).Append('\n')
                .Append("m:Natanael Copa <ncopa@alpinelinux.org>\nt:1700000000\nc:0123456789abcdef0123456789abcdef01234567\n")
                .Append(name == "musl" ? string.Empty : "D:so:libc.musl-x86_64.so.1\n")
                .Append("p:so:").Append(name).Append(".so.3=3\n")
                .Append("F:lib\nR:").Append(name).Append(".so.3\na:0:0:755\nZ:Q1").Append(Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(name)).AsSpan(0, 20))).Append('\n')
                .Append('\n');
        }

        return Write(layout, tag, [
            [("etc/os-release", Encoding.UTF8.GetBytes("NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME=\"Alpine Linux v3.19\"\nHOME_URL=\"https://alpinelinux.org/\"\n"))],
            [("lib/apk/db/installed", Encoding.UTF8.GetBytes(installed.ToString()))],
        ]);
    }

    /// <summary>An OCI image of the given layers (each a list of files) with its config's diff ids.</summary>
    public static OciDescriptor Write(OciLayoutWriter layout, string tag, IReadOnlyList<IReadOnlyList<(string Path, byte[] Content)>> layers) =>
        Write(layout, tag, layers.Select(files => Layer(files)).ToList());

    /// <summary>An OCI image of gzip'd layers given with their diff ids.</summary>
    public static OciDescriptor Write(OciLayoutWriter layout, string tag, IReadOnlyList<(byte[] Layer, string DiffId)> written)
    {
        var blobs = written.Select(l => layout.WriteBlob("application/vnd.oci.image.layer.v1.tar+gzip", l.Layer)).ToList();
        var config = layout.WriteBlob("application/vnd.oci.image.config.v1+json", JsonSerializer.SerializeToUtf8Bytes(new
        {
            architecture = "amd64",
            os = "linux",
            rootfs = new { type = "layers", diff_ids = written.Select(l => l.DiffId) },
        }));
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = "application/vnd.oci.image.manifest.v1+json",
            config = new { mediaType = config.MediaType, digest = config.Digest, size = config.Size },
            layers = blobs.Select(l => new { mediaType = l.MediaType, digest = l.Digest, size = l.Size }),
        });
        var descriptor = layout.WriteBlob("application/vnd.oci.image.manifest.v1+json", manifest);
        layout.Tag(descriptor, tag);
        return descriptor;
    }

    public static (byte[] Layer, string DiffId) Layer(IReadOnlyList<(string Path, byte[] Content)> files)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (path, content) in files)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(content) });
            }
        }

        using var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(tar.ToArray());
        }

        return (gzipped.ToArray(), "sha256:" + Convert.ToHexStringLower(SHA256.HashData(tar.ToArray())));
    }
}
