using System.Diagnostics;
using System.Text;

namespace Berth.Server.Tests.Clients.Tools;

/// <summary>Runs a client command to completion, capturing both output streams.</summary>
public static class ProcessRunner
{
    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="arguments"/> (passed as an argument list, never through a
    /// shell). Throws <see cref="ProcessFailedException"/> with the full output on a nonzero exit (unless
    /// <see cref="ProcessRunOptions.AllowFailure"/>) and when the timeout passes, after killing the process tree.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, ProcessRunOptions? options = null)
    {
        options ??= new ProcessRunOptions();
        using var process = new Process { StartInfo = CreateStartInfo(fileName, arguments, options) };
        var commandLine = $"{fileName} {string.Join(' ', process.StartInfo.ArgumentList)}";
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);

        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (options.StandardInput is not null)
        {
            await process.StandardInput.WriteAsync(options.StandardInput).ConfigureAwait(false);
        }

        process.StandardInput.Close();

        using var timeout = new CancellationTokenSource(options.Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            var partial = new ProcessResult(commandLine, -1, Snapshot(stdout), Snapshot(stderr));
            throw new ProcessFailedException($"timed out after {options.Timeout}\n{partial}", e);
        }

        // WaitForExitAsync returns after the redirected streams reached end of file, so the output is complete.
        var result = new ProcessResult(commandLine, process.ExitCode, Snapshot(stdout), Snapshot(stderr));
        if (result.ExitCode != 0 && !options.AllowFailure)
        {
            throw new ProcessFailedException($"command failed\n{result}");
        }

        return result;
    }

    /// <inheritdoc cref="RunAsync(string, IEnumerable{string}, ProcessRunOptions?)"/>
    public static Task<ProcessResult> RunAsync(string fileName, params string[] arguments) => RunAsync(fileName, arguments, null);

    internal static ProcessStartInfo CreateStartInfo(string fileName, IEnumerable<string> arguments, ProcessRunOptions options)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = options.WorkingDirectory ?? string.Empty,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in options.Environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        return startInfo;
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder buffer)
    {
        lock (buffer)
        {
            return buffer.ToString();
        }
    }
}
