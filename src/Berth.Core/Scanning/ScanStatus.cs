namespace Berth.Core.Scanning;

/// <summary>
/// The imageScanStatus values a scan goes through, and their descriptions as Berth words them. The model's other
/// values do not arise: PENDING (a queued scan is IN_PROGRESS), SCAN_ELIGIBILITY_EXPIRED (Berth keeps rescanning
/// CONTINUOUS_SCAN images on every import, with no Inspector re-scan duration), FINDINGS_UNAVAILABLE,
/// UNSUPPORTED_IMAGE (refused by StartImageScan instead), LIMIT_EXCEEDED, IMAGE_ARCHIVED.
/// </summary>
public static class ScanStatus
{
    public const string InProgress = "IN_PROGRESS";
    public const string Complete = "COMPLETE";
    public const string Failed = "FAILED";

    /// <summary>An ENHANCED scan's status while CONTINUOUS_SCAN applies to its repository (ECR's wording, as reported by users).</summary>
    public const string Active = "ACTIVE";

    public const string ActiveDescription = "Continuous scan is selected for image.";

    /// <summary>ECR's description of a completed scan (the aws CLI's example output).</summary>
    public const string CompleteDescription = "The scan was completed successfully.";
}
