namespace Berth.Server.Tests.Clients.Tools;

/// <summary>How <see cref="ProcessRunner"/> starts a process; the defaults suit a short client command.</summary>
public sealed record ProcessRunOptions
{
    /// <summary>Variables added to (or, when null, removed from) the inherited environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Written to standard input, which is then closed; null closes it at once.</summary>
    public string? StandardInput { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(3);

    public string? WorkingDirectory { get; init; }

    /// <summary>When false (the default) a nonzero exit code throws with the whole output.</summary>
    public bool AllowFailure { get; init; }
}
