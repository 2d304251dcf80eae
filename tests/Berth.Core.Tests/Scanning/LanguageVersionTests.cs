using Berth.Core.Scanning.Versions;

namespace Berth.Core.Tests.Scanning;

/// <summary>
/// The language ecosystems' version orderings: tables of known cases, and the NuGet and semver orderings against
/// NuGet.Versioning, PEP 440 against python3's packaging.version, over a few thousand generated pairs.
/// </summary>
public sealed class LanguageVersionTests
{
    [Theory]
    [InlineData("1.0.0", "1.0.0", 0)]
    [InlineData("1.0.0", "2.0.0", -1)]
    [InlineData("1.10.0", "1.9.0", 1)]
    [InlineData("1.0.0-alpha", "1.0.0", -1)]
    [InlineData("1.0.0-alpha", "1.0.0-alpha.1", -1)]
    [InlineData("1.0.0-alpha.1", "1.0.0-alpha.beta", -1)]
    [InlineData("1.0.0-alpha.beta", "1.0.0-beta", -1)]
    [InlineData("1.0.0-beta.2", "1.0.0-beta.11", -1)]
    [InlineData("1.0.0-rc.1", "1.0.0", -1)]
    [InlineData("1.0.0+build.5", "1.0.0", 0)]
    [InlineData("v1.2.3", "1.2.3", 0)]
    [InlineData("v0.0.0-20230101120000-abcdef123456", "v0.0.0-20230201120000-abcdef123456", -1)]
    [InlineData("v0.0.0-20230101120000-abcdef123456", "v0.1.0", -1)]
    [InlineData("v1.2.4-0.20230101120000-abcdef123456", "v1.2.3", 1)]
    [InlineData("v1.2.4-0.20230101120000-abcdef123456", "v1.2.4", -1)]
    [InlineData("v2.0.0+incompatible", "v2.0.0", 0)]
    [InlineData("1.0.0-99999999999999999999", "1.0.0-100000000000000000000", -1)]
    public void SemanticVersionsOrderAsSemverAndGo(string a, string b, int expected)
    {
        Assert.Equal(expected, Math.Sign(SemanticVersion.Compare(a, b)));
        Assert.Equal(-expected, Math.Sign(SemanticVersion.Compare(b, a)));
    }

    [Theory]
    [InlineData("1.0", "1.0.0.0", 0)]
    [InlineData("1.0.0.1", "1.0.0", 1)]
    [InlineData("4.7.2", "4.7.10", -1)]
    [InlineData("1.0.0-Beta", "1.0.0-beta", 0)]
    [InlineData("1.0.0-beta.2", "1.0.0-beta.10", -1)]
    [InlineData("1.0.0-preview.1", "1.0.0", -1)]
    [InlineData("13.0.1", "13.0.3", -1)]
    [InlineData("6.0.0-rc.2.21480.5", "6.0.0", -1)]
    [InlineData("2.1.0+sha.abc", "2.1.0", 0)]
    public void NuGetVersionsOrderAsNuGet(string a, string b, int expected)
    {
        Assert.Equal(expected, Math.Sign(NuGetVersion.Compare(a, b)));
        Assert.Equal(-expected, Math.Sign(NuGetVersion.Compare(b, a)));
        Assert.Equal(expected, Math.Sign(NuGet.Versioning.NuGetVersion.Parse(a).CompareTo(NuGet.Versioning.NuGetVersion.Parse(b))));
    }

    [Theory]
    [InlineData("1.0", "1.0.0", 0)]
    [InlineData("1.0.dev0", "1.0a1", -1)]
    [InlineData("1.0a1", "1.0b1", -1)]
    [InlineData("1.0b2", "1.0rc1", -1)]
    [InlineData("1.0rc1", "1.0", -1)]
    [InlineData("1.0", "1.0.post1", -1)]
    [InlineData("1.0.post1.dev1", "1.0.post1", -1)]
    [InlineData("1.0a1.dev1", "1.0a1", -1)]
    [InlineData("1.0", "1.0+local", -1)]
    [InlineData("1.0+abc", "1.0+5", -1)]
    [InlineData("1!0.1", "2.0", 1)]
    [InlineData("1.0-1", "1.0.post1", 0)]
    [InlineData("1.0alpha1", "1.0a1", 0)]
    [InlineData("1.0-preview2", "1.0rc2", 0)]
    [InlineData("v2.31.0", "2.31.0", 0)]
    [InlineData("2.31.0", "2.4.0", 1)]
    [InlineData("41.0.4", "41.0.0", 1)]
    public void PythonVersionsOrderAsPep440(string a, string b, int expected)
    {
        Assert.Equal(expected, Math.Sign(Pep440Version.Compare(a, b)));
        Assert.Equal(-expected, Math.Sign(Pep440Version.Compare(b, a)));
    }

    [Fact]
    public void NuGetAndSemverOrderingsAgreeWithNuGetVersioningOnGeneratedPairs()
    {
        var random = new Random(20);
        for (var i = 0; i < 3000; i++)
        {
            var (a, b) = (Generate(random, parts: random.Next(1, 5)), Generate(random, parts: random.Next(1, 5)));
            var expected = Math.Sign(NuGet.Versioning.NuGetVersion.Parse(a).CompareTo(NuGet.Versioning.NuGetVersion.Parse(b)));
            Assert.True(expected == Math.Sign(NuGetVersion.Compare(a, b)), $"NuGet {a} vs {b}: expected {expected}");

            // Three-part versions are semver; NuGet.Versioning's semver precedence is semver 2.0.0's for lower-case labels.
            var (x, y) = (Generate(random, parts: 3), Generate(random, parts: 3));
            var semver = Math.Sign(NuGet.Versioning.SemanticVersion.Parse(x).CompareTo(NuGet.Versioning.SemanticVersion.Parse(y)));
            Assert.True(semver == Math.Sign(SemanticVersion.Compare(x, y)), $"semver {x} vs {y}: expected {semver}");
        }
    }

    [SkippableFact]
    public void Pep440OrderingAgreesWithPythonPackagingOnGeneratedPairs()
    {
        Skip.IfNot(ReferenceTool.Exists("/usr/bin/python3") && HasPackaging(), "/usr/bin/python3 with python3-packaging is not installed");
        var random = new Random(440);
        var pairs = Enumerable.Range(0, 3000).Select(_ => (GeneratePython(random), GeneratePython(random))).ToList();
        const string Script = """
            import sys
            from packaging.version import Version
            for line in sys.stdin:
                a, b = line.split()
                x, y = Version(a), Version(b)
                print(-1 if x < y else 1 if x > y else 0)
            """;
        var expected = ReferenceTool.Compare("/usr/bin/python3", Script, pairs);
        for (var i = 0; i < pairs.Count; i++)
        {
            Assert.True(expected[i] == Math.Sign(Pep440Version.Compare(pairs[i].Item1, pairs[i].Item2)), $"{pairs[i].Item1} vs {pairs[i].Item2}: expected {expected[i]}");
        }
    }

    private static bool HasPackaging()
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/bin/python3", ["-c", "import packaging.version"]) { RedirectStandardError = true })!;
        process.WaitForExit();
        return process.ExitCode == 0;
    }

    private static string Generate(Random random, int parts)
    {
        var version = string.Join('.', Enumerable.Range(0, parts).Select(_ => random.Next(3).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (random.Next(2) == 0)
        {
            string[] labels = ["alpha", "beta", "rc", "0", "1", "2", "11", "a1", "x"];
            version += "-" + string.Join('.', Enumerable.Range(0, random.Next(1, 4)).Select(_ => labels[random.Next(labels.Length)]));
        }

        return random.Next(5) == 0 ? version + "+build" + random.Next(3) : version;
    }

    private static string GeneratePython(Random random)
    {
        var version = (random.Next(4) == 0 ? $"{random.Next(2)}!" : string.Empty)
            + string.Join('.', Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(3)));
        string[] pre = ["", "", "a1", "b2", "rc1", "a0", ".alpha2", "-beta1", "c1", "preview3"];
        string[] post = ["", "", "", ".post1", ".post0", "-2", "post3", ".rev1"];
        string[] dev = ["", "", "", ".dev0", ".dev2", "dev1"];
        string[] local = ["", "", "", "", "+abc", "+1", "+abc.2", "+1.abc", "+2"];
        return version + pre[random.Next(pre.Length)] + post[random.Next(post.Length)] + dev[random.Next(dev.Length)] + local[random.Next(local.Length)];
    }
}
