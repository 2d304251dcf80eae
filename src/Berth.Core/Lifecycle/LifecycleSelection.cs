namespace Berth.Core.Lifecycle;

/// <summary>
/// Which images a rule selects: by tag status and, for tagged images, tag prefixes or wildcard patterns (every entry
/// must match one of the image's tags), within one storage class, and which of them it acts on (count or age).
/// </summary>
public sealed record LifecycleSelection(
    LifecycleTagStatus TagStatus,
    IReadOnlyList<string> TagPrefixes,
    IReadOnlyList<string> TagPatterns,
    ImageStorageClass StorageClass,
    LifecycleCountType CountType,
    int CountNumber)
{
    /// <summary>Whether the image is in the rule's storage class and meets its tag requirements.</summary>
    public bool Matches(LifecycleImage image)
    {
        if ((image.Status == ImageStatus.Archived ? ImageStorageClass.Archive : ImageStorageClass.Standard) != StorageClass)
        {
            return false;
        }

        return TagStatus switch
        {
            LifecycleTagStatus.Untagged => image.Tags.Count == 0,
            LifecycleTagStatus.Any => true,
            _ => image.Tags.Count > 0
                && TagPrefixes.All(prefix => image.Tags.Any(tag => tag.StartsWith(prefix, StringComparison.Ordinal)))
                && TagPatterns.All(pattern => image.Tags.Any(tag => TagPattern.IsMatch(pattern, tag))),
        };
    }
}
