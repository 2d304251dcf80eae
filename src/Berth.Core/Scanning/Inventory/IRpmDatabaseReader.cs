namespace Berth.Core.Scanning.Inventory;

/// <summary>Reads the header blobs of an rpmdb in SQLite form (a local copy the scanner extracted).</summary>
public interface IRpmDatabaseReader
{
    /// <summary>Every row of the <c>Packages</c> table; throws <see cref="InvalidDataException"/> when the file is not such a database.</summary>
    IReadOnlyList<byte[]> ReadHeaderBlobs(string path);
}
