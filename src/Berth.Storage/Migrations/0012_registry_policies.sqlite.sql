-- A registry's policy (PutRegistryPolicy): the JSON text as given, validated before it is stored. One per registry
-- (account, region); a registry without a policy has no row.
CREATE TABLE registry_policies (
    account_id  TEXT NOT NULL,
    region      TEXT NOT NULL,
    policy_text TEXT NOT NULL,
    PRIMARY KEY (account_id, region)
) WITHOUT ROWID;
