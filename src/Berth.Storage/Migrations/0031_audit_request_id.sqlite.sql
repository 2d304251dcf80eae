-- berth explain REQUEST-ID finds a refused call's event by its request id: a column of its own with an index, instead
-- of a LIKE over every stored event's JSON (a scan of the whole trail). Events stored before this migration get the
-- requestID of their JSON (written by Berth, always valid JSON; json_valid guards the backfill all the same). The index
-- ends with the time (and the rowid) so that the newest event of an id is its last entry: no sort.
ALTER TABLE audit_events ADD COLUMN request_id TEXT;

UPDATE audit_events SET request_id = json_extract(event_json, '$.requestID') WHERE json_valid(event_json);

CREATE INDEX audit_events_request ON audit_events (request_id, event_time);
