namespace Berth.Core.Lifecycle;

/// <summary>ECR's storage classes of an image: STANDARD (pullable) and ARCHIVE.</summary>
public enum ImageStorageClass
{
    Standard,
    Archive,
}
