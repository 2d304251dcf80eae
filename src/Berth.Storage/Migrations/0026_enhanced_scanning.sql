-- ENHANCED image scanning (issue 20): the scan type a scan ran with (NULL = BASIC, as every scan before this
-- migration), each finding's ENHANCED details (EnhancedFindingDetails as JSON), and the OSV record parts only
-- ENHANCED findings show (RecordDetails as JSON: summary, published, aliases, references, database severity).
ALTER TABLE image_scans ADD COLUMN scan_type TEXT;
ALTER TABLE image_scan_findings ADD COLUMN details TEXT;
ALTER TABLE vulnerabilities ADD COLUMN details TEXT;
