-- The referents of a scope (choosers of the follow-up pages) are read from the
-- organisations of the scope, then their roles: without this index every request
-- scanned all user_roles (14,000 referents at national scale).
CREATE INDEX user_roles_organisation ON user_roles(organisation_id, role, user_id);
