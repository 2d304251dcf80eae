namespace Berth.Server.Tests.Clients.Tools;

/// <summary>A client process exited with an error or ran past its timeout; the message holds everything it printed.</summary>
public sealed class ProcessFailedException : Exception
{
    public ProcessFailedException()
    {
    }

    public ProcessFailedException(string message)
        : base(message)
    {
    }

    public ProcessFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
