-- PostgreSQL twin of sqlite/0012_registry_policies.sql.

-- A registry's policy (PutRegistryPolicy): the JSON text as given, validated before it is stored. One per registry
-- (account, region); a registry without a policy has no row.
CREATE TABLE registry_policies (
    account_id  TEXT COLLATE "C" NOT NULL,
    region      TEXT COLLATE "C" NOT NULL,
    policy_text TEXT NOT NULL,
    PRIMARY KEY (account_id, region)
);
