-- ListImages and DescribeImages with imageStatus ARCHIVED or ACTIVATING walk image_storage by status from the cursor
-- and join each row's manifest, instead of walking every manifest of the repository to find the few archived ones
-- (SqlImageCatalog.Source). The digest last: the listings seek to their cursor and read in digest order, no sort.
-- UNIQUE (it is: the primary key is (repository_id, digest)) so that SQLite knows each entry is one image and can
-- keep ListImages' order of (digest, tag) through the join to tags; as a plain index it walked the primary key.
CREATE UNIQUE INDEX image_storage_status ON image_storage (repository_id, status, digest);
