-- PostgreSQL twin of sqlite/0005_templates.sql.

-- Repository creation templates (CreateRepositoryCreationTemplate …), keyed by their prefix as created ('ROOT' included).
-- Lists are JSON: resource_tags [{"Key","Value"}], mutability_exclusions [{"FilterType","Filter"}], applied_for ["CREATE_ON_PUSH", …].
CREATE TABLE repository_creation_templates (
    prefix                TEXT COLLATE "C" PRIMARY KEY,
    description           TEXT,
    encryption_type       TEXT NOT NULL,
    kms_key               TEXT,
    resource_tags         TEXT NOT NULL,
    image_tag_mutability  TEXT NOT NULL,
    mutability_exclusions TEXT NOT NULL,
    repository_policy     TEXT,
    lifecycle_policy      TEXT,
    applied_for           TEXT NOT NULL,
    custom_role_arn       TEXT,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);
