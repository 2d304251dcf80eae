-- ECR repository settings (CreateRepository, PutImageTagMutability, PutImageScanningConfiguration).
ALTER TABLE repositories ADD COLUMN image_tag_mutability TEXT NOT NULL DEFAULT 'MUTABLE';
ALTER TABLE repositories ADD COLUMN mutability_exclusions TEXT;
ALTER TABLE repositories ADD COLUMN scan_on_push INTEGER NOT NULL DEFAULT 0;
ALTER TABLE repositories ADD COLUMN encryption_type TEXT NOT NULL DEFAULT 'AES256';
ALTER TABLE repositories ADD COLUMN kms_key TEXT;

-- Resource tags of repositories (TagResource, UntagResource, ListTagsForResource).
CREATE TABLE repository_tags (
    repository_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    key           TEXT    NOT NULL,
    value         TEXT    NOT NULL,
    PRIMARY KEY (repository_id, key)
) WITHOUT ROWID;

-- What DescribeImages reports about each manifest.
ALTER TABLE manifests ADD COLUMN config_media_type TEXT;
ALTER TABLE manifests ADD COLUMN image_size INTEGER NOT NULL DEFAULT 0;
ALTER TABLE manifests ADD COLUMN last_pull_at INTEGER;

-- Access keys: the secret is encrypted with the master key kept outside the database.
CREATE TABLE access_keys (
    access_key_id     TEXT    PRIMARY KEY,
    account_id        TEXT    NOT NULL,
    principal_arn     TEXT    NOT NULL,
    secret_ciphertext BLOB    NOT NULL,
    status            TEXT    NOT NULL DEFAULT 'Active',
    created_at        INTEGER NOT NULL
);

-- Per-account values: account settings, and the encrypted key that signs registry tokens (shared by every node).
CREATE TABLE account_settings (
    account_id TEXT NOT NULL,
    name       TEXT NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (account_id, name)
) WITHOUT ROWID;
