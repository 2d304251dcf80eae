-- Image scanning (issue 20). The registry's scanning configuration (PutRegistryScanningConfiguration), as ECR's JSON.
CREATE TABLE scanning_configurations (
    account_id    TEXT    NOT NULL,
    region        TEXT    NOT NULL,
    configuration TEXT    NOT NULL,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (account_id, region)
) WITHOUT ROWID;

-- The last scan of each image, which is also the scan queue: a row is IN_PROGRESS from the push (written in its
-- transaction), StartImageScan or a feed import until a worker completes or fails it. started_at is the last scan
-- counted against the once-a-day quota (pushes and StartImageScan, not continuous rescans); claimed_by /
-- claim_expires_at (the database's clock) hold a worker's claim. It goes with its image (ON DELETE CASCADE).
CREATE TABLE image_scans (
    repository_id     INTEGER NOT NULL,
    digest            TEXT    NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('IN_PROGRESS', 'COMPLETE', 'FAILED')),
    description       TEXT,
    queued_at         INTEGER NOT NULL,
    started_at        INTEGER NOT NULL,
    completed_at      INTEGER,
    source_updated_at INTEGER,
    severity_counts   TEXT,
    attempts          INTEGER NOT NULL DEFAULT 0,
    claimed_by        TEXT,
    claim_expires_at  INTEGER,
    PRIMARY KEY (repository_id, digest),
    FOREIGN KEY (repository_id, digest) REFERENCES manifests (repository_id, digest) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX image_scans_due ON image_scans (queued_at) WHERE status = 'IN_PROGRESS';

-- The findings of each image's last completed scan, in the order DescribeImageScanFindings pages them.
CREATE TABLE image_scan_findings (
    repository_id   INTEGER NOT NULL,
    digest          TEXT    NOT NULL,
    ordinal         INTEGER NOT NULL,
    name            TEXT    NOT NULL,
    description     TEXT,
    uri             TEXT    NOT NULL,
    severity        TEXT    NOT NULL,
    package_name    TEXT    NOT NULL,
    package_version TEXT    NOT NULL,
    cvss_vector     TEXT,
    cvss_score      REAL,
    PRIMARY KEY (repository_id, digest, ordinal),
    FOREIGN KEY (repository_id, digest) REFERENCES image_scans (repository_id, digest) ON DELETE CASCADE
) WITHOUT ROWID;

-- The imported vulnerability feed (OSV records), shared by every registry; vulnerability_feed holds the time of the
-- last import (vulnerabilitySourceUpdatedAt).
CREATE TABLE vulnerabilities (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    description TEXT,
    uri         TEXT    NOT NULL,
    severity    TEXT    NOT NULL,
    cvss_vector TEXT,
    cvss_score  REAL,
    modified_at INTEGER
) WITHOUT ROWID;

CREATE TABLE vulnerability_affected (
    vulnerability_id TEXT NOT NULL REFERENCES vulnerabilities (id) ON DELETE CASCADE,
    ecosystem        TEXT NOT NULL,
    package          TEXT NOT NULL,
    ranges           TEXT NOT NULL
);
CREATE INDEX vulnerability_affected_package ON vulnerability_affected (ecosystem, package);
CREATE INDEX vulnerability_affected_record ON vulnerability_affected (vulnerability_id);

CREATE TABLE vulnerability_feed (
    id         INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    updated_at INTEGER NOT NULL
);
