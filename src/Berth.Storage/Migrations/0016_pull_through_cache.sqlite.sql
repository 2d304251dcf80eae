-- Pull through cache rules (CreatePullThroughCacheRule) of each registry, keyed by the ECR repository prefix without
-- its trailing '/' (or ROOT). upstream_registry is null for upstreams of Berth's extension (any OCI registry URL).
CREATE TABLE pull_through_cache_rules (
    account_id        TEXT NOT NULL,
    region            TEXT NOT NULL,
    prefix            TEXT NOT NULL,
    upstream_url      TEXT NOT NULL,
    upstream_registry TEXT,
    credential_arn    TEXT,
    custom_role_arn   TEXT,
    upstream_prefix   TEXT NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, prefix)
) WITHOUT ROWID;

-- When each cached tag was last compared with its upstream (refreshed at most once per interval).
CREATE TABLE pull_through_cache_checks (
    account_id  TEXT NOT NULL,
    region      TEXT NOT NULL,
    repository  TEXT NOT NULL,
    tag         TEXT NOT NULL,
    checked_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, repository, tag)
) WITHOUT ROWID;

-- Secrets Manager secrets of each (account, region): the current version's value sealed under the master key
-- (AES-256-GCM, SecretProtector); deletion_date is set while a deletion is scheduled.
CREATE TABLE secrets (
    account_id      TEXT NOT NULL,
    region          TEXT NOT NULL,
    name            TEXT NOT NULL,
    arn             TEXT NOT NULL UNIQUE,
    description     TEXT,
    sealed_value    BLOB NOT NULL,
    is_binary       INTEGER NOT NULL,
    version_id      TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    last_changed_at INTEGER NOT NULL,
    deletion_date   INTEGER,
    PRIMARY KEY (account_id, region, name)
) WITHOUT ROWID;
