-- IAM identities of each account. Users, groups and roles share one table: the same name rules, ids, paths and
-- ARNs, and IAM's case-insensitive uniqueness of names per kind. The PostgreSQL twin of sqlite/0007: SQLite's
-- COLLATE NOCASE (ASCII case folding; IAM names are ASCII) becomes unique indexes and comparisons on lower(name).
CREATE TABLE iam_entities (
    id                   TEXT COLLATE "C" PRIMARY KEY,
    account_id           TEXT COLLATE "C" NOT NULL,
    kind                 TEXT NOT NULL CHECK (kind IN ('user', 'group', 'role')),
    name                 TEXT COLLATE "C" NOT NULL,
    path                 TEXT COLLATE "C" NOT NULL,
    arn                  TEXT COLLATE "C" NOT NULL,
    created_at           BIGINT NOT NULL,
    description          TEXT,
    trust_policy         TEXT,
    max_session_duration INTEGER
);
CREATE UNIQUE INDEX iam_entities_name ON iam_entities (account_id, kind, lower(name));
CREATE INDEX iam_entities_arn ON iam_entities (arn);

CREATE TABLE iam_group_members (
    group_id TEXT COLLATE "C" NOT NULL REFERENCES iam_entities (id),
    user_id  TEXT COLLATE "C" NOT NULL REFERENCES iam_entities (id),
    added_at BIGINT NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX iam_group_members_user ON iam_group_members (user_id);

-- Inline policies: documents embedded in one user, group or role; names unique per entity whatever the case.
CREATE TABLE iam_inline_policies (
    entity_id TEXT COLLATE "C" NOT NULL REFERENCES iam_entities (id),
    name      TEXT COLLATE "C" NOT NULL,
    document  TEXT NOT NULL
);
CREATE UNIQUE INDEX iam_inline_policies_name ON iam_inline_policies (entity_id, lower(name));

-- Customer managed policies and their versions (v1, v2, …; at most five kept).
CREATE TABLE iam_policies (
    arn             TEXT COLLATE "C" PRIMARY KEY,
    account_id      TEXT COLLATE "C" NOT NULL,
    id              TEXT COLLATE "C" NOT NULL UNIQUE,
    name            TEXT COLLATE "C" NOT NULL,
    path            TEXT COLLATE "C" NOT NULL,
    description     TEXT,
    default_version TEXT NOT NULL,
    next_version    INTEGER NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX iam_policies_name ON iam_policies (account_id, lower(name));

CREATE TABLE iam_policy_versions (
    policy_arn TEXT COLLATE "C" NOT NULL REFERENCES iam_policies (arn) ON DELETE CASCADE,
    version_id TEXT COLLATE "C" NOT NULL,
    document   TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (policy_arn, version_id)
);

-- Managed policies attached to users, groups and roles; an AWS managed policy has no iam_policies row.
CREATE TABLE iam_attachments (
    entity_id  TEXT COLLATE "C" NOT NULL REFERENCES iam_entities (id),
    policy_arn TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (entity_id, policy_arn)
);
CREATE INDEX iam_attachments_policy ON iam_attachments (policy_arn);

CREATE INDEX access_keys_principal ON access_keys (principal_arn);

-- Temporary credentials from AssumeRole: the secret encrypted with the master key, the session token only hashed.
CREATE TABLE iam_sessions (
    access_key_id     TEXT PRIMARY KEY,
    account_id        TEXT NOT NULL,
    role_id           TEXT NOT NULL,
    role_arn          TEXT NOT NULL,
    session_name      TEXT NOT NULL,
    secret_ciphertext BYTEA NOT NULL,
    token_hash        BYTEA NOT NULL,
    created_at        BIGINT NOT NULL,
    expires_at        BIGINT NOT NULL
);
CREATE INDEX iam_sessions_expiry ON iam_sessions (expires_at);
