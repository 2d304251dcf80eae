-- Background work claimed by one node at a time (ILeaseStore): a lease is held by owner until expires_at
-- (milliseconds since the epoch). Numbered 0010 to leave 0006-0009 to schema work on other branches; the runner
-- applies every missing version in order, so gaps and later lower numbers are fine.
CREATE TABLE leases (
    name       TEXT    PRIMARY KEY,
    owner      TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
