namespace Berth.Server.WebConsole;

/// <summary>The web console (Berth:Console).</summary>
internal sealed class ConsoleOptions
{
    /// <summary>Whether /console/ is served (on the private listeners only). Off: /console/ is 404, nothing of it is registered.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a console sign-in lasts (never longer than a role session's credentials).</summary>
    public TimeSpan SessionDuration { get; set; } = TimeSpan.FromHours(1);
}
