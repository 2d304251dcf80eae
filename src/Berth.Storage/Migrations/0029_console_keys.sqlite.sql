-- The web console's Data Protection key ring, shared by every node: one row per key XML element, sealed under the
-- master key (AES-256-GCM, as secret access keys are). Rows are only added.
CREATE TABLE console_keys (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT    NOT NULL UNIQUE,
    sealed_element BLOB    NOT NULL,
    created_at     INTEGER NOT NULL
);
