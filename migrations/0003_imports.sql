-- Uploaded import files waiting for the user's choice (import the valid
-- lines, or nothing): kept in the database so any server can finish the job.
CREATE TABLE imports (
  id {{pk}},
  user_id {{int}} NOT NULL REFERENCES users(id),
  kind TEXT NOT NULL,                 -- "organisations"
  filename TEXT NOT NULL,
  content {{blob}} NOT NULL,
  default_parent_id {{int}} REFERENCES organisations(id),
  created_at TEXT NOT NULL,
  finished_at TEXT,
  outcome TEXT NOT NULL DEFAULT ''    -- "imported:N" or "cancelled"
);
CREATE INDEX imports_user ON imports(user_id, id);
