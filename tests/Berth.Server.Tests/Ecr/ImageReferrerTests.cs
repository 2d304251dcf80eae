using Berth.Server.Tests.Infrastructure;

namespace Berth.Server.Tests.Ecr;

/// <summary><c>aws ecr list-image-referrers</c>: the artifacts whose subject is an image.</summary>
public sealed class ImageReferrerTests(EcrRegistry ecr) : IClassFixture<EcrRegistry>
{
    [Fact]
    public async Task ReferrersOfAnImageAreListedAndFilteredByArtifactType()
    {
        var repository = await ecr.NewRepositoryAsync();
        var (subjectManifest, subject) = await ecr.Registry.PushImageAsync(repository, "v1");
        var descriptor = new { mediaType = OciTestClient.OciManifest, digest = subject, size = subjectManifest.Length };
        var (signature, signatureDigest) = await ecr.Registry.PushImageAsync(repository, "sig", subject: descriptor, artifactType: "application/example.sig");
        await ecr.Registry.PushImageAsync(repository, "sbom", subject: descriptor, artifactType: "application/example.sbom");

        var all = await ecr.Aws.RunAsync("ecr", "list-image-referrers", "--repository-name", repository, "--subject-id", $"imageDigest={subject}");
        var filtered = await ecr.Aws.RunAsync(
            "ecr", "list-image-referrers", "--repository-name", repository, "--subject-id", $"imageDigest={subject}",
            "--filter", """{"artifactTypes":["application/example.sig"]}""");

        Assert.Equal(2, all.GetProperty("referrers").GetArrayLength());
        var referrer = filtered.GetProperty("referrers").EnumerateArray().Single();
        Assert.Equal(signatureDigest, referrer.GetProperty("digest").GetString());
        Assert.Equal("application/example.sig", referrer.GetProperty("artifactType").GetString());
        Assert.Equal(OciTestClient.OciManifest, referrer.GetProperty("mediaType").GetString());
        Assert.Equal(signature.Length, referrer.GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task ReferrersArePagedWithNextTokens()
    {
        var repository = await ecr.NewRepositoryAsync();
        var (subjectManifest, subject) = await ecr.Registry.PushImageAsync(repository, "v1");
        var descriptor = new { mediaType = OciTestClient.OciManifest, digest = subject, size = subjectManifest.Length };
        for (var i = 0; i < 3; i++)
        {
            await ecr.Registry.PushImageAsync(repository, $"sig{i}", subject: descriptor, artifactType: "application/example.sig");
        }

        var result = await ecr.Boto3Async($$"""
seen, token, pages = [], None, 0
while True:
    args = {"repositoryName": "{{repository}}", "subjectId": {"imageDigest": "{{subject}}"}, "maxResults": 2}
    if token: args["nextToken"] = token
    page = ecr.list_image_referrers(**args)
    pages += 1
    seen += [r["digest"] for r in page["referrers"]]
    token = page.get("nextToken")
    if not token: break
print(json.dumps({"pages": pages, "distinct": len(set(seen)), "total": len(seen)}))
""");

        Assert.Equal(2, result.GetProperty("pages").GetInt32());
        Assert.Equal(3, result.GetProperty("distinct").GetInt32());
        Assert.Equal(3, result.GetProperty("total").GetInt32());
    }
}
