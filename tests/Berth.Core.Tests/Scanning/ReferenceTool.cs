using System.Diagnostics;

namespace Berth.Core.Tests.Scanning;

/// <summary>Runs a reference implementation (dpkg, python's rpm module) over many pairs in one process.</summary>
internal static class ReferenceTool
{
    public static bool Exists(string path) => File.Exists(path);

    /// <summary>Feeds "a b" lines to <paramref name="script"/> run by <paramref name="program"/>; one -1/0/1 line back per pair.</summary>
    public static List<int> Compare(string program, string script, IReadOnlyList<(string A, string B)> pairs)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        foreach (var (a, b) in pairs)
        {
            process.StandardInput.WriteLine($"{a} {b}");
        }

        process.StandardInput.Close();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error.Result);
        return output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
    }

    /// <summary>Deterministic version strings from <paramref name="alphabet"/> runs, with an optional epoch and release.</summary>
    public static string Generate(Random random, string alphabet, bool epochs, string releaseSeparator = "-")
    {
        var text = new System.Text.StringBuilder();
        if (epochs && random.Next(4) == 0)
        {
            text.Append(random.Next(3)).Append(':');
        }

        text.Append(random.Next(4));
        var parts = random.Next(1, 6);
        for (var i = 0; i < parts; i++)
        {
            text.Append(alphabet[random.Next(alphabet.Length)]);
            if (random.Next(2) == 0)
            {
                text.Append(random.Next(12));
            }
        }

        if (random.Next(3) > 0)
        {
            text.Append(releaseSeparator).Append(random.Next(3));
            if (random.Next(3) == 0)
            {
                text.Append(alphabet[random.Next(alphabet.Length)]).Append(random.Next(3));
            }
        }

        return text.ToString();
    }
}
