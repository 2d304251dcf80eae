-- PostgreSQL twin of 0029_console_keys.sqlite.sql.
CREATE TABLE console_keys (
    id             BIGSERIAL PRIMARY KEY,
    name           TEXT COLLATE "C" NOT NULL UNIQUE,
    sealed_element BYTEA  NOT NULL,
    created_at     BIGINT NOT NULL
);
