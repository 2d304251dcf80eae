using System.Globalization;

namespace Berth.Bench;

/// <summary>
/// Reads the CPU time and peak RSS of the server's processes from /proc: one process, or every node of a cluster (or
/// the processes of a store such as Swift). CPU seconds are the sum over the processes (what they spent together),
/// user and kernel apart; RSS is the largest process's (what one node needs).
/// </summary>
internal sealed class ProcessProbe(IReadOnlyList<int> pids)
{
    /// <summary>The processes named by a comma-separated list of PIDs in an environment variable, or null.</summary>
    public static ProcessProbe? FromEnvironment(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } list
            ? new ProcessProbe(list.Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray())
            : null;

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

    public double CpuSeconds() => Cpu().Total;

    /// <summary>User and kernel CPU seconds (utime, stime), summed over the processes.</summary>
    public CpuTime Cpu() => pids.Select(Cpu).Aggregate(new CpuTime(0, 0), (a, b) => a + b);

    public double StatusMb(string field) => pids.Max(pid => StatusMb(pid, field));

    private static CpuTime Cpu(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // utime and stime are fields 14 and 15 of stat, i.e. 12 and 13 after the command name and the state; in clock
        // ticks (USER_HZ, 100 on Linux).
        return new CpuTime(long.Parse(fields[11], CultureInfo.InvariantCulture) / 100.0, long.Parse(fields[12], CultureInfo.InvariantCulture) / 100.0);
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

/// <summary>CPU seconds in user mode and in the kernel.</summary>
internal readonly record struct CpuTime(double User, double Kernel)
{
    public double Total => User + Kernel;

    public static CpuTime operator +(CpuTime a, CpuTime b) => new(a.User + b.User, a.Kernel + b.Kernel);

    public static CpuTime operator -(CpuTime a, CpuTime b) => new(a.User - b.User, a.Kernel - b.Kernel);
}
