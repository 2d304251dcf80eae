-- Background work claimed by one node at a time (ILeaseStore): a lease is held by owner until expires_at, in
-- milliseconds of the database server's clock, so nodes with skewed clocks still agree on who holds it.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
