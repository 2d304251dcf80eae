using Berth.Core.Errors;

namespace Berth.Server.CloudTrailApi;

/// <summary>CloudTrail's exceptions of LookupEvents (botocore cloudtrail/2013-11-01), answered with status 400.</summary>
internal static class CloudTrailErrors
{
    public static readonly RegistryErrorCode InvalidLookupAttributes = new("UNSUPPORTED", 400, "invalid lookup attributes", "InvalidLookupAttributesException");
    public static readonly RegistryErrorCode InvalidTimeRange = new("UNSUPPORTED", 400, "invalid time range", "InvalidTimeRangeException");
    public static readonly RegistryErrorCode InvalidNextToken = new("UNSUPPORTED", 400, "invalid next token", "InvalidNextTokenException");
    public static readonly RegistryErrorCode InvalidEventCategory = new("UNSUPPORTED", 400, "invalid event category", "InvalidEventCategoryException");
}
