using System.Globalization;

namespace Berth.Bench;

internal static class Report
{
    public static void Line(string name, double value) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}\t{value:0.####}"));
}
