using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace Berth.Server.Tests.Durability;

/// <summary>
/// Checks of a data directory after a crash, made from the outside (files and the database), not through the API,
/// so that they see what the server would trust after a restart.
/// </summary>
public static class StoreConsistency
{
    /// <summary>
    /// Every file under <c>blobs/&lt;algorithm&gt;/</c> must sit at <c>&lt;algorithm&gt;/&lt;first two hex&gt;/&lt;hex&gt;</c>
    /// and hash to that name: a blob path holds the whole verified blob or nothing. Returns the digests found.
    /// </summary>
    public static async Task<IReadOnlyList<string>> AssertBlobsMatchTheirNamesAsync(string blobsDirectory)
    {
        var found = new List<string>();
        foreach (var algorithmDirectory in Directory.EnumerateDirectories(blobsDirectory))
        {
            var algorithm = Path.GetFileName(algorithmDirectory);
            if (algorithm == "_uploads")
            {
                continue;
            }

            Assert.True(algorithm is "sha256" or "sha512", $"unexpected directory {algorithmDirectory}");
            foreach (var file in Directory.EnumerateFiles(algorithmDirectory, "*", SearchOption.AllDirectories))
            {
                var hex = Path.GetFileName(file);
                var fanOut = Path.GetRelativePath(algorithmDirectory, Path.GetDirectoryName(file)!);
                Assert.True(hex.Length > 2 && fanOut == hex[..2], $"{file} is not at {algorithm}/<first two hex digits>/<hex>");
                var actual = await HashFileAsync(file, algorithm);
                Assert.True(actual == hex, $"{file} holds content whose {algorithm} is {actual}: a blob path holds bytes that are not that blob");
                found.Add($"{algorithm}:{hex}");
            }
        }

        return found;
    }

    /// <summary>
    /// SQLite's integrity_check and foreign_key_check pass, every manifest row hashes to its digest, and every blob
    /// a repository links exists on disk with the recorded size.
    /// </summary>
    public static async Task AssertDatabaseIsSoundAsync(string databasePath, string blobsDirectory)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        await connection.OpenAsync();

        Assert.Equal("ok", await ScalarAsync(connection, "PRAGMA integrity_check"));
        var violations = await ReadAsync(connection, "PRAGMA foreign_key_check", r => $"{r.GetValue(0)} row {r.GetValue(1)} -> {r.GetValue(2)}");
        Assert.True(violations.Count == 0, "foreign key violations: " + string.Join("; ", violations));

        var manifests = await ReadAsync(connection, "SELECT digest, size, content FROM manifests", r => (Digest: r.GetString(0), Size: r.GetInt64(1), Content: (byte[])r.GetValue(2)));
        foreach (var (digest, size, content) in manifests)
        {
            Assert.Equal(size, content.LongLength);
            Assert.Equal(digest, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content)));
        }

        var links = await ReadAsync(connection, "SELECT DISTINCT digest, size FROM blob_links", r => (Digest: r.GetString(0), Size: r.GetInt64(1)));
        foreach (var (digest, size) in links)
        {
            var (algorithm, hex) = (digest[..digest.IndexOf(':', StringComparison.Ordinal)], digest[(digest.IndexOf(':', StringComparison.Ordinal) + 1)..]);
            var file = new FileInfo(Path.Combine(blobsDirectory, algorithm, hex[..2], hex));
            Assert.True(file.Exists, $"a repository links {digest} but there is no file {file.FullName}");
            Assert.Equal(size, file.Length);
        }
    }

    private static async Task<string> HashFileAsync(string path, string algorithm)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1024 * 1024, FileOptions.SequentialScan | FileOptions.Asynchronous);
        var hash = algorithm == "sha512" ? await SHA512.HashDataAsync(stream) : await SHA256.HashDataAsync(stream);
        return Convert.ToHexStringLower(hash);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private static async Task<List<T>> ReadAsync<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> read)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
