using System.Data.Common;
using System.Globalization;
using System.Reflection;

namespace Berth.Storage.Migrations;

/// <summary>
/// Applies the embedded scripts of <c>Migrations/</c> in the order of their numbers, each in its own transaction,
/// recording them in <c>schema_migrations</c>. One list for both engines: <c>NNNN_name.sql</c> runs on both;
/// where the DDL must differ, <c>NNNN_name.sqlite.sql</c> and <c>NNNN_name.postgres.sql</c> sit side by side with the
/// same number. Forward-only: a database newer than this build is refused. A script may use <c>@default_account</c>,
/// <c>@default_region</c> and <c>@now</c> (the configured default registry, which only the application knows);
/// <c>verify</c> runs inside each script's transaction, before commit.
/// </summary>
internal static class MigrationRunner
{
    public static async Task ApplyAsync(
        DbConnection connection,
        string dialect,
        Berth.Core.Registries.RegistryIdentity defaultRegistry,
        Func<DbConnection, DbTransaction, CancellationToken, Task> verify,
        CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["default_account"] = defaultRegistry.AccountId,
            ["default_region"] = defaultRegistry.Region,
            ["now"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        };
        await ExecuteAsync(connection, null,
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
            cancellationToken).ConfigureAwait(false);

        var applied = new HashSet<int>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT version FROM schema_migrations";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        var scripts = Scripts(dialect);
        var latest = scripts.Count == 0 ? 0 : scripts[^1].Version;
        if (applied.Count > 0 && applied.Max() > latest)
        {
            throw new InvalidOperationException($"The database schema is at version {applied.Max()}, newer than this build of Berth knows ({latest}).");
        }

        foreach (var (version, name, resource) in scripts)
        {
            if (applied.Contains(version))
            {
                continue;
            }

            string sql;
            using (var reader = new StreamReader(typeof(MigrationRunner).Assembly.GetManifestResourceStream(resource)!))
            {
                sql = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, sql, cancellationToken, parameters).ConfigureAwait(false);
            await verify(connection, transaction, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction,
                string.Create(CultureInfo.InvariantCulture, $"INSERT INTO schema_migrations (version, name, applied_at) VALUES ({version}, '{name}', {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()})"),
                cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static List<(int Version, string Name, string Resource)> Scripts(string dialect)
    {
        var prefix = typeof(MigrationRunner).Namespace + ".";
        return Assembly.GetExecutingAssembly().GetManifestResourceNames()
            .Where(r => r.StartsWith(prefix, StringComparison.Ordinal) && r.EndsWith(".sql", StringComparison.Ordinal))
            .Select(r => (Resource: r, Parts: r[prefix.Length..^4].Split('.')))
            .Where(s => s.Parts.Length == 1 || (s.Parts.Length == 2 && s.Parts[1] == dialect))
            .Select(s =>
            {
                var underscore = s.Parts[0].IndexOf('_', StringComparison.Ordinal);
                return (int.Parse(s.Parts[0][..underscore], NumberStyles.None, CultureInfo.InvariantCulture), s.Parts[0][(underscore + 1)..], s.Resource);
            })
            .OrderBy(s => s.Item1)
            .ToList();
    }

    private static async Task ExecuteAsync(
        DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, IReadOnlyDictionary<string, object>? parameters = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters ?? new Dictionary<string, object>())
        {
            if (sql.Contains('@' + name, StringComparison.Ordinal) || sql.Contains('$' + name, StringComparison.Ordinal))
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value;
                command.Parameters.Add(parameter);
            }
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
