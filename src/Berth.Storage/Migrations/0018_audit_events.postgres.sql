-- PostgreSQL twin of 0018_audit_events.sqlite.sql.

CREATE TABLE audit_events (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id      TEXT COLLATE "C" NOT NULL,
    account_id    TEXT COLLATE "C" NOT NULL,
    region        TEXT COLLATE "C" NOT NULL,
    event_time    BIGINT  NOT NULL,
    event_source  TEXT COLLATE "C" NOT NULL,
    event_name    TEXT COLLATE "C" NOT NULL,
    read_only     BOOLEAN NOT NULL,
    username      TEXT COLLATE "C",
    access_key_id TEXT COLLATE "C",
    resource_type TEXT COLLATE "C",
    resource_name TEXT COLLATE "C",
    event_json    TEXT    NOT NULL
);
CREATE INDEX audit_events_time ON audit_events (account_id, region, event_time, id);
CREATE INDEX audit_events_pruning ON audit_events (event_time);

CREATE TABLE event_outbox (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint         TEXT   NOT NULL,
    event_id         TEXT   NOT NULL,
    payload          TEXT   NOT NULL,
    status           TEXT   NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    claimed_by       TEXT,
    claim_expires_at BIGINT,
    last_error       TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX event_outbox_due ON event_outbox (next_attempt_at, id) WHERE status = 'PENDING';
