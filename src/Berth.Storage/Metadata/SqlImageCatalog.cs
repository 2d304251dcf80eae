using Berth.Core.Registries;
using Berth.Core.Content;
using Berth.Core.Events;
using Berth.Core.Images;
using Berth.Core.Lifecycle;
using Berth.Core.Naming;
using Berth.Core.Paging;
using System.Data.Common;

namespace Berth.Storage.Metadata;

internal sealed class SqlImageCatalog(MetadataDatabase database, RegistryIdentity registry, ImageEventEndpoints? events = null, TimeProvider? time = null) : IImageCatalog
{
    private readonly ImageEventEndpoints _events = events ?? ImageEventEndpoints.None;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    private const string DetailColumns =
        """
        m.digest, m.media_type, m.config_media_type, m.image_size, m.pushed_at, m.last_pull_at, m.subject,
        (SELECT string_agg(t.name, ',') FROM tags t WHERE t.repository_id = m.repository_id AND t.manifest_digest = m.digest) AS tag_names,
        s.status AS image_status, s.last_archived_at, s.last_activated_at
        """;

    /// <summary>The storage row of manifest <c>m</c> (none: ACTIVE, never archived).</summary>
    private const string StorageJoin = "LEFT JOIN image_storage s ON s.repository_id = m.repository_id AND s.digest = m.digest";

    /// <summary>
    /// The repository's id as a scalar subquery, not a join: PostgreSQL then scans the manifests' primary key from the
    /// cursor in digest order and stops at the page's LIMIT; through a join to repositories it sorted every manifest
    /// after the cursor first (a nested loop keeps the outer side's order only), so early pages cost the most.
    /// </summary>
    private const string RepositoryId = "(SELECT id FROM repositories WHERE account_id = @account AND region = @region AND name = @name)";


    // Every listing seeks to its cursor and reads one page: the cursor is a range on the manifests' primary key, or on
    // image_storage's status index for ARCHIVED and ACTIVATING (never "@after IS NULL OR …", which the planners cannot
    // seek with), and the tag status picks one of the two partial indexes on manifests.tag_count (kept by triggers on
    // tags, migration 0030). See docs/ARCHITECTURE.md, "Listings".
    public async ValueTask<Page<ImageId>> ListImagesAsync(RepositoryName repository, TagStatus status, ImageStatus? imageStatus, PageRequest page, CancellationToken cancellationToken)
    {
        // A key is "<digest>" (untagged entry) or "<digest> <tag>"; neither contains a space otherwise. Within a digest
        // the rows are its tags in order, or its one untagged row (t.name NULL), never both: ORDER BY t.name is exact.
        var (afterDigest, afterTag) = SplitKey(page.After);
        return await database.PageAsync(
            ListImagesSql(status, imageStatus),
            page.Limit, r => new ImageId(Digest.Parse(r.GetString(0)), r.NullableString(1)), cancellationToken,
            ("@account", registry.AccountId), ("@region", registry.Region), ("@name", repository.Value), ("@afterDigest", afterDigest ?? string.Empty), ("@afterTag", afterTag),
            ("@limit", page.Limit + 1)).ConfigureAwait(false);
    }

    public async ValueTask<Page<ImageDetail>> DescribeImagesAsync(RepositoryName repository, TagStatus status, ImageStatus? imageStatus, PageRequest page, CancellationToken cancellationToken) =>
        await database.PageAsync(
            DescribeImagesSql(status, imageStatus),
            page.Limit, ReadDetail, cancellationToken,
            ("@account", registry.AccountId), ("@region", registry.Region), ("@name", repository.Value), ("@after", page.After ?? string.Empty),
            ("@limit", page.Limit + 1)).ConfigureAwait(false);

    /// <summary>ListImages' page: keys "digest" or "digest tag" after (@afterDigest, @afterTag), @limit rows.</summary>
    internal static string ListImagesSql(TagStatus status, ImageStatus? imageStatus)
    {
        var (from, walked) = Source(imageStatus);
        return $"""
            SELECT {walked}.digest, t.name FROM {from}
            LEFT JOIN tags t ON t.repository_id = m.repository_id AND t.manifest_digest = m.digest
            WHERE {walked}.repository_id = {RepositoryId} AND {TagFilter(status)} AND {StatusFilter(imageStatus)}
              AND {walked}.digest >= @afterDigest AND ({walked}.digest > @afterDigest OR t.name > @afterTag)
            ORDER BY {walked}.digest, t.name
            LIMIT @limit
            """;
    }

    /// <summary>DescribeImages' page: images after the digest @after, @limit rows.</summary>
    internal static string DescribeImagesSql(TagStatus status, ImageStatus? imageStatus)
    {
        var (from, walked) = Source(imageStatus);
        return $"""
            SELECT {DetailColumns} FROM {from}
            {StorageJoin}
            WHERE {walked}.repository_id = {RepositoryId} AND {TagFilter(status)} AND {StatusFilter(imageStatus)}
              AND {walked}.digest > @after
            ORDER BY {walked}.digest
            LIMIT @limit
            """;
    }

    public async ValueTask<ImageDetail?> FindImageAsync(RepositoryName repository, Reference reference, CancellationToken cancellationToken) =>
        await database.FirstAsync(
            $"""
            SELECT {DetailColumns} FROM manifests m
            JOIN repositories r ON r.id = m.repository_id
            {StorageJoin}
            WHERE r.account_id = @account AND r.region = @region AND r.name = @name AND m.digest = COALESCE(@digest,
                (SELECT t.manifest_digest FROM tags t WHERE t.repository_id = r.id AND t.name = @tag))
            """,
            ReadDetail,
            cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@name", repository.Value), ("@digest", reference.Digest?.ToString()), ("@tag", reference.Tag?.Value)).ConfigureAwait(false);

    public async ValueTask RecordPullAsync(RepositoryName repository, Digest digest, DateTimeOffset at, TimeSpan interval, CancellationToken cancellationToken)
    {
        var now = at.ToUnixTimeMilliseconds();
        var threshold = now - (long)interval.TotalMilliseconds;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // On SQLite an UPDATE takes the database's single write lock even when it matches no row, which would serialize
        // every manifest GET; a read (concurrent under WAL) first finds whether this pull is due to be recorded at all.
        // On PostgreSQL the read costs what the empty UPDATE would have: one statement for a pull not due.
        if (await connection.ScalarAsync(
            """
            SELECT 1 FROM manifests
            WHERE repository_id = (SELECT id FROM repositories WHERE account_id = @account AND region = @region AND name = @name) AND digest = @digest
              AND (last_pull_at IS NULL OR last_pull_at <= @threshold)
            """,
            cancellationToken,
            ("@account", registry.AccountId), ("@region", registry.Region), ("@name", repository.Value), ("@digest", digest.ToString()), ("@threshold", threshold)).ConfigureAwait(false) is null)
        {
            return;
        }

        await connection.ExecuteAsync(
            """
            UPDATE manifests SET last_pull_at = @now
            WHERE repository_id = (SELECT id FROM repositories WHERE account_id = @account AND region = @region AND name = @name) AND digest = @digest
              AND (last_pull_at IS NULL OR last_pull_at <= @threshold)
            """,
            cancellationToken,
            ("@now", now), ("@account", registry.AccountId), ("@region", registry.Region), ("@name", repository.Value), ("@digest", digest.ToString()),
            ("@threshold", threshold)).ConfigureAwait(false);
    }

    public async ValueTask<ImageDeletion> DeleteImageAsync(RepositoryName repository, Digest? digest, Tag? tag, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (await connection.LockRepositoryAsync(database, registry, repository.Value, cancellationToken).ConfigureAwait(false) is not { } id)
        {
            return ImageDeletion.NotFound;
        }

        var target = digest?.ToString();
        if (tag is not null)
        {
            var current = (string?)await connection.ScalarAsync(
                "SELECT manifest_digest FROM tags WHERE repository_id = @id AND name = @tag",
                cancellationToken, ("@id", id), ("@tag", tag.Value)).ConfigureAwait(false);
            if (current is null)
            {
                return ImageDeletion.NotFound;
            }

            if (target is not null && target != current)
            {
                return new ImageDeletion(ImageDeletionStatus.TagDoesNotMatchDigest, Digest.Parse(current), [], []);
            }

            if (target is null && (long)(await connection.ScalarAsync(
                    "SELECT COUNT(*) FROM tags WHERE repository_id = @id AND manifest_digest = @digest",
                    cancellationToken, ("@id", id), ("@digest", current)).ConfigureAwait(false))! > 1)
            {
                // Not the image's last tag: only the tag goes.
                await connection.ExecuteAsync("DELETE FROM tags WHERE repository_id = @id AND name = @tag", cancellationToken, ("@id", id), ("@tag", tag.Value)).ConfigureAwait(false);
                await SqlEventOutbox.EnqueueImageActionAsync(
                    connection, database, _events, registry, _time.GetUtcNow(), ImageActionEvent.Delete, repository.Value, current, tag.Value, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new ImageDeletion(ImageDeletionStatus.Deleted, Digest.Parse(current), [tag.Value], []);
            }

            target = current;
        }

        if (target is null || await connection.ScalarAsync(
                "SELECT 1 FROM manifests WHERE repository_id = @id AND digest = @digest", cancellationToken, ("@id", id), ("@digest", target)).ConfigureAwait(false) is null)
        {
            return ImageDeletion.NotFound;
        }

        var parents = await ReadStringsAsync(
            connection,
            "SELECT manifest_digest FROM manifest_references WHERE repository_id = @id AND kind = 'manifest' AND digest = @digest AND manifest_digest <> @digest ORDER BY manifest_digest",
            id, target, cancellationToken).ConfigureAwait(false);
        if (parents.Count > 0)
        {
            return new ImageDeletion(ImageDeletionStatus.ReferencedByIndex, Digest.Parse(target), [], [.. parents.Select(Digest.Parse)]);
        }

        var tags = await ReadStringsAsync(
            connection, "SELECT name FROM tags WHERE repository_id = @id AND manifest_digest = @digest ORDER BY name", id, target, cancellationToken).ConfigureAwait(false);

        // Tags and references go with it (ON DELETE CASCADE).
        await connection.ExecuteAsync("DELETE FROM manifests WHERE repository_id = @id AND digest = @digest", cancellationToken, ("@id", id), ("@digest", target)).ConfigureAwait(false);
        await SqlEventOutbox.EnqueueImageActionAsync(
            connection, database, _events, registry, _time.GetUtcNow(), ImageActionEvent.Delete, repository.Value, target, tags.Count > 0 ? tags[0] : tag?.Value, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new ImageDeletion(ImageDeletionStatus.Deleted, Digest.Parse(target), tags, []) { ManifestDeleted = true };
    }

    private static ImageDetail ReadDetail(DbDataReader reader)
    {
        var tags = reader.IsDBNull(7) ? [] : reader.GetString(7).Split(',');
        Array.Sort(tags, StringComparer.Ordinal);
        return new ImageDetail(
            Digest.Parse(reader.GetString(0)),
            tags,
            reader.GetString(1),
            reader.NullableString(2),
            reader.GetInt64(3),
            reader.Time(4),
            reader.IsDBNull(5) ? null : reader.Time(5),
            reader.IsDBNull(6) ? null : Digest.Parse(reader.GetString(6)))
        {
            Storage = reader.IsDBNull(8)
                ? ImageStorageState.Active
                : new ImageStorageState(
                    Enum.Parse<ImageStatus>(reader.GetString(8), ignoreCase: true),
                    reader.IsDBNull(9) ? null : reader.Time(9),
                    reader.IsDBNull(10) ? null : reader.Time(10)),
        };
    }

    private static Task<List<string>> ReadStringsAsync(DbConnection connection, string sql, long id, string digest, CancellationToken cancellationToken) =>
        connection.ListAsync(sql, r => r.GetString(0), cancellationToken, ("@id", id), ("@digest", digest));

    private static (string? Digest, string Tag) SplitKey(string? key)
    {
        if (key is null)
        {
            return (null, string.Empty);
        }

        var space = key.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (key, string.Empty) : (key[..space], key[(space + 1)..]);
    }

    /// <summary>
    /// The rows a listing walks, and the alias of the table whose digest it seeks and orders by. ACTIVE and ANY walk
    /// the manifests' primary key from the cursor. ARCHIVED and ACTIVATING walk <c>image_storage</c> by its status
    /// index (migration 0032) and join each row's manifest: archived images are usually few, and walking the
    /// manifests to find them read every manifest of the repository for a page.
    /// </summary>
    private static (string From, string Walked) Source(ImageStatus? status) => status is ImageStatus.Archived or ImageStatus.Activating
        ? ("image_storage x JOIN manifests m ON m.repository_id = x.repository_id AND m.digest = x.digest", "x")
        : ("manifests m", "m");

    /// <summary>
    /// The image status as a literal predicate. ACTIVE is an anti-join on image_storage, where a manifest without a row
    /// is ACTIVE. Not <c>COALESCE(s.status, 'ACTIVE') = @imageStatus</c> over the LEFT JOIN: PostgreSQL estimates that
    /// predicate at 0.5% of the rows, below one page, and so sorted every manifest after the cursor instead of reading
    /// the primary key up to the page's LIMIT (100,000 images: 640-730 ms per DescribeImages page, see
    /// docs/ARCHITECTURE.md); an anti-join is estimated from image_storage's few rows, so the plan reads one page.
    /// ARCHIVED and ACTIVATING are a condition on the walked image_storage row (<see cref="Source"/>).
    /// </summary>
    private static string StatusFilter(ImageStatus? status) => status switch
    {
        null => "1 = 1",
        ImageStatus.Active => "NOT EXISTS (SELECT 1 FROM image_storage x WHERE x.repository_id = m.repository_id AND x.digest = m.digest AND x.status <> 'ACTIVE')",
        _ => $"x.status = '{status.Value.ToString().ToUpperInvariant()}'",
    };

    /// <summary>The tag status as the literal predicate each partial index of migration 0030 is defined by.</summary>
    private static string TagFilter(TagStatus status) => status switch
    {
        TagStatus.Tagged => "m.tag_count > 0",
        TagStatus.Untagged => "m.tag_count = 0",
        _ => "1 = 1",
    };
}
