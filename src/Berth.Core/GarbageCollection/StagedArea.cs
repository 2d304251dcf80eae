namespace Berth.Core.GarbageCollection;

/// <summary>The staged bytes of one upload in the blob store, and when they were last written.</summary>
public sealed record StagedArea(string UploadId, DateTimeOffset LastModified);
