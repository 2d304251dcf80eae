-- IAM identities of each account. Users, groups and roles share one table: the same name rules, ids, paths and
-- ARNs, and IAM's case-insensitive uniqueness of names per kind.
CREATE TABLE iam_entities (
    id                   TEXT    PRIMARY KEY,
    account_id           TEXT    NOT NULL,
    kind                 TEXT    NOT NULL CHECK (kind IN ('user', 'group', 'role')),
    name                 TEXT    NOT NULL,
    path                 TEXT    NOT NULL,
    arn                  TEXT    NOT NULL,
    created_at           INTEGER NOT NULL,
    description          TEXT,
    trust_policy         TEXT,
    max_session_duration INTEGER
);
CREATE UNIQUE INDEX iam_entities_name ON iam_entities (account_id, kind, name COLLATE NOCASE);
CREATE INDEX iam_entities_arn ON iam_entities (arn);

CREATE TABLE iam_group_members (
    group_id TEXT NOT NULL REFERENCES iam_entities (id),
    user_id  TEXT NOT NULL REFERENCES iam_entities (id),
    added_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX iam_group_members_user ON iam_group_members (user_id);

-- Inline policies: documents embedded in one user, group or role.
CREATE TABLE iam_inline_policies (
    entity_id TEXT NOT NULL REFERENCES iam_entities (id),
    name      TEXT NOT NULL COLLATE NOCASE,
    document  TEXT NOT NULL,
    PRIMARY KEY (entity_id, name)
) WITHOUT ROWID;

-- Customer managed policies and their versions (v1, v2, …; at most five kept).
CREATE TABLE iam_policies (
    arn             TEXT    PRIMARY KEY,
    account_id      TEXT    NOT NULL,
    id              TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    path            TEXT    NOT NULL,
    description     TEXT,
    default_version TEXT    NOT NULL,
    next_version    INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX iam_policies_name ON iam_policies (account_id, name COLLATE NOCASE);

CREATE TABLE iam_policy_versions (
    policy_arn TEXT    NOT NULL REFERENCES iam_policies (arn) ON DELETE CASCADE,
    version_id TEXT    NOT NULL,
    document   TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (policy_arn, version_id)
) WITHOUT ROWID;

-- Managed policies attached to users, groups and roles; an AWS managed policy has no iam_policies row.
CREATE TABLE iam_attachments (
    entity_id  TEXT NOT NULL REFERENCES iam_entities (id),
    policy_arn TEXT NOT NULL,
    PRIMARY KEY (entity_id, policy_arn)
) WITHOUT ROWID;
CREATE INDEX iam_attachments_policy ON iam_attachments (policy_arn);

CREATE INDEX access_keys_principal ON access_keys (principal_arn);

-- Temporary credentials from AssumeRole: the secret encrypted with the master key, the session token only hashed.
CREATE TABLE iam_sessions (
    access_key_id     TEXT    PRIMARY KEY,
    account_id        TEXT    NOT NULL,
    role_id           TEXT    NOT NULL,
    role_arn          TEXT    NOT NULL,
    session_name      TEXT    NOT NULL,
    secret_ciphertext BLOB    NOT NULL,
    token_hash        BLOB    NOT NULL,
    created_at        INTEGER NOT NULL,
    expires_at        INTEGER NOT NULL
);
CREATE INDEX iam_sessions_expiry ON iam_sessions (expires_at);
