-- ECR Public: each account's public registry (the registry of region key 'public' in every other table) with its
-- alias, unique across the deployment, and display name; and the catalog data of its repositories, dropped with the
-- repository. Architectures and operating systems are JSON arrays of strings; the logo is the image's bytes.
CREATE TABLE public_registries (
    account_id   TEXT    PRIMARY KEY REFERENCES accounts (account_id),
    alias        TEXT    NOT NULL UNIQUE,
    display_name TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE public_repository_catalog (
    repository_id     INTEGER PRIMARY KEY REFERENCES repositories (id) ON DELETE CASCADE,
    description       TEXT,
    about_text        TEXT,
    usage_text        TEXT,
    architectures     TEXT    NOT NULL,
    operating_systems TEXT    NOT NULL,
    logo              BLOB
);
