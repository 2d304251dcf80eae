-- A repository's policy (SetRepositoryPolicy): the JSON text as given, validated before it is stored; NULL when none.
-- It lives on the repository's row, so DeleteRepository drops it.
ALTER TABLE repositories ADD COLUMN policy_text TEXT;
