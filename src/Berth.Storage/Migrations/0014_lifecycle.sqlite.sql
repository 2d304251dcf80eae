-- Lifecycle policies (PutLifecyclePolicy): the text as given once validated, and when the policy last ran. Rows go
-- with their repository.
CREATE TABLE lifecycle_policies (
    repository_id     INTEGER PRIMARY KEY REFERENCES repositories (id) ON DELETE CASCADE,
    policy_text       TEXT    NOT NULL,
    last_evaluated_at INTEGER
);

-- The latest lifecycle policy preview of a repository (StartLifecyclePolicyPreview): the policy it ran and its
-- results as a JSON array, oldest image first.
CREATE TABLE lifecycle_previews (
    repository_id INTEGER PRIMARY KEY REFERENCES repositories (id) ON DELETE CASCADE,
    policy_text   TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    results       TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);

-- Images that left the STANDARD storage class (archived by a lifecycle rule or UpdateImageStorageClass), and images
-- restored since (status ACTIVE keeps lastActivatedAt). No row: an ACTIVE image never archived. GC marks from
-- manifests, so archived images keep their blobs.
CREATE TABLE image_storage (
    repository_id     INTEGER NOT NULL,
    digest            TEXT    NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('ACTIVE', 'ARCHIVED', 'ACTIVATING')),
    last_archived_at  INTEGER,
    last_activated_at INTEGER,
    PRIMARY KEY (repository_id, digest),
    FOREIGN KEY (repository_id, digest) REFERENCES manifests (repository_id, digest) ON DELETE CASCADE
) WITHOUT ROWID;

-- Principals whose pulls do not move lastRecordedPullTime (RegisterPullTimeUpdateExclusion), per registry.
CREATE TABLE pull_time_update_exclusions (
    account_id    TEXT    NOT NULL,
    region        TEXT    NOT NULL,
    principal_arn TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, principal_arn)
) WITHOUT ROWID;
