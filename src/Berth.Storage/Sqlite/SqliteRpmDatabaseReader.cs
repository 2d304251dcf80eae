using Berth.Core.Scanning.Inventory;
using Microsoft.Data.Sqlite;

namespace Berth.Storage.Sqlite;

/// <summary>
/// Reads an rpmdb in SQLite form (rpm 4.16 and later: <c>Packages(hnum, blob)</c>) from the scanner's private copy,
/// opened read-only without a shared cache.
/// </summary>
internal sealed class SqliteRpmDatabaseReader : IRpmDatabaseReader
{
    public IReadOnlyList<byte[]> ReadHeaderBlobs(string path)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        try
        {
            using var connection = new SqliteConnection(builder.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT blob FROM Packages ORDER BY hnum";
            using var reader = command.ExecuteReader();
            var blobs = new List<byte[]>();
            while (reader.Read())
            {
                blobs.Add((byte[])reader.GetValue(0));
            }

            return blobs;
        }
        catch (SqliteException e)
        {
            throw new InvalidDataException("The rpmdb is not a readable SQLite rpm database: " + e.Message, e);
        }
    }
}
