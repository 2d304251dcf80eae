namespace Berth.Core.Blobs;

/// <summary>
/// The blob store's state of an upload in progress: its id, how many bytes it holds, and opaque backend state
/// (for example an object store's multipart upload id). It is persisted with the upload session, so any
/// process can continue the upload.
/// </summary>
public sealed record StagedUpload(string Id, long Size, string? BackendState = null);
