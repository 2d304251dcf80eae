-- Several registries in one deployment: a registry is (account, region), every hosted account has one in every region.
-- Rows that existed before belong to the configured default registry ($default_account, $default_region).
-- Runs with foreign keys off (the runner's rule for table rebuilds); the runner checks them before committing.
CREATE TABLE accounts (
    account_id TEXT    PRIMARY KEY,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO accounts (account_id, created_at) VALUES ($default_account, $now);
INSERT OR IGNORE INTO accounts (account_id, created_at) SELECT DISTINCT account_id, $now FROM access_keys;

-- Repository names are unique per registry, no longer per deployment. Ids are kept, so every row that hangs off a
-- repository (blob links, manifests, tags, resource tags) follows it.
CREATE TABLE repositories_new (
    id                    INTEGER PRIMARY KEY,
    account_id            TEXT    NOT NULL REFERENCES accounts (account_id),
    region                TEXT    NOT NULL,
    name                  TEXT    NOT NULL,
    created_at            INTEGER NOT NULL,
    image_tag_mutability  TEXT    NOT NULL DEFAULT 'MUTABLE',
    mutability_exclusions TEXT,
    scan_on_push          INTEGER NOT NULL DEFAULT 0,
    encryption_type       TEXT    NOT NULL DEFAULT 'AES256',
    kms_key               TEXT,
    UNIQUE (account_id, region, name)
);
INSERT INTO repositories_new (id, account_id, region, name, created_at, image_tag_mutability, mutability_exclusions, scan_on_push, encryption_type, kms_key)
SELECT id, $default_account, $default_region, name, created_at, image_tag_mutability, mutability_exclusions, scan_on_push, encryption_type, kms_key
FROM repositories;
DROP TABLE repositories;
ALTER TABLE repositories_new RENAME TO repositories;

-- An upload belongs to a repository of one registry.
ALTER TABLE upload_sessions ADD COLUMN account_id TEXT NOT NULL DEFAULT '';
ALTER TABLE upload_sessions ADD COLUMN region TEXT NOT NULL DEFAULT '';
UPDATE upload_sessions SET account_id = $default_account, region = $default_region;

-- Repository creation templates are per registry.
CREATE TABLE repository_creation_templates_new (
    account_id            TEXT    NOT NULL REFERENCES accounts (account_id),
    region                TEXT    NOT NULL,
    prefix                TEXT    NOT NULL,
    description           TEXT,
    encryption_type       TEXT    NOT NULL,
    kms_key               TEXT,
    resource_tags         TEXT    NOT NULL,
    image_tag_mutability  TEXT    NOT NULL,
    mutability_exclusions TEXT    NOT NULL,
    repository_policy     TEXT,
    lifecycle_policy      TEXT,
    applied_for           TEXT    NOT NULL,
    custom_role_arn       TEXT,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, prefix)
) WITHOUT ROWID;
INSERT INTO repository_creation_templates_new
SELECT $default_account, $default_region, prefix, description, encryption_type, kms_key, resource_tags, image_tag_mutability,
       mutability_exclusions, repository_policy, lifecycle_policy, applied_for, custom_role_arn, created_at, updated_at
FROM repository_creation_templates;
DROP TABLE repository_creation_templates;
ALTER TABLE repository_creation_templates_new RENAME TO repository_creation_templates;

-- ECR account settings are regional: 'account-setting:<name>' becomes 'account-setting:<region>:<name>'.
UPDATE account_settings SET name = 'account-setting:' || $default_region || ':' || substr(name, 17)
WHERE account_id = $default_account AND name LIKE 'account-setting:%';
