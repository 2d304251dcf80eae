using System.Text.RegularExpressions;
using Berth.Server.Tests.Clients.Images;

namespace Berth.Server.Tests.Clients.Tools;

/// <summary>A docker push of a fresh native image, as a user does it: login with the registry password, load, tag, push.</summary>
public static partial class DockerPush
{
    /// <summary>
    /// Pushes a new image for this machine's architecture to <c>HOST/REPOSITORY:TAG</c> after <c>docker login</c> with
    /// <paramref name="password"/>, then removes that local name and logs out; returns the digest docker reports and
    /// the local name the image stays loaded under.
    /// </summary>
    public static async Task<(string Digest, string Local)> NativeImageAsync(DockerDaemon docker, string host, string password, string repository, string tag)
    {
        await docker.RunWithInputAsync(password, "login", "--username", "AWS", "--password-stdin", host);
        var work = Directory.CreateTempSubdirectory("berth-docker-push-").FullName;
        try
        {
            var layout = new OciLayoutWriter(Path.Combine(work, "layout"));
            var image = TestImageFactory.WriteImage(layout, TestImageFactory.NativeArchitecture);
            var local = $"berth-local/app:{Guid.NewGuid():N}";
            layout.Tag(image.Descriptor, "v1");
            await Skopeo.CopyAsync($"oci:{layout.Directory}:v1", $"docker-archive:{Path.Combine(work, "image.tar")}:{local}");
            await docker.RunAsync("load", "--input", Path.Combine(work, "image.tar"));
            await docker.RunAsync("tag", local, $"{host}/{repository}:{tag}");
            var push = await docker.RunAsync("push", $"{host}/{repository}:{tag}");
            await docker.RunAsync("rmi", $"{host}/{repository}:{tag}");
            await docker.RunAsync("logout", host);
            return (PushedDigest().Match(push.StandardOutput).Groups[1].Value, local);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [GeneratedRegex("digest: (sha256:[0-9a-f]{64})")]
    private static partial Regex PushedDigest();
}
