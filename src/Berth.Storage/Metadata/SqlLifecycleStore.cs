using System.Data.Common;
using System.Text.Json;
using Berth.Core.Content;
using Berth.Core.Lifecycle;
using Berth.Core.Naming;
using Berth.Core.Registries;

namespace Berth.Storage.Metadata;

/// <summary>
/// Lifecycle policies (<c>lifecycle_policies</c>), previews (<c>lifecycle_previews</c>, results as a JSON array) and
/// image storage status (<c>image_storage</c>) of one registry. Rows go with their repository or manifest (foreign
/// keys with ON DELETE CASCADE); an insert whose repository is gone matches no row and reports false.
/// </summary>
internal sealed class SqlLifecycleStore(MetadataDatabase database, RegistryIdentity registry) : ILifecycleStore
{
    private const string RepositoryId = "(SELECT id FROM repositories WHERE account_id = @account AND region = @region AND name = @name)";

    public async ValueTask<StoredLifecyclePolicy?> FindPolicyAsync(RepositoryName repository, CancellationToken cancellationToken) =>
        await database.FirstAsync(
            $"SELECT policy_text, last_evaluated_at FROM lifecycle_policies WHERE repository_id = {RepositoryId}",
            r => new StoredLifecyclePolicy(r.GetString(0), r.IsDBNull(1) ? null : r.Time(1)), cancellationToken, Keys(repository)).ConfigureAwait(false);

    public async ValueTask<bool> SetPolicyAsync(RepositoryName repository, string policyText, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            $"""
            INSERT INTO lifecycle_policies (repository_id, policy_text, last_evaluated_at)
            SELECT id, @text, NULL FROM repositories WHERE account_id = @account AND region = @region AND name = @name
            ON CONFLICT (repository_id) DO UPDATE SET policy_text = excluded.policy_text, last_evaluated_at = NULL
            """,
            cancellationToken, [.. Keys(repository), ("@text", policyText)]).ConfigureAwait(false) > 0;

    public async ValueTask<StoredLifecyclePolicy?> DeletePolicyAsync(RepositoryName repository, CancellationToken cancellationToken) =>
        await database.FirstAsync(
            $"DELETE FROM lifecycle_policies WHERE repository_id = {RepositoryId} RETURNING policy_text, last_evaluated_at",
            r => new StoredLifecyclePolicy(r.GetString(0), r.IsDBNull(1) ? null : r.Time(1)), cancellationToken, Keys(repository)).ConfigureAwait(false);

    public async ValueTask MarkEvaluatedAsync(RepositoryName repository, string policyText, DateTimeOffset at, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            $"UPDATE lifecycle_policies SET last_evaluated_at = @at WHERE repository_id = {RepositoryId} AND policy_text = @text",
            cancellationToken, [.. Keys(repository), ("@text", policyText), ("@at", at.ToUnixTimeMilliseconds())]).ConfigureAwait(false);

    public async ValueTask<IReadOnlyList<LifecycleImage>> ListImagesAsync(RepositoryName repository, CancellationToken cancellationToken) =>
        await database.ListAsync(
            $"""
            SELECT m.digest,
                (SELECT string_agg(t.name, ',') FROM tags t WHERE t.repository_id = m.repository_id AND t.manifest_digest = m.digest),
                m.pushed_at, m.last_pull_at, s.status, s.last_archived_at,
                EXISTS (SELECT 1 FROM manifest_references x
                        WHERE x.repository_id = m.repository_id AND x.kind = 'manifest' AND x.digest = m.digest AND x.manifest_digest <> m.digest)
            FROM manifests m
            LEFT JOIN image_storage s ON s.repository_id = m.repository_id AND s.digest = m.digest
            WHERE m.repository_id = {RepositoryId}
            ORDER BY m.digest
            """,
            r => new LifecycleImage(
                Digest.Parse(r.GetString(0)),
                r.IsDBNull(1) ? [] : r.GetString(1).Split(',').Order(StringComparer.Ordinal).ToArray(),
                r.Time(2),
                r.IsDBNull(3) ? null : r.Time(3),
                r.IsDBNull(4) ? ImageStatus.Active : ParseStatus(r.GetString(4)),
                r.IsDBNull(5) ? null : r.Time(5),
                r.GetBoolean(6)),
            cancellationToken, Keys(repository)).ConfigureAwait(false);

    public async ValueTask<bool> SavePreviewAsync(RepositoryName repository, LifecyclePreview preview, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            """
            INSERT INTO lifecycle_previews (repository_id, policy_text, status, results, created_at)
            SELECT id, @text, @status, @results, @at FROM repositories WHERE account_id = @account AND region = @region AND name = @name
            ON CONFLICT (repository_id) DO UPDATE
            SET policy_text = excluded.policy_text, status = excluded.status, results = excluded.results, created_at = excluded.created_at
            """,
            cancellationToken,
            [.. Keys(repository), ("@text", preview.PolicyText), ("@status", preview.Status.ToString()), ("@results", WriteResults(preview.Results)),
             ("@at", preview.CreatedAt.ToUnixTimeMilliseconds())]).ConfigureAwait(false) > 0;

    public async ValueTask<LifecyclePreview?> FindPreviewAsync(RepositoryName repository, CancellationToken cancellationToken) =>
        await database.FirstAsync(
            $"SELECT policy_text, status, results, created_at FROM lifecycle_previews WHERE repository_id = {RepositoryId}",
            r => new LifecyclePreview(r.GetString(0), Enum.Parse<LifecyclePreviewStatus>(r.GetString(1)), ReadResults(r.GetString(2)), r.Time(3)),
            cancellationToken, Keys(repository)).ConfigureAwait(false);

    public async ValueTask<bool> SetStatusAsync(RepositoryName repository, Digest digest, ImageStatus status, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var millis = at.ToUnixTimeMilliseconds();
        var archived = status == ImageStatus.Archived;
        return await database.ExecuteAsync(
            $"""
            INSERT INTO image_storage (repository_id, digest, status, last_archived_at, last_activated_at)
            SELECT repository_id, digest, @status, CAST(@archivedAt AS BIGINT), CAST(@activatedAt AS BIGINT) FROM manifests WHERE repository_id = {RepositoryId} AND digest = @digest
            ON CONFLICT (repository_id, digest) DO UPDATE SET status = excluded.status,
                last_archived_at = COALESCE(excluded.last_archived_at, image_storage.last_archived_at),
                last_activated_at = COALESCE(excluded.last_activated_at, image_storage.last_activated_at)
            """,
            cancellationToken,
            [.. Keys(repository), ("@digest", digest.ToString()), ("@status", StatusName(status)), ("@archivedAt", archived ? millis : null),
             ("@activatedAt", archived ? null : millis)]).ConfigureAwait(false) > 0;
    }

    public async ValueTask<ImageStorageState?> FindStatusAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken) =>
        await database.FirstAsync(
            $"""
            SELECT s.status, s.last_archived_at, s.last_activated_at FROM manifests m
            LEFT JOIN image_storage s ON s.repository_id = m.repository_id AND s.digest = m.digest
            WHERE m.repository_id = {RepositoryId} AND m.digest = @digest
            """,
            r => r.IsDBNull(0)
                ? ImageStorageState.Active
                : new ImageStorageState(ParseStatus(r.GetString(0)), r.IsDBNull(1) ? null : r.Time(1), r.IsDBNull(2) ? null : r.Time(2)),
            cancellationToken, [.. Keys(repository), ("@digest", digest.ToString())]).ConfigureAwait(false);

    /// <summary>The stored name of a status: ECR's own (ACTIVE, ARCHIVED, ACTIVATING).</summary>
    public static string StatusName(ImageStatus status) => status.ToString().ToUpperInvariant();

    public static ImageStatus ParseStatus(string name) => Enum.Parse<ImageStatus>(name, ignoreCase: true);

    private (string Name, object? Value)[] Keys(RepositoryName repository) =>
        [("@account", registry.AccountId), ("@region", registry.Region), ("@name", repository.Value)];

    private static string WriteResults(IReadOnlyList<LifecyclePreviewResult> results)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var result in results)
            {
                json.WriteStartObject();
                json.WriteString("digest", result.Digest.ToString());
                json.WriteStartArray("tags");
                foreach (var tag in result.Tags)
                {
                    json.WriteStringValue(tag);
                }

                json.WriteEndArray();
                json.WriteNumber("pushedAt", result.PushedAt.ToUnixTimeMilliseconds());
                json.WriteString("action", result.Action.ToString());
                json.WriteNumber("priority", result.AppliedRulePriority);
                json.WriteString("storageClass", result.StorageClass.ToString());
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static List<LifecyclePreviewResult> ReadResults(string text)
    {
        using var document = JsonDocument.Parse(text);
        return [.. document.RootElement.EnumerateArray().Select(e => new LifecyclePreviewResult(
            Digest.Parse(e.GetProperty("digest").GetString()!),
            e.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToArray(),
            DateTimeOffset.FromUnixTimeMilliseconds(e.GetProperty("pushedAt").GetInt64()),
            Enum.Parse<LifecycleActionType>(e.GetProperty("action").GetString()!),
            e.GetProperty("priority").GetInt32(),
            Enum.Parse<ImageStorageClass>(e.GetProperty("storageClass").GetString()!)))];
    }
}
