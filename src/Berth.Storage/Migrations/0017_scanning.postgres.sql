-- PostgreSQL twin of 0017_scanning.sqlite.sql. Image scanning (issue 20). The registry's scanning configuration (PutRegistryScanningConfiguration), as ECR's JSON.
CREATE TABLE scanning_configurations (
    account_id    TEXT COLLATE "C"    NOT NULL,
    region        TEXT COLLATE "C"    NOT NULL,
    configuration TEXT COLLATE "C"    NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (account_id, region)
);

-- The last scan of each image, which is also the scan queue: a row is IN_PROGRESS from the push (written in its
-- transaction), StartImageScan or a feed import until a worker completes or fails it. started_at is the last scan
-- counted against the once-a-day quota (pushes and StartImageScan, not continuous rescans); claimed_by /
-- claim_expires_at (the database's clock) hold a worker's claim. It goes with its image (ON DELETE CASCADE).
CREATE TABLE image_scans (
    repository_id     BIGINT NOT NULL,
    digest            TEXT COLLATE "C"    NOT NULL,
    status            TEXT COLLATE "C"    NOT NULL CHECK (status IN ('IN_PROGRESS', 'COMPLETE', 'FAILED')),
    description       TEXT COLLATE "C",
    queued_at         BIGINT NOT NULL,
    started_at        BIGINT NOT NULL,
    completed_at      BIGINT,
    source_updated_at BIGINT,
    severity_counts   TEXT COLLATE "C",
    attempts          INTEGER NOT NULL DEFAULT 0,
    claimed_by        TEXT COLLATE "C",
    claim_expires_at  BIGINT,
    PRIMARY KEY (repository_id, digest),
    FOREIGN KEY (repository_id, digest) REFERENCES manifests (repository_id, digest) ON DELETE CASCADE
);
CREATE INDEX image_scans_due ON image_scans (queued_at) WHERE status = 'IN_PROGRESS';

-- The findings of each image's last completed scan, in the order DescribeImageScanFindings pages them.
CREATE TABLE image_scan_findings (
    repository_id   BIGINT NOT NULL,
    digest          TEXT COLLATE "C"    NOT NULL,
    ordinal         BIGINT NOT NULL,
    name            TEXT COLLATE "C"    NOT NULL,
    description     TEXT COLLATE "C",
    uri             TEXT COLLATE "C"    NOT NULL,
    severity        TEXT COLLATE "C"    NOT NULL,
    package_name    TEXT COLLATE "C"    NOT NULL,
    package_version TEXT COLLATE "C"    NOT NULL,
    cvss_vector     TEXT COLLATE "C",
    cvss_score      DOUBLE PRECISION,
    PRIMARY KEY (repository_id, digest, ordinal),
    FOREIGN KEY (repository_id, digest) REFERENCES image_scans (repository_id, digest) ON DELETE CASCADE
);

-- The imported vulnerability feed (OSV records), shared by every registry; vulnerability_feed holds the time of the
-- last import (vulnerabilitySourceUpdatedAt).
CREATE TABLE vulnerabilities (
    id          TEXT COLLATE "C"    NOT NULL PRIMARY KEY,
    name        TEXT COLLATE "C"    NOT NULL,
    description TEXT COLLATE "C",
    uri         TEXT COLLATE "C"    NOT NULL,
    severity    TEXT COLLATE "C"    NOT NULL,
    cvss_vector TEXT COLLATE "C",
    cvss_score  DOUBLE PRECISION,
    modified_at BIGINT
);

CREATE TABLE vulnerability_affected (
    vulnerability_id TEXT COLLATE "C" NOT NULL REFERENCES vulnerabilities (id) ON DELETE CASCADE,
    ecosystem        TEXT COLLATE "C" NOT NULL,
    package          TEXT COLLATE "C" NOT NULL,
    ranges           TEXT COLLATE "C" NOT NULL
);
CREATE INDEX vulnerability_affected_package ON vulnerability_affected (ecosystem, package);
CREATE INDEX vulnerability_affected_record ON vulnerability_affected (vulnerability_id);

CREATE TABLE vulnerability_feed (
    id         BIGINT NOT NULL PRIMARY KEY CHECK (id = 1),
    updated_at BIGINT NOT NULL
);
