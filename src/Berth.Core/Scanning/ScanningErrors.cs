using Berth.Core.Errors;

namespace Berth.Core.Scanning;

/// <summary>Catalog entries of the scanning operations that only they raise (botocore model ecr/2015-09-21).</summary>
public static class ScanningErrors
{
    /// <summary>StartImageScan on an archived image: "The specified image is archived and cannot be scanned." (the model's text).</summary>
    public static readonly RegistryErrorCode ImageArchived = new("UNSUPPORTED", 400, "image archived", "ImageArchivedException");
}
