namespace Berth.Storage.S3;

/// <summary>One object of a staged upload: its name under the upload's key prefix and its size in bytes.</summary>
internal sealed record S3Piece(string Name, long Size);
