-- An index's imageSizeInBytes is the largest image size among its children (ECR's ImageDetail: "If the image is a
-- manifest list, this will be the max size of all manifests in the list"), no longer the index JSON's length.
-- Twice, so that an index of indexes (two levels) sees its children's corrected sizes.
UPDATE manifests SET image_size = COALESCE((
    SELECT MAX(c.image_size) FROM manifest_references r
    JOIN manifests c ON c.repository_id = r.repository_id AND c.digest = r.digest
    WHERE r.repository_id = manifests.repository_id AND r.manifest_digest = manifests.digest AND r.kind = 'manifest'), 0)
WHERE media_type IN ('application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.oci.image.index.v1+json');

UPDATE manifests SET image_size = COALESCE((
    SELECT MAX(c.image_size) FROM manifest_references r
    JOIN manifests c ON c.repository_id = r.repository_id AND c.digest = r.digest
    WHERE r.repository_id = manifests.repository_id AND r.manifest_digest = manifests.digest AND r.kind = 'manifest'), 0)
WHERE media_type IN ('application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.oci.image.index.v1+json');
