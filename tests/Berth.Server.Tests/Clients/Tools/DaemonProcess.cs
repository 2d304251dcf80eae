using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Berth.Server.Tests.Clients.Tools;

/// <summary>
/// A long-running client daemon (dockerd, containerd) started as a plain child process. Readiness is signalled by a
/// line the daemon logs, so nothing polls; <see cref="StopAsync"/> sends SIGTERM and kills the tree if that is ignored.
/// </summary>
public sealed class DaemonProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _readyLine;

    private DaemonProcess(Process process, string readyLine)
    {
        _process = process;
        _readyLine = readyLine;
    }

    /// <summary>Everything the daemon printed so far, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts the daemon; <paramref name="readyLine"/> is a substring of the log line that says it serves requests.</summary>
    public static DaemonProcess Start(string fileName, IEnumerable<string> arguments, string readyLine, ProcessRunOptions? options = null)
    {
        var process = new Process { StartInfo = ProcessRunner.CreateStartInfo(fileName, arguments, options ?? new ProcessRunOptions()) };
        var daemon = new DaemonProcess(process, readyLine);
        process.OutputDataReceived += (_, e) => daemon.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => daemon.OnLine(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => daemon._ready.TrySetException(new ProcessFailedException($"{fileName} exited before it was ready\n{daemon.Log}"));
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return daemon;
    }

    /// <summary>Completes when the ready line was logged; throws with the log when the daemon exits first or the timeout passes.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        try
        {
            await _ready.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new ProcessFailedException($"no '{_readyLine}' in the log after {timeout}\n{Log}", e);
        }
    }

    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        await ProcessRunner.RunAsync("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)], new ProcessRunOptions { AllowFailure = true }).ConfigureAwait(false);
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }

        if (line.Contains(_readyLine, StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }
}
