using Berth.Storage.Sqlite;

namespace Berth.Storage.Tests;

/// <summary>The embedded migration scripts one engine runs: those of both (NNNN_name.sql) and its own (NNNN_name.dialect.sql).</summary>
internal static class MigrationScripts
{
    public static List<(int Version, string Name)> For(string dialect) =>
        typeof(SqliteDatabase).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("Berth.Storage.Migrations.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => n["Berth.Storage.Migrations.".Length..^".sql".Length].Split('.'))
            .Where(parts => parts.Length == 1 || parts[1] == dialect)
            .Select(parts => (int.Parse(parts[0][..4], System.Globalization.CultureInfo.InvariantCulture), parts[0][5..]))
            .OrderBy(s => s.Item1)
            .ToList();
}
