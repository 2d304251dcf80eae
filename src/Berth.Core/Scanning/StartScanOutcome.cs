namespace Berth.Core.Scanning;

/// <summary>What StartImageScan did: queued the scan, or refused it (one scan per image per quota period).</summary>
public enum StartScanOutcome
{
    Started,
    LimitExceeded,
    ImageMissing,
}
