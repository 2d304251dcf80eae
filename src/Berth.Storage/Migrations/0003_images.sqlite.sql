-- Which indexes list a manifest: BatchDeleteImage refuses to delete a manifest an index in the repository lists.
CREATE INDEX manifest_references_child ON manifest_references (repository_id, digest) WHERE kind = 'manifest';

-- DescribeImages/ListImages with tagStatus UNTAGGED and the "last tag" check look tags up by manifest (tags_manifest).
