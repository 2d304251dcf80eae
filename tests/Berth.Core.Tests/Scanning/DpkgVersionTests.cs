using System.Text.RegularExpressions;
using Berth.Core.Scanning.Versions;

namespace Berth.Core.Tests.Scanning;

public sealed partial class DpkgVersionTests
{
    /// <summary>Debian policy's syntax: dpkg refuses anything else instead of ordering it.</summary>
    [GeneratedRegex(@"^([0-9]+:)?[0-9][A-Za-z0-9.+~]*(-[A-Za-z0-9.+~]+)?\z|^([0-9]+:)?[0-9][A-Za-z0-9.+~-]*-[A-Za-z0-9.+~]+\z")]
    private static partial Regex Valid();

    [Theory]
    [InlineData("1.0", "1.0", 0)]
    [InlineData("1.0~rc1", "1.0", -1)]
    [InlineData("1.0~~", "1.0~", -1)]
    [InlineData("1.0~", "1.0", -1)]
    [InlineData("1:0.9", "2.0", 1)]
    [InlineData("2.0-1", "2.0-1+deb12u1", -1)]
    [InlineData("2.0", "2.0-0", 0)]
    [InlineData("1.0a", "1.0+", -1)]
    [InlineData("1.10", "1.9", 1)]
    [InlineData("1.01", "1.1", 0)]
    [InlineData("7.88.1-10+deb12u5", "7.88.1-10+deb12u12", -1)]
    public void OrdersAsDebianPolicySays(string a, string b, int expected) => Assert.Equal(expected, Math.Sign(DpkgVersion.Compare(a, b)));

    /// <summary>Thousands of generated pairs, each also asked of the real <c>dpkg --compare-versions</c>.</summary>
    [SkippableFact]
    public void AgreesWithDpkgCompareVersionsOnGeneratedPairs()
    {
        Skip.IfNot(ReferenceTool.Exists("/usr/bin/dpkg"), "dpkg is not installed");
        var random = new Random(20);
        var pairs = new List<(string, string)>();
        for (var i = 0; i < 3000; i++)
        {
            var a = ReferenceTool.Generate(random, ".+~aZ~.", epochs: true);

            // Half the pairs share a prefix, so that the interesting tail decides.
            var b = i % 2 == 0 ? ReferenceTool.Generate(random, ".+~aZ~.", epochs: true) : a[..random.Next(1, a.Length + 1)] + ReferenceTool.Generate(random, "~.+a", epochs: false)[1..];
            pairs.Add((a, Valid().IsMatch(b) ? b : a));
        }

        var expected = ReferenceTool.Compare("/bin/bash",
            """
            while read -r a b; do
              if dpkg --compare-versions "$a" lt "$b" 2>/dev/null; then echo -1; elif dpkg --compare-versions "$a" eq "$b" 2>/dev/null; then echo 0; else echo 1; fi
            done
            """, pairs);
        Assert.Equal(pairs.Count, expected.Count);
        var disagreements = pairs.Select((p, i) => (p, dpkg: expected[i], ours: Math.Sign(DpkgVersion.Compare(p.Item1, p.Item2))))
            .Where(x => x.dpkg != x.ours).Select(x => $"{x.p.Item1} vs {x.p.Item2}: dpkg {x.dpkg}, ours {x.ours}").ToList();
        Assert.True(disagreements.Count == 0, string.Join('\n', disagreements.Take(20)));
    }
}
