-- Core: organisations (the network tree), accounts, sessions, tokens, audit.
CREATE TABLE organisations (
  id {{pk}},
  name TEXT NOT NULL,
  sort_name TEXT NOT NULL,          -- folded name (lower case, no accents): sort and keyset key
  search_text TEXT NOT NULL,        -- folded name, commune, SIRET…: accent-insensitive search
  kind TEXT NOT NULL,
  siret TEXT,
  address TEXT NOT NULL DEFAULT '',
  postcode TEXT NOT NULL DEFAULT '',
  commune TEXT NOT NULL DEFAULT '',
  commune_insee TEXT NOT NULL DEFAULT '',
  department TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  website TEXT NOT NULL DEFAULT '',
  parent_id {{int}} REFERENCES organisations(id),
  path TEXT NOT NULL DEFAULT '',    -- "/1/5/23/": ids from the root to this one
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX organisations_siret ON organisations(siret);
CREATE INDEX organisations_sort ON organisations(sort_name, id);
CREATE INDEX organisations_path ON organisations(path);
CREATE INDEX organisations_parent ON organisations(parent_id, sort_name, id);
CREATE INDEX organisations_kind ON organisations(kind, sort_name, id);
CREATE INDEX organisations_department ON organisations(department, sort_name, id);
CREATE INDEX organisations_region ON organisations(region, sort_name, id);

CREATE TABLE users (
  id {{pk}},
  email TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);

CREATE TABLE user_roles (
  id {{pk}},
  user_id {{int}} NOT NULL REFERENCES users(id),
  organisation_id {{int}} NOT NULL REFERENCES organisations(id),
  role TEXT NOT NULL,
  UNIQUE (user_id, organisation_id, role)
);

CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,         -- SHA-256 of the cookie value, never the value
  user_id {{int}} NOT NULL REFERENCES users(id),
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,         -- absolute timeout
  remote_addr TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
  id {{pk}},
  user_id {{int}} NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id, id);

CREATE TABLE login_failures (
  id {{pk}},
  key TEXT NOT NULL,                -- "account:EMAIL" or "address:IP"
  at TEXT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, at);

CREATE TABLE audit_log (
  id {{pk}},
  at TEXT NOT NULL,
  user_id {{int}} REFERENCES users(id),
  action TEXT NOT NULL,
  entity TEXT NOT NULL DEFAULT '',
  entity_id {{int}} NOT NULL DEFAULT 0,
  detail TEXT NOT NULL DEFAULT '',
  remote_addr TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_action ON audit_log(action, id);
CREATE INDEX audit_log_at ON audit_log(at, id);
