namespace Berth.Core.Scanning;

/// <summary>The imageScanStatus values a BASIC scan goes through, and their descriptions as Berth words them.</summary>
public static class ScanStatus
{
    public const string InProgress = "IN_PROGRESS";
    public const string Complete = "COMPLETE";
    public const string Failed = "FAILED";

    /// <summary>ECR's description of a completed scan (the aws CLI's example output).</summary>
    public const string CompleteDescription = "The scan was completed successfully.";
}
