using Berth.Core.Registries;
using System.Text.Json;
using Berth.Core.Content;
using Berth.Core.Events;
using Berth.Core.Images;
using Berth.Core.Manifests;
using Berth.Core.Naming;
using Berth.Core.Paging;
using System.Data.Common;

namespace Berth.Storage.Metadata;

internal sealed class SqlImageStore(MetadataDatabase database, RegistryIdentity registry, TimeProvider time, ImageEventEndpoints? events = null) : IImageStore
{
    private readonly ImageEventEndpoints _events = events ?? ImageEventEndpoints.None;

    public ValueTask<StoredManifest?> FindManifestAsync(RepositoryName repository, Reference reference, CancellationToken cancellationToken)
    {
        return reference.IsDigest
            ? database.ReadFirstAsync(
                """
                SELECT m.digest, m.media_type, m.content, m.subject,
                    EXISTS (SELECT 1 FROM image_storage s WHERE s.repository_id = m.repository_id AND s.digest = m.digest AND s.status = 'ARCHIVED') FROM manifests m
                JOIN repositories r ON r.id = m.repository_id
                WHERE r.account_id = @account AND r.region = @region AND r.name = @name AND m.digest = @digest
                """,
                ReadManifest,
                cancellationToken,
                ("@account", registry.AccountId), ("@region", registry.Region), ("@name", repository.Value), ("@digest", reference.Digest.Value.ToString()))
            : database.ReadFirstAsync(
                """
                SELECT m.digest, m.media_type, m.content, m.subject,
                    EXISTS (SELECT 1 FROM image_storage s WHERE s.repository_id = m.repository_id AND s.digest = m.digest AND s.status = 'ARCHIVED') FROM tags t
                JOIN repositories r ON r.id = t.repository_id
                JOIN manifests m ON m.repository_id = t.repository_id AND m.digest = t.manifest_digest
                WHERE r.account_id = @account AND r.region = @region AND r.name = @name AND t.name = @tag
                """,
                ReadManifest,
                cancellationToken,
                ("@account", registry.AccountId), ("@region", registry.Region), ("@name", repository.Value), ("@tag", reference.Tag.Value));
    }

    private static StoredManifest ReadManifest(DbDataReader reader) => new(
        Digest.Parse(reader.GetString(0)),
        reader.GetString(1),
        (byte[])reader.GetValue(2),
        reader.IsDBNull(3) ? null : Digest.Parse(reader.GetString(3)),
        reader.GetBoolean(4));

    public ValueTask<PutManifestOutcome> PutManifestAsync(RepositoryName repository, ParsedManifest manifest, Tag? tag, CancellationToken cancellationToken) =>
        PutAsync(repository, manifest, tag, checkReferences: true, cancellationToken);

    public ValueTask<PutManifestOutcome> PutUpstreamManifestAsync(RepositoryName repository, ParsedManifest manifest, Tag? tag, CancellationToken cancellationToken) =>
        PutAsync(repository, manifest, tag, checkReferences: false, cancellationToken);

    private async ValueTask<PutManifestOutcome> PutAsync(RepositoryName repository, ParsedManifest manifest, Tag? tag, bool checkReferences, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var digest = manifest.Digest.ToString();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var settings = await SqlRepositoryStore.LockSettingsAsync(connection, database, registry, repository.Value, cancellationToken).ConfigureAwait(false);
        if (settings is null)
        {
            return PutManifestOutcome.RepositoryMissing;
        }

        var (id, mutability) = settings.Value;
        var missingBlobs = checkReferences
            ? await MissingAsync(connection, "SELECT 1 FROM blob_links WHERE repository_id = @id AND digest = @digest", id, manifest.Blobs, cancellationToken).ConfigureAwait(false)
            : new List<Digest>();

        // An upstream index is cached with the children that are pulled: its size is the largest of those present.
        var (childrenMissing, largestChild) = await ChildrenAsync(connection, id, manifest.Manifests, cancellationToken).ConfigureAwait(false);
        var missingManifests = checkReferences ? childrenMissing : new List<Digest>();
        if (missingBlobs.Count > 0 || missingManifests.Count > 0)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return new PutManifestOutcome(PutManifestStatus.ReferencesMissing, missingBlobs, missingManifests);
        }

        var alreadyTagged = false;
        if (tag is not null)
        {
            var current = (string?)await connection.ScalarAsync(
                "SELECT manifest_digest FROM tags WHERE repository_id = @id AND name = @tag",
                cancellationToken, ("@id", id), ("@tag", tag.Value)).ConfigureAwait(false);
            alreadyTagged = current == digest;
            if (current is not null && !mutability.AllowsRetag(tag.Value))
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                return PutManifestOutcome.TagImmutable;
            }

            // ECR's quota of tags per image, counted under the repository's lock: racing pushes cannot pass it.
            if (!alreadyTagged && await TagCountAsync(connection, id, digest, cancellationToken).ConfigureAwait(false) >= ImageService.MaxTagsPerImage)
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                return PutManifestOutcome.TagLimitExceeded;
            }
        }

        var inserted = await connection.ExecuteAsync(
            """
            INSERT INTO manifests (repository_id, digest, media_type, artifact_type, subject, annotations, size, content, pushed_at, config_media_type, image_size)
            VALUES (@id, @digest, @mediaType, @artifactType, @subject, @annotations, @size, @content, @now, @configMediaType, @imageSize)
            ON CONFLICT (repository_id, digest) DO NOTHING
            """,
            cancellationToken,
            ("@id", id), ("@digest", digest), ("@mediaType", manifest.MediaType), ("@artifactType", manifest.ArtifactType),
            ("@subject", manifest.Subject?.ToString()),
            ("@annotations", manifest.Annotations is null ? null : JsonSerializer.Serialize(manifest.Annotations)),
            ("@size", manifest.Size), ("@content", manifest.Content.ToArray()), ("@now", now),
            ("@configMediaType", manifest.ConfigMediaType),
            ("@imageSize", MediaTypes.IsIndex(manifest.MediaType) ? largestChild : manifest.ImageSize)).ConfigureAwait(false);

        if (inserted > 0)
        {
            await InsertReferencesAsync(connection, id, digest, "blob", manifest.Blobs, cancellationToken).ConfigureAwait(false);
            await InsertReferencesAsync(connection, id, digest, "manifest", manifest.Manifests, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // ECR: an archived image "can be restored as an active image ... by re-pushing the image to the repository".
            await connection.ExecuteAsync(
                "UPDATE image_storage SET status = 'ACTIVE', last_activated_at = @now WHERE repository_id = @id AND digest = @digest AND status <> 'ACTIVE'",
                cancellationToken, ("@id", id), ("@digest", digest), ("@now", now)).ConfigureAwait(false);
        }

        if (tag is not null)
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO tags (repository_id, name, manifest_digest, updated_at) VALUES (@id, @tag, @digest, @now)
                ON CONFLICT (repository_id, name) DO UPDATE SET manifest_digest = excluded.manifest_digest, updated_at = excluded.updated_at
                """,
                cancellationToken, ("@id", id), ("@tag", tag.Value), ("@digest", digest), ("@now", now)).ConfigureAwait(false);
        }

        // The replication outbox row commits with the manifest: a push is never stored without being queued.
        if (inserted > 0 || (tag is not null && !alreadyTagged))
        {
            await SqlReplicationOutbox.EnqueueAsync(connection, database, registry, repository.Value, digest, tag?.Value, cancellationToken).ConfigureAwait(false);
            await SqlEventOutbox.EnqueueImageActionAsync(
                connection, database, _events, registry, time.GetUtcNow(), ImageActionEvent.Push, repository.Value, digest, tag?.Value, cancellationToken).ConfigureAwait(false);
        }

        // So is its scan on push: queued here, run by a worker (BackgroundJobs/ScanJob), never in the push.
        if (inserted > 0 && Core.Scanning.ScannableImage.Is(manifest.MediaType, manifest.ConfigMediaType))
        {
            await SqlScanBacklog.EnqueueOnPushAsync(connection, database, registry, id, repository.Value, mutability.ScanOnPush, digest, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return PutManifestOutcome.Stored(alreadyTagged);
    }

    /// <summary>The tags an image has (0 for one not stored), from the count the tags table's triggers keep.</summary>
    internal static async Task<long> TagCountAsync(DbConnection connection, long repositoryId, string digest, CancellationToken cancellationToken) =>
        await connection.ScalarAsync(
            "SELECT tag_count FROM manifests WHERE repository_id = @id AND digest = @digest",
            cancellationToken, ("@id", repositoryId), ("@digest", digest)).ConfigureAwait(false) is { } count
            ? Convert.ToInt64(count, System.Globalization.CultureInfo.InvariantCulture)
            : 0;

    // Tags and references go with the manifest (ON DELETE CASCADE); the image event commits with the deletion.
    public async ValueTask<bool> DeleteManifestAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken) =>
        await DeleteAsync(repository, "DELETE FROM manifests WHERE repository_id = @id AND digest = @key", digest.ToString(), digest.ToString(), null, cancellationToken).ConfigureAwait(false);

    public async ValueTask<bool> DeleteTagAsync(RepositoryName repository, Tag tag, CancellationToken cancellationToken) =>
        await DeleteAsync(repository, "DELETE FROM tags WHERE repository_id = @id AND name = @key RETURNING manifest_digest", tag.Value, null, tag.Value, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Runs a deletion of one row under the repository's lock and, when it removed something, queues the DELETE image
    /// event in the same transaction. A statement with RETURNING names the digest the event reports.
    /// </summary>
    private async Task<bool> DeleteAsync(RepositoryName repository, string sql, string key, string? digest, string? tag, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (await connection.LockRepositoryAsync(database, registry, repository.Value, cancellationToken).ConfigureAwait(false) is not { } id)
        {
            return false;
        }

        bool deleted;
        if (digest is null)
        {
            // The statement returns the digest the removed row named.
            digest = (string?)await connection.ScalarAsync(sql, cancellationToken, ("@id", id), ("@key", key)).ConfigureAwait(false);
            deleted = digest is not null;
        }
        else
        {
            deleted = await connection.ExecuteAsync(sql, cancellationToken, ("@id", id), ("@key", key)).ConfigureAwait(false) > 0;
        }

        if (deleted)
        {
            await SqlEventOutbox.EnqueueImageActionAsync(
                connection, database, _events, registry, time.GetUtcNow(), ImageActionEvent.Delete, repository.Value, digest, tag, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    public async ValueTask<Page<string>> ListTagsAsync(RepositoryName repository, PageRequest page, CancellationToken cancellationToken) =>
        await database.NamePageAsync(
            """
            SELECT t.name FROM tags t
            WHERE t.repository_id = (SELECT id FROM repositories WHERE account_id = @account AND region = @region AND name = @name)
              AND t.name > COALESCE(@after, '') ORDER BY t.name LIMIT @limit
            """,
            page.Limit, cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@name", repository.Value), ("@after", page.After), ("@limit", page.Limit + 1)).ConfigureAwait(false);

    public async ValueTask<IReadOnlyList<Descriptor>> ListReferrersAsync(RepositoryName repository, Digest subject, string? artifactType, CancellationToken cancellationToken) =>
        await database.ListAsync(
            """
            SELECT m.media_type, m.digest, m.size, m.artifact_type, m.annotations FROM manifests m
            JOIN repositories r ON r.id = m.repository_id
            WHERE r.account_id = @account AND r.region = @region AND r.name = @name AND m.subject = @subject AND (@artifactType IS NULL OR m.artifact_type = @artifactType)
            ORDER BY m.pushed_at, m.digest
            """,
            r => new Descriptor(
                r.GetString(0), Digest.Parse(r.GetString(1)), r.GetInt64(2), r.NullableString(3),
                r.IsDBNull(4) ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(4))),
            cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@name", repository.Value), ("@subject", subject.ToString()), ("@artifactType", artifactType)).ConfigureAwait(false);

    /// <summary>
    /// The children of an index the repository lacks, and the largest image size among those it holds: an index's
    /// imageSizeInBytes is "the max size of all manifests in the list" (ECR's ImageDetail), 0 for an empty one.
    /// </summary>
    private static async Task<(List<Digest> Missing, long Largest)> ChildrenAsync(
        DbConnection connection, long repositoryId, IReadOnlyList<Digest> digests, CancellationToken cancellationToken)
    {
        var missing = new List<Digest>();
        var largest = 0L;
        if (digests.Count == 0)
        {
            return (missing, largest);
        }

        await using var command = connection.Command("SELECT image_size FROM manifests WHERE repository_id = @id AND digest = @digest", ("@id", repositoryId), ("@digest", string.Empty));
        foreach (var digest in digests.Distinct())
        {
            command.Parameters["@digest"].Value = digest.ToString();
            var size = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (size is null)
            {
                missing.Add(digest);
            }
            else
            {
                largest = Math.Max(largest, Convert.ToInt64(size, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return (missing, largest);
    }

    private static async Task<List<Digest>> MissingAsync(
        DbConnection connection, string sql, long repositoryId, IReadOnlyList<Digest> digests, CancellationToken cancellationToken)
    {
        var missing = new List<Digest>();
        if (digests.Count == 0)
        {
            return missing;
        }

        await using var command = connection.Command(sql, ("@id", repositoryId), ("@digest", string.Empty));
        foreach (var digest in digests.Distinct())
        {
            command.Parameters["@digest"].Value = digest.ToString();
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                missing.Add(digest);
            }
        }

        return missing;
    }

    private static async Task InsertReferencesAsync(
        DbConnection connection, long repositoryId, string manifest, string kind, IReadOnlyList<Digest> digests, CancellationToken cancellationToken)
    {
        if (digests.Count == 0)
        {
            return;
        }

        await using var command = connection.Command(
            "INSERT INTO manifest_references (repository_id, manifest_digest, kind, digest) VALUES (@id, @manifest, @kind, @digest) ON CONFLICT DO NOTHING",
            ("@id", repositoryId), ("@manifest", manifest), ("@kind", kind), ("@digest", string.Empty));
        foreach (var digest in digests.Distinct())
        {
            command.Parameters["@digest"].Value = digest.ToString();
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
