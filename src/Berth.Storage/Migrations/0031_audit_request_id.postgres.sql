-- PostgreSQL twin of 0031_audit_request_id.sqlite.sql: the request id in a column of its own, with an index, backfilled
-- from the stored JSON (always valid JSON: Berth writes it).
ALTER TABLE audit_events ADD COLUMN request_id TEXT COLLATE "C";

UPDATE audit_events SET request_id = event_json::jsonb ->> 'requestID';

CREATE INDEX audit_events_request ON audit_events (request_id, event_time, id);
