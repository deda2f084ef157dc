-- Stamps that move whenever a family of rows changes, so that a server can keep
-- lists built from those rows (the referents, partners and programmes offered on
-- every participant's file) and know, with one primary-key read, when to rebuild them.
-- Bumped by triggers, so every writer counts: forms, imports, the command line.
-- SQLite version; 0015_change_stamps.postgres.sql is the same for PostgreSQL.
CREATE TABLE change_stamps (
  name TEXT PRIMARY KEY,
  stamp INTEGER NOT NULL DEFAULT 0
);
INSERT INTO change_stamps (name, stamp) VALUES ('directory', 0);

CREATE TRIGGER organisations_stamp_insert AFTER INSERT ON organisations
BEGIN UPDATE change_stamps SET stamp = stamp + 1 WHERE name = 'directory'; END;
CREATE TRIGGER organisations_stamp_update AFTER UPDATE ON organisations
BEGIN UPDATE change_stamps SET stamp = stamp + 1 WHERE name = 'directory'; END;
CREATE TRIGGER organisations_stamp_delete AFTER DELETE ON organisations
BEGIN UPDATE change_stamps SET stamp = stamp + 1 WHERE name = 'directory'; END;

CREATE TRIGGER users_stamp_insert AFTER INSERT ON users
BEGIN UPDATE change_stamps SET stamp = stamp + 1 WHERE name = 'directory'; END;
CREATE TRIGGER users_stamp_update AFTER UPDATE OF display_name, disabled ON users
BEGIN UPDATE change_stamps SET stamp = stamp + 1 WHERE name = 'directory'; END;
CREATE TRIGGER users_stamp_delete AFTER DELETE ON users
BEGIN UPDATE change_stamps SET stamp = stamp + 1 WHERE name = 'directory'; END;

CREATE TRIGGER user_roles_stamp_insert AFTER INSERT ON user_roles
BEGIN UPDATE change_stamps SET stamp = stamp + 1 WHERE name = 'directory'; END;
CREATE TRIGGER user_roles_stamp_update AFTER UPDATE ON user_roles
BEGIN UPDATE change_stamps SET stamp = stamp + 1 WHERE name = 'directory'; END;
CREATE TRIGGER user_roles_stamp_delete AFTER DELETE ON user_roles
BEGIN UPDATE change_stamps SET stamp = stamp + 1 WHERE name = 'directory'; END;

CREATE TRIGGER programmes_stamp_insert AFTER INSERT ON programmes
BEGIN UPDATE change_stamps SET stamp = stamp + 1 WHERE name = 'directory'; END;
CREATE TRIGGER programmes_stamp_update AFTER UPDATE ON programmes
BEGIN UPDATE change_stamps SET stamp = stamp + 1 WHERE name = 'directory'; END;
CREATE TRIGGER programmes_stamp_delete AFTER DELETE ON programmes
BEGIN UPDATE change_stamps SET stamp = stamp + 1 WHERE name = 'directory'; END;
