-- Several registries in one deployment: a registry is (account, region), every hosted account has one in every region.
-- Rows that existed before belong to the configured default registry (parameters default_account, default_region).
-- The PostgreSQL twin of sqlite/0006: columns are added in place (PostgreSQL alters constraints without a rebuild),
-- and foreign keys are checked as each statement runs.
CREATE TABLE accounts (
    account_id TEXT COLLATE "C" PRIMARY KEY,
    created_at BIGINT NOT NULL
);
INSERT INTO accounts (account_id, created_at) VALUES (@default_account, @now);
INSERT INTO accounts (account_id, created_at) SELECT DISTINCT account_id, @now FROM access_keys ON CONFLICT (account_id) DO NOTHING;

-- Repository names are unique per registry, no longer per deployment. Ids are kept, so every row that hangs off a
-- repository (blob links, manifests, tags, resource tags) follows it.
ALTER TABLE repositories ADD COLUMN account_id TEXT COLLATE "C";
ALTER TABLE repositories ADD COLUMN region TEXT COLLATE "C";
UPDATE repositories SET account_id = @default_account, region = @default_region;
ALTER TABLE repositories ALTER COLUMN account_id SET NOT NULL;
ALTER TABLE repositories ALTER COLUMN region SET NOT NULL;
ALTER TABLE repositories ADD CONSTRAINT repositories_account_fkey FOREIGN KEY (account_id) REFERENCES accounts (account_id);
ALTER TABLE repositories DROP CONSTRAINT repositories_name_key;
ALTER TABLE repositories ADD CONSTRAINT repositories_registry_name_key UNIQUE (account_id, region, name);

-- An upload belongs to a repository of one registry.
ALTER TABLE upload_sessions ADD COLUMN account_id TEXT NOT NULL DEFAULT '';
ALTER TABLE upload_sessions ADD COLUMN region TEXT NOT NULL DEFAULT '';
UPDATE upload_sessions SET account_id = @default_account, region = @default_region;

-- Repository creation templates are per registry.
ALTER TABLE repository_creation_templates ADD COLUMN account_id TEXT COLLATE "C";
ALTER TABLE repository_creation_templates ADD COLUMN region TEXT COLLATE "C";
UPDATE repository_creation_templates SET account_id = @default_account, region = @default_region;
ALTER TABLE repository_creation_templates ALTER COLUMN account_id SET NOT NULL;
ALTER TABLE repository_creation_templates ALTER COLUMN region SET NOT NULL;
ALTER TABLE repository_creation_templates ADD CONSTRAINT repository_creation_templates_account_fkey FOREIGN KEY (account_id) REFERENCES accounts (account_id);
ALTER TABLE repository_creation_templates DROP CONSTRAINT repository_creation_templates_pkey;
ALTER TABLE repository_creation_templates ADD PRIMARY KEY (account_id, region, prefix);

-- ECR account settings are regional: 'account-setting:<name>' becomes 'account-setting:<region>:<name>'.
UPDATE account_settings SET name = 'account-setting:' || @default_region || ':' || substr(name, 17)
WHERE account_id = @default_account AND name LIKE 'account-setting:%';
