-- Stamps that move whenever a family of rows changes, so that a server can keep
-- lists built from those rows (the referents, partners and programmes offered on
-- every participant's file) and know, with one primary-key read, when to rebuild them.
-- Bumped by triggers, so every writer counts: forms, imports, the command line.
-- PostgreSQL version; 0015_change_stamps.sqlite.sql is the same for SQLite.
-- Statement-level triggers: one bump per statement, however many rows it touched.
CREATE TABLE change_stamps (
  name TEXT PRIMARY KEY,
  stamp BIGINT NOT NULL DEFAULT 0
);
INSERT INTO change_stamps (name, stamp) VALUES ('directory', 0);

CREATE FUNCTION bump_directory_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE change_stamps SET stamp = stamp + 1 WHERE name = 'directory';
  RETURN NULL;
END;
$$;

CREATE TRIGGER organisations_stamp AFTER INSERT OR UPDATE OR DELETE ON organisations
FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_stamp();
CREATE TRIGGER users_stamp AFTER INSERT OR UPDATE OF display_name, disabled OR DELETE ON users
FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_stamp();
CREATE TRIGGER user_roles_stamp AFTER INSERT OR UPDATE OR DELETE ON user_roles
FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_stamp();
CREATE TRIGGER programmes_stamp AFTER INSERT OR UPDATE OR DELETE ON programmes
FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_stamp();
