namespace Berth.Core.Layers;

/// <summary>
/// Part bookkeeping of an ECR layer upload. Only the start of the most recent part is kept: its size is the upload's
/// durable size minus that start, so a part interrupted after this record was written counts as empty rather than
/// wrong. <paramref name="SmallPartBefore"/> records that an earlier, now non-final part was under the minimum.
/// </summary>
public sealed record LayerParts(long LastPartStart, bool SmallPartBefore);
