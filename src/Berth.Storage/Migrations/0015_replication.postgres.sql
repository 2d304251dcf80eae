-- PostgreSQL twin of 0015_replication.sqlite.sql.

CREATE TABLE replication_configurations (
    account_id    TEXT COLLATE "C" NOT NULL,
    region        TEXT COLLATE "C" NOT NULL,
    configuration TEXT   NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (account_id, region)
);

CREATE TABLE replication_outbox (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_account      TEXT COLLATE "C" NOT NULL,
    source_region       TEXT COLLATE "C" NOT NULL,
    repository          TEXT COLLATE "C" NOT NULL,
    digest              TEXT COLLATE "C" NOT NULL,
    tag                 TEXT COLLATE "C",
    destination_account TEXT COLLATE "C" NOT NULL,
    destination_region  TEXT COLLATE "C" NOT NULL,
    status              TEXT   NOT NULL CHECK (status IN ('IN_PROGRESS', 'COMPLETE', 'FAILED')),
    attempts            INTEGER NOT NULL DEFAULT 0,
    next_attempt_at     BIGINT NOT NULL,
    claimed_by          TEXT,
    claim_expires_at    BIGINT,
    failure_code        TEXT,
    failure_reason      TEXT,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE INDEX replication_outbox_due ON replication_outbox (next_attempt_at, id) WHERE status = 'IN_PROGRESS';
CREATE INDEX replication_outbox_image ON replication_outbox (source_account, source_region, repository, digest);
