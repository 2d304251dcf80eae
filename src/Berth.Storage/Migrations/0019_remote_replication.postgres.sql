-- PostgreSQL twin of 0019_remote_replication.sqlite.sql.

CREATE TABLE replication_remote_destinations (
    name                TEXT COLLATE "C" PRIMARY KEY,
    endpoint            TEXT   NOT NULL,
    source_account      TEXT COLLATE "C" NOT NULL,
    source_region       TEXT COLLATE "C" NOT NULL,
    repository_prefixes TEXT   NOT NULL,
    auth                TEXT   NOT NULL CHECK (auth IN ('none', 'basic', 'ecr')),
    username            TEXT,
    secret              BYTEA,
    signing_region      TEXT,
    created_at          BIGINT NOT NULL
);
CREATE INDEX replication_remote_destinations_source ON replication_remote_destinations (source_account, source_region);

ALTER TABLE replication_outbox ADD COLUMN remote_destination TEXT COLLATE "C";

CREATE TABLE replication_remote_blobs (
    destination TEXT COLLATE "C" NOT NULL,
    digest      TEXT COLLATE "C" NOT NULL,
    repository  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (destination, digest)
);
