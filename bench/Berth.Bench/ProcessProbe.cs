using System.Globalization;

namespace Berth.Bench;

/// <summary>
/// Reads the CPU time and peak RSS of the server's processes from /proc: one process, or every node of a cluster. CPU
/// seconds are the sum over the processes (what the servers spent together); RSS is the largest process's (what one
/// node needs).
/// </summary>
internal sealed class ProcessProbe(IReadOnlyList<int> pids)
{
    public void ResetPeak()
    {
        foreach (var pid in pids)
        {
            try
            {
                File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    public double CpuSeconds() => pids.Sum(CpuSeconds);

    public double StatusMb(string field) => pids.Max(pid => StatusMb(pid, field));

    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // utime and stime are fields 14 and 15 of stat, i.e. 12 and 13 after the command name and the state.
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static double StatusMb(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
            }
        }
        return 0;
    }
}
