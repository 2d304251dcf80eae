-- PostgreSQL twin of 0014_lifecycle.sqlite.sql.

CREATE TABLE lifecycle_policies (
    repository_id     BIGINT PRIMARY KEY REFERENCES repositories (id) ON DELETE CASCADE,
    policy_text       TEXT   NOT NULL,
    last_evaluated_at BIGINT
);

CREATE TABLE lifecycle_previews (
    repository_id BIGINT PRIMARY KEY REFERENCES repositories (id) ON DELETE CASCADE,
    policy_text   TEXT   NOT NULL,
    status        TEXT   NOT NULL,
    results       TEXT   NOT NULL,
    created_at    BIGINT NOT NULL
);

CREATE TABLE image_storage (
    repository_id     BIGINT NOT NULL,
    digest            TEXT COLLATE "C" NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('ACTIVE', 'ARCHIVED', 'ACTIVATING')),
    last_archived_at  BIGINT,
    last_activated_at BIGINT,
    PRIMARY KEY (repository_id, digest),
    FOREIGN KEY (repository_id, digest) REFERENCES manifests (repository_id, digest) ON DELETE CASCADE
);

CREATE TABLE pull_time_update_exclusions (
    account_id    TEXT COLLATE "C" NOT NULL,
    region        TEXT COLLATE "C" NOT NULL,
    principal_arn TEXT COLLATE "C" NOT NULL,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (account_id, region, principal_arn)
);
