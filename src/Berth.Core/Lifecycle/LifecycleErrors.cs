using Berth.Core.Errors;

namespace Berth.Core.Lifecycle;

/// <summary>Catalog entries of the lifecycle operations (botocore model ecr/2015-09-21).</summary>
public static class LifecycleErrors
{
    public static readonly RegistryErrorCode PolicyNotFound = new("UNSUPPORTED", 400, "lifecycle policy not found", "LifecyclePolicyNotFoundException");
    public static readonly RegistryErrorCode PreviewNotFound = new("UNSUPPORTED", 400, "lifecycle policy preview not found", "LifecyclePolicyPreviewNotFoundException");
    public static readonly RegistryErrorCode PreviewInProgress = new("UNSUPPORTED", 400, "lifecycle policy preview in progress", "LifecyclePolicyPreviewInProgressException");
    public static readonly RegistryErrorCode StorageClassUpdateNotSupported =
        new("UNSUPPORTED", 400, "The requested image storage class update is not supported.", "ImageStorageClassUpdateNotSupportedException");
    public static readonly RegistryErrorCode ExclusionAlreadyExists = new("UNSUPPORTED", 400, "exclusion already exists", "ExclusionAlreadyExistsException");
    public static readonly RegistryErrorCode ExclusionNotFound = new("UNSUPPORTED", 400, "exclusion not found", "ExclusionNotFoundException");
}
