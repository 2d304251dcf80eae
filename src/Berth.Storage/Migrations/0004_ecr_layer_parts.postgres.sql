-- PostgreSQL twin of sqlite/0004_ecr_layer_parts.sql.

-- Part bookkeeping of ECR layer uploads (UploadLayerPart): the start of the latest part and whether an earlier,
-- non-final part was under 5 MiB. The row goes with its upload session.
CREATE TABLE ecr_layer_parts (
    upload_id         TEXT PRIMARY KEY REFERENCES upload_sessions (id) ON DELETE CASCADE,
    last_part_start   BIGINT NOT NULL,
    small_part_before BOOLEAN NOT NULL
);

-- GetDownloadUrlForLayer asks whether any image of a repository references a layer.
CREATE INDEX manifest_references_digest ON manifest_references (repository_id, digest);
