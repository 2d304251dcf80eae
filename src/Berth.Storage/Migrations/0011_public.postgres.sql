-- ECR Public: each account's public registry (the registry of region key 'public' in every other table) with its
-- alias, unique across the deployment, and display name; and the catalog data of its repositories, dropped with the
-- repository. Architectures and operating systems are JSON arrays of strings; the logo is the image's bytes.
CREATE TABLE public_registries (
    account_id   TEXT COLLATE "C" PRIMARY KEY REFERENCES accounts (account_id),
    alias        TEXT COLLATE "C" NOT NULL UNIQUE,
    display_name TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL
);

CREATE TABLE public_repository_catalog (
    repository_id     BIGINT PRIMARY KEY REFERENCES repositories (id) ON DELETE CASCADE,
    description       TEXT,
    about_text        TEXT,
    usage_text        TEXT,
    architectures     TEXT NOT NULL,
    operating_systems TEXT NOT NULL,
    logo              BYTEA
);
