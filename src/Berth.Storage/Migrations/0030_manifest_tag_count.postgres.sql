-- Listings cost in proportion to the page (issue #23). ListImages/DescribeImages with tagStatus UNTAGGED used to test
-- every manifest of the repository for a tag: manifests now carry their number of tags, kept by a trigger on tags
-- (every writer of tags, present and future, keeps it right), and the untagged ones have a partial index to seek in.
ALTER TABLE manifests ADD COLUMN tag_count integer NOT NULL DEFAULT 0;

UPDATE manifests m SET tag_count = c.n
FROM (SELECT repository_id, manifest_digest, COUNT(*) AS n FROM tags GROUP BY repository_id, manifest_digest) c
WHERE m.repository_id = c.repository_id AND m.digest = c.manifest_digest;

CREATE INDEX manifests_untagged ON manifests (repository_id, digest) WHERE tag_count = 0;

-- A moved tag changes both manifests in one UPDATE (rows locked in index order, so two moves in opposite directions
-- cannot deadlock); a tag re-pushed on the same digest nets to zero.
CREATE FUNCTION tags_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE manifests SET tag_count = tag_count + 1 WHERE repository_id = NEW.repository_id AND digest = NEW.manifest_digest;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE manifests SET tag_count = tag_count - 1 WHERE repository_id = OLD.repository_id AND digest = OLD.manifest_digest;
    ELSIF OLD.repository_id <> NEW.repository_id OR OLD.manifest_digest <> NEW.manifest_digest THEN
        UPDATE manifests SET tag_count = tag_count
            + CASE WHEN repository_id = NEW.repository_id AND digest = NEW.manifest_digest THEN 1 ELSE 0 END
            - CASE WHEN repository_id = OLD.repository_id AND digest = OLD.manifest_digest THEN 1 ELSE 0 END
        WHERE (repository_id = OLD.repository_id AND digest = OLD.manifest_digest)
           OR (repository_id = NEW.repository_id AND digest = NEW.manifest_digest);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER tags_count AFTER INSERT OR DELETE OR UPDATE OF repository_id, manifest_digest ON tags
    FOR EACH ROW EXECUTE FUNCTION tags_count();

-- TAGGED listings seek the other half: every manifest is in exactly one of the two partial indexes, together the size
-- of one full index. ListImages reads a manifest's tags in name order: the tags index ends with the name.
CREATE INDEX manifests_tagged ON manifests (repository_id, digest) WHERE tag_count > 0;
CREATE INDEX tags_manifest_name ON tags (repository_id, manifest_digest, name);
DROP INDEX tags_manifest;
