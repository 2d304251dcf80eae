namespace Berth.Storage;

/// <summary>
/// A pool of transfer buffers that keeps free ones for the next transfer. The host lets the free ones go once it is
/// quiet, so that a burst of transfers does not hold its memory afterwards.
/// </summary>
public interface IPooledBuffers
{
    /// <summary>How many buffers the pool has handed out since the start: a measure of the traffic.</summary>
    long Rents { get; }

    /// <summary>What the free buffers hold, in bytes.</summary>
    long FreeBytes { get; }

    /// <summary>Lets every free buffer go to the collector; returns how many bytes they held.</summary>
    long Release();
}
