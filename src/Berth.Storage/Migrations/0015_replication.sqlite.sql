-- Replication configuration of each registry (PutReplicationConfiguration), as the JSON of ECR's shape.
CREATE TABLE replication_configurations (
    account_id    TEXT    NOT NULL,
    region        TEXT    NOT NULL,
    configuration TEXT    NOT NULL,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (account_id, region)
) WITHOUT ROWID;

-- The replication outbox: one row per pushed image and destination, written in the transaction of the manifest push.
-- A row is IN_PROGRESS until a worker copies it (COMPLETE) or gives up (FAILED); it stays afterwards as the image's
-- replication status. claimed_by / claim_expires_at (the database's clock) hold a worker's claim; next_attempt_at
-- delays a retry. Rows name the source by (account, region, repository name), not by foreign key: a row outlives the
-- deletion of its repository and then fails with IMAGE_NOT_FOUND.
CREATE TABLE replication_outbox (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    source_account      TEXT    NOT NULL,
    source_region       TEXT    NOT NULL,
    repository          TEXT    NOT NULL,
    digest              TEXT    NOT NULL,
    tag                 TEXT,
    destination_account TEXT    NOT NULL,
    destination_region  TEXT    NOT NULL,
    status              TEXT    NOT NULL CHECK (status IN ('IN_PROGRESS', 'COMPLETE', 'FAILED')),
    attempts            INTEGER NOT NULL DEFAULT 0,
    next_attempt_at     INTEGER NOT NULL,
    claimed_by          TEXT,
    claim_expires_at    INTEGER,
    failure_code        TEXT,
    failure_reason      TEXT,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX replication_outbox_due ON replication_outbox (next_attempt_at, id) WHERE status = 'IN_PROGRESS';
CREATE INDEX replication_outbox_image ON replication_outbox (source_account, source_region, repository, digest);
