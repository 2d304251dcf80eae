-- The audit trail (CloudTrail-shaped events of every API call and /v2/ request) and the outbox of image events
-- (EventBridge-shaped, delivered to webhooks).

-- One row per recorded call. event_json is the whole CloudTrail event as LookupEvents' CloudTrailEvent returns it; the
-- other columns are what LookupEvents filters on. Rows are filed under the account and region the call acted on
-- (IAM and STS: us-east-1, as CloudTrail files global services) and pruned after Berth:AuditTrail:Retention.
CREATE TABLE audit_events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id      TEXT    NOT NULL,
    account_id    TEXT    NOT NULL,
    region        TEXT    NOT NULL,
    event_time    INTEGER NOT NULL,
    event_source  TEXT    NOT NULL,
    event_name    TEXT    NOT NULL,
    read_only     INTEGER NOT NULL,
    username      TEXT,
    access_key_id TEXT,
    resource_type TEXT,
    resource_name TEXT,
    event_json    TEXT    NOT NULL
);
CREATE INDEX audit_events_time ON audit_events (account_id, region, event_time, id);
CREATE INDEX audit_events_pruning ON audit_events (event_time);

-- One row per image event and webhook endpoint, written in the transaction of the change it reports (a manifest put
-- or an image deletion). status PENDING until delivered (DELIVERED) or given up (FAILED); claimed_by /
-- claim_expires_at (the database's clock) hold a node's claim, next_attempt_at delays a retry, as the replication
-- outbox does.
CREATE TABLE event_outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    endpoint         TEXT    NOT NULL,
    event_id         TEXT    NOT NULL,
    payload          TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    claimed_by       TEXT,
    claim_expires_at INTEGER,
    last_error       TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX event_outbox_due ON event_outbox (next_attempt_at, id) WHERE status = 'PENDING';
