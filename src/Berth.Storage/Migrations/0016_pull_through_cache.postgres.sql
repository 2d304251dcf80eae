-- PostgreSQL twin of 0016_pull_through_cache.sqlite.sql.

-- Pull through cache rules (CreatePullThroughCacheRule) of each registry, keyed by the ECR repository prefix without
-- its trailing '/' (or ROOT). upstream_registry is null for upstreams of Berth's extension (any OCI registry URL).
CREATE TABLE pull_through_cache_rules (
    account_id        TEXT COLLATE "C" NOT NULL,
    region            TEXT COLLATE "C" NOT NULL,
    prefix            TEXT COLLATE "C" NOT NULL,
    upstream_url      TEXT COLLATE "C" NOT NULL,
    upstream_registry TEXT,
    credential_arn    TEXT,
    custom_role_arn   TEXT,
    upstream_prefix   TEXT COLLATE "C" NOT NULL,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    PRIMARY KEY (account_id, region, prefix)
);

-- When each cached tag was last compared with its upstream (refreshed at most once per interval).
CREATE TABLE pull_through_cache_checks (
    account_id  TEXT COLLATE "C" NOT NULL,
    region      TEXT COLLATE "C" NOT NULL,
    repository  TEXT COLLATE "C" NOT NULL,
    tag         TEXT COLLATE "C" NOT NULL,
    checked_at  BIGINT NOT NULL,
    PRIMARY KEY (account_id, region, repository, tag)
);

-- Secrets Manager secrets of each (account, region): the current version's value sealed under the master key
-- (AES-256-GCM, SecretProtector); deletion_date is set while a deletion is scheduled.
CREATE TABLE secrets (
    account_id      TEXT COLLATE "C" NOT NULL,
    region          TEXT COLLATE "C" NOT NULL,
    name            TEXT COLLATE "C" NOT NULL,
    arn             TEXT COLLATE "C" NOT NULL UNIQUE,
    description     TEXT,
    sealed_value    BYTEA NOT NULL,
    is_binary       BIGINT NOT NULL,
    version_id      TEXT COLLATE "C" NOT NULL,
    created_at      BIGINT NOT NULL,
    last_changed_at BIGINT NOT NULL,
    deletion_date   BIGINT,
    PRIMARY KEY (account_id, region, name)
);
