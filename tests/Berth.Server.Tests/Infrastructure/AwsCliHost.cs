using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Berth.Server.Tests.Clients.Tools;

namespace Berth.Server.Tests.Infrastructure;

/// <summary>
/// The aws CLI without a process per command: a pool of Python interpreters, each running the CLI's own driver
/// (<c>awscli.clidriver.create_clidriver().main(args)</c>, exactly what the <c>aws</c> script calls) once per command
/// with a fresh driver, session and environment (<c>aws_cli_host.py</c>). Same client code, same requests and output;
/// what it saves is Python's start and botocore's import, about 1 s of CPU per command through pyenv's shim, which
/// was the largest single cost of the suite. Used when the <c>aws</c> on PATH is a Python script whose interpreter
/// can import awscli; otherwise <see cref="AwsCli"/> runs the <c>aws</c> process as before.
/// </summary>
internal static class AwsCliHost
{
    private static readonly Lazy<string?> Interpreter = new(FindInterpreter);
    private static readonly ConcurrentBag<Host> Idle = [];

    /// <summary>False when BERTH_TESTS_AWS_PROCESS=1 asks for one <c>aws</c> process per command.</summary>
    public static bool IsAvailable => Environment.GetEnvironmentVariable("BERTH_TESTS_AWS_PROCESS") != "1" && Interpreter.Value is not null;

    public static async Task<ProcessResult> RunAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout)
    {
        var host = Idle.TryTake(out var idle) ? idle : Host.Start(Interpreter.Value!);
        var request = JsonSerializer.Serialize(new { args = arguments, env = environment });
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await host.Process.StandardInput.WriteLineAsync(request.AsMemory(), cancellation.Token).ConfigureAwait(false);
            await host.Process.StandardInput.FlushAsync(cancellation.Token).ConfigureAwait(false);
            var line = await host.Process.StandardOutput.ReadLineAsync(cancellation.Token).ConfigureAwait(false)
                ?? throw new InvalidOperationException("the aws CLI host exited (its error output is in the test host's)");
            using var reply = JsonDocument.Parse(line);
            var result = new ProcessResult(
                $"aws {string.Join(' ', arguments)}",
                reply.RootElement.GetProperty("rc").GetInt32(),
                reply.RootElement.GetProperty("out").GetString()!,
                reply.RootElement.GetProperty("err").GetString()!);
            Idle.Add(host);
            return result;
        }
        catch (OperationCanceledException e)
        {
            host.Kill();
            throw new ProcessFailedException($"aws {string.Join(' ', arguments)} timed out after {timeout}", e);
        }
        catch
        {
            host.Kill();
            throw;
        }
    }

    /// <summary>The interpreter of the <c>aws</c> script on PATH (through pyenv's shim when it is one), if it imports awscli.</summary>
    private static string? FindInterpreter()
    {
        try
        {
            var script = Environment.GetEnvironmentVariable("PATH")?.Split(':').Select(d => Path.Combine(d, "aws")).FirstOrDefault(File.Exists);
            if (script is null)
            {
                return null;
            }

            if (File.ReadLines(script).First().Contains("bash", StringComparison.Ordinal) && File.ReadAllText(script).Contains("pyenv", StringComparison.Ordinal))
            {
                script = Run("pyenv", "which", "aws")?.Trim();
            }

            var shebang = script is null ? null : File.ReadLines(script).First();
            if (shebang is null || !shebang.StartsWith("#!", StringComparison.Ordinal) || !shebang.Contains("python", StringComparison.Ordinal))
            {
                return null;
            }

            var interpreter = shebang[2..].Trim().Split(' ')[0];
            return Run(interpreter, "-c", "import awscli.clidriver") is null ? null : interpreter;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string? Run(string fileName, params string[] arguments)
    {
        try
        {
            var startInfo = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in arguments)
            {
                startInfo.ArgumentList.Add(argument);
            }

            using var process = Process.Start(startInfo)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private sealed class Host
    {
        public required Process Process { get; init; }

        public static Host Start(string interpreter)
        {
            var startInfo = new ProcessStartInfo(interpreter)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            startInfo.ArgumentList.Add("-u");
            startInfo.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Infrastructure", "aws_cli_host.py"));
            var process = Process.Start(startInfo)!;
            return new Host { Process = process };
        }

        public void Kill()
        {
            try
            {
                Process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }

            Process.Dispose();
        }
    }
}
