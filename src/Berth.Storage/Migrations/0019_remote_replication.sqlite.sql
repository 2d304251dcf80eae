-- Destinations outside this deployment (Berth's extension, configured with `berth replication destination add`):
-- another Berth, ECR or any OCI registry reached over the distribution API at endpoint. Images pushed to
-- repositories of the source registry whose name starts with one of repository_prefixes (a JSON array; empty: every
-- repository) are queued for it. auth: none, basic (username + password) or ecr (access key id + secret access key,
-- exchanged for a GetAuthorizationToken token at endpoint, signed for signing_region). secret is sealed with the
-- master key (SecretProtector: nonce, tag, ciphertext).
CREATE TABLE replication_remote_destinations (
    name                TEXT    PRIMARY KEY,
    endpoint            TEXT    NOT NULL,
    source_account      TEXT    NOT NULL,
    source_region       TEXT    NOT NULL,
    repository_prefixes TEXT    NOT NULL,
    auth                TEXT    NOT NULL CHECK (auth IN ('none', 'basic', 'ecr')),
    username            TEXT,
    secret              BLOB,
    signing_region      TEXT,
    created_at          INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX replication_remote_destinations_source ON replication_remote_destinations (source_account, source_region);

-- An outbox row for a remote destination names it here; its destination_account and destination_region are ''.
ALTER TABLE replication_outbox ADD COLUMN remote_destination TEXT;

-- A repository of each remote destination a blob was uploaded to, so a later copy of the blob into another
-- repository there asks for a cross-repository mount from it.
CREATE TABLE replication_remote_blobs (
    destination TEXT NOT NULL,
    digest      TEXT NOT NULL,
    repository  TEXT NOT NULL,
    PRIMARY KEY (destination, digest)
) WITHOUT ROWID;
