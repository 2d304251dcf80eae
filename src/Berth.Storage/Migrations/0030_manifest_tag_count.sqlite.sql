-- Listings cost in proportion to the page (issue #23). ListImages/DescribeImages with tagStatus UNTAGGED used to test
-- every manifest of the repository for a tag (66 ms for an empty page among 100,000 tagged images): manifests now
-- carry their number of tags, kept by triggers on tags (every writer of tags, present and future, keeps it right),
-- and the untagged ones have a partial index to seek in.
ALTER TABLE manifests ADD COLUMN tag_count INTEGER NOT NULL DEFAULT 0;

UPDATE manifests SET tag_count = (
    SELECT COUNT(*) FROM tags t WHERE t.repository_id = manifests.repository_id AND t.manifest_digest = manifests.digest);

CREATE INDEX manifests_untagged ON manifests (repository_id, digest) WHERE tag_count = 0;

CREATE TRIGGER tags_count_insert AFTER INSERT ON tags
BEGIN
    UPDATE manifests SET tag_count = tag_count + 1 WHERE repository_id = NEW.repository_id AND digest = NEW.manifest_digest;
END;

CREATE TRIGGER tags_count_delete AFTER DELETE ON tags
BEGIN
    UPDATE manifests SET tag_count = tag_count - 1 WHERE repository_id = OLD.repository_id AND digest = OLD.manifest_digest;
END;

-- An upsert's DO UPDATE fires UPDATE triggers; a tag re-pushed on the same digest nets to zero.
CREATE TRIGGER tags_count_update AFTER UPDATE OF repository_id, manifest_digest ON tags
BEGIN
    UPDATE manifests SET tag_count = tag_count - 1 WHERE repository_id = OLD.repository_id AND digest = OLD.manifest_digest;
    UPDATE manifests SET tag_count = tag_count + 1 WHERE repository_id = NEW.repository_id AND digest = NEW.manifest_digest;
END;

-- TAGGED listings seek the other half: every manifest is in exactly one of the two partial indexes, together the size
-- of one full index. (tags_manifest needs no name column here: an index of a WITHOUT ROWID table ends with the primary
-- key's columns, so it is already in (repository_id, manifest_digest, name) order.)
CREATE INDEX manifests_tagged ON manifests (repository_id, digest) WHERE tag_count > 0;
