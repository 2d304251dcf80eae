-- Online garbage collection (Core/GarbageCollection). The same DDL on both engines.

-- A completing upload reserves its digest before committing the bytes, so a sweep cannot delete the blob between the
-- commit (which keeps a blob already at the address) and the link. Cleared with the session.
ALTER TABLE upload_sessions ADD COLUMN committing_digest TEXT;
CREATE INDEX upload_sessions_committing ON upload_sessions (committing_digest) WHERE committing_digest IS NOT NULL;

-- The sweep's "is anything still referring to this blob" check, by digest across repositories.
CREATE INDEX manifest_references_blob ON manifest_references (digest) WHERE kind = 'blob';

-- Stored blobs seen unreferenced, and since when (across cycles and nodes): only those unreferenced for longer than
-- the grace period are swept.
CREATE TABLE gc_candidates (
    digest             TEXT PRIMARY KEY,
    size               BIGINT NOT NULL,
    unreferenced_since BIGINT NOT NULL
);

-- Blobs whose bytes a sweep is deleting. Written only for a blob nothing references, under the digest's lock; while
-- it exists links and reservations of the digest are refused (the push waits or uploads again). Removed after the
-- bytes are gone; one left by a killed sweeper is finished by the next cycle.
CREATE TABLE gc_tombstones (
    digest     TEXT PRIMARY KEY,
    size       BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
