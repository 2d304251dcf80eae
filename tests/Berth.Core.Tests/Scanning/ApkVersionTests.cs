using Berth.Core.Scanning.Versions;

namespace Berth.Core.Tests.Scanning;

/// <summary>
/// <c>apk version -t</c> is not packaged for Debian, so the reference here is the table of orderings apk-tools tests
/// itself with (a selection of its test/version.data) and the APKBUILD reference's suffix rules.
/// </summary>
public sealed class ApkVersionTests
{
    private const string Table = """
        2.34 > 0.1.0_alpha
        0.1.0_alpha = 0.1.0_alpha
        0.1.0_alpha < 0.1.3_alpha
        0.1.0_alpha2 > 0.1.0_alpha
        0.1.0_alpha < 2.2.39-r1
        1.0.4-r3 < 1.0.4-r4
        1.1 > 1.1_alpha1
        1.2.1 > 1.2
        1.2 < 1.3_alpha
        1.3_alpha2 < 1.3_alpha3
        0.7.0 < 0.8_beta1
        3.10.18-r1 > 2.3.0b-r1
        2.3.0b-r1 < 2.3.0b-r2
        0.12.3 > 0.12
        0.12 < 0.13_beta1
        1.2.11 < 1.2.12.1
        0.2.0-r1 < 3.1_p16
        3.1_p16 < 3.1_p17
        1.06-r6 < 006
        1.2.2-r1 > 1.2.2
        2.59 < 20050718-r1
        3.9.8-r5 > 2.01.01_alpha10
        1.0 > 0.99.3.20040818
        2.8.9-r1 > 2.8.9
        1.02 < 1.03-r1
        4.2.52_p2-r1 < 4.2.52_p4-r2
        2.18.3-r10 > 1.05-r18
        20060720 > 3.0.20060720
        2.5.1-r8 < 2.5.1a-r1
        1.3.5-r10 > 1.3.5-r8
        20040401 > 2.0.0_rc3-r1
        3.0.0-r2 < 021109-r3
        3.9_pre20060124 > 0.01
        1.1.7 < 6b-r7
        0.10.0 < 0.10.1_rc1
        1.0-r1 > 0.15.1b
        22.7 > 2.1_pre20
        2.10.1 > 02.08.01b
        1.6d > 1.2.07.8
        1.2.07.8 < 1.2.12.04
        0.1_pre20060810 < 0.1_pre20060817
        0.59s-r11 < 0.65
        0.20070118 < 0.20070207_rc1
        4.5_p1-r1 > 4.5_p1
        0.9.8c-r1 < 0.9.8d
        1.8.5 < 1.8.5_p2
        2.9.11_pre20051101-r3 > 2.9.11_pre20051101
        1.6.8_p12-r1 > 1.6.8_p9-r2
        0.9.28-r2 < 0.9.28.1
        2.12r-r4 < 2.12r-r5
        7.0.17 < 7.0.174
        1.3-r0 < 1.3.1-r0
        1.3_pre1-r1 < 1.3.2
        1.0_p10-r0 > 1.0_p9-r0
        1.0.0_pre20191002222144-r0 < 1.0.0_pre20210530193627-r0
        """;

    public static TheoryData<string, string, int> Cases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var line in Table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ');
            data.Add(parts[0], parts[2], parts[1] switch { "<" => -1, "=" => 0, _ => 1 });
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OrdersAsApkToolsTestTable(string a, string b, int expected)
    {
        Assert.Equal(expected, Math.Sign(ApkVersion.Compare(a, b)));
        Assert.Equal(-expected, Math.Sign(ApkVersion.Compare(b, a)));
    }
}
