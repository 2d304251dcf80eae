using Berth.Core.Scanning.Versions;

namespace Berth.Core.Tests.Scanning;

public sealed class RpmVersionTests
{
    [Theory]
    [InlineData("1.0-1", "1.0-1", 0)]
    [InlineData("1.0~rc1-1", "1.0-1", -1)]
    [InlineData("1.0^git1-1", "1.0-1", 1)]
    [InlineData("1.0^git1-1", "1.0.1-1", -1)]
    [InlineData("1:1.0-1", "2.0-1", 1)]
    [InlineData("1.0a-1", "1.0.1-1", -1)]
    [InlineData("1.10-1", "1.9-1", 1)]
    [InlineData("1.0-1.el9", "1.0-1.el9_2", -1)]
    [InlineData("2.0.1-1", "2.0-1", 1)]
    [InlineData("1.0_1-1", "1.0.1-1", 0)]
    public void OrdersAsRpmvercmp(string a, string b, int expected) => Assert.Equal(expected, Math.Sign(RpmVersion.Compare(a, b)));

    /// <summary>Thousands of generated pairs, each also asked of rpm's own <c>labelCompare</c> (python3-rpm).</summary>
    [SkippableFact]
    public void AgreesWithRpmLabelCompareOnGeneratedPairs()
    {
        Skip.IfNot(ReferenceTool.Exists("/usr/bin/python3"), "python3 is not installed");
        var probe = ReferenceTool.Compare("/usr/bin/python3", "import sys\ntry:\n import rpm\n print(0)\nexcept ImportError:\n print(1)", []);
        Skip.If(probe[0] != 0, "python3-rpm is not installed (apt-get install python3-rpm)");
        var random = new Random(21);
        var pairs = new List<(string, string)>();
        for (var i = 0; i < 3000; i++)
        {
            var a = ReferenceTool.Generate(random, ".~^a_Zb.", epochs: true);
            var b = i % 2 == 0 ? ReferenceTool.Generate(random, ".~^a_Zb.", epochs: true) : a[..random.Next(1, a.Length + 1)] + ReferenceTool.Generate(random, ".~^a", epochs: false)[1..];
            pairs.Add((WithRelease(a), WithRelease(b)));
        }

        var expected = ReferenceTool.Compare("/usr/bin/python3",
            """
            import sys, rpm
            def evr(s):
                e, _, rest = s.rpartition(':')
                v, _, r = rest.rpartition('-')
                return (e or '0', v, r)
            for line in sys.stdin:
                a, b = line.split()
                print(rpm.labelCompare(evr(a), evr(b)))
            """, pairs);
        var disagreements = pairs.Select((p, i) => (p, rpm: expected[i], ours: Math.Sign(RpmVersion.Compare(p.Item1, p.Item2))))
            .Where(x => x.rpm != x.ours).Select(x => $"{x.p.Item1} vs {x.p.Item2}: rpm {x.rpm}, ours {x.ours}").ToList();
        Assert.True(disagreements.Count == 0, string.Join('\n', disagreements.Take(20)));
    }

    /// <summary>rpm's EVR always has a release here, and no dash or colon inside version or release.</summary>
    private static string WithRelease(string generated)
    {
        var colon = generated.IndexOf(':', StringComparison.Ordinal);
        var epoch = colon > 0 ? generated[..(colon + 1)] : string.Empty;
        var rest = generated[(colon + 1)..].Replace(":", ".", StringComparison.Ordinal);
        var dash = rest.LastIndexOf('-');
        return dash > 0 && dash < rest.Length - 1 ? epoch + rest[..dash].Replace("-", ".", StringComparison.Ordinal) + rest[dash..] : epoch + rest.Replace("-", ".", StringComparison.Ordinal) + "-1";
    }
}
