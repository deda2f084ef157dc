-- Relationships between organisations (seed 002, the territorial diagnostic):
-- "from is <kind> of to" — France Travail is partner prescriber of Solipass,
-- a foundation is funder of a delegation — with their dates and history.
CREATE TABLE relationships (
  id {{pk}},
  from_organisation_id {{int}} NOT NULL REFERENCES organisations(id),
  to_organisation_id {{int}} NOT NULL REFERENCES organisations(id),
  kind TEXT NOT NULL,               -- partner_prescriber, co_contractor, subcontractor, funder, buyer, member_of
  start_date TEXT NOT NULL,
  end_date TEXT,                    -- NULL: still running
  note TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (from_organisation_id <> to_organisation_id)
);
CREATE INDEX relationships_from ON relationships(from_organisation_id, kind, id);
CREATE INDEX relationships_to ON relationships(to_organisation_id, kind, id);

CREATE TABLE relationship_history (
  id {{pk}},
  relationship_id {{int}} NOT NULL REFERENCES relationships(id),
  action TEXT NOT NULL,             -- created, ended
  details TEXT NOT NULL DEFAULT '',
  user_id {{int}} REFERENCES users(id),
  changed_at TEXT NOT NULL
);
CREATE INDEX relationship_history_relationship ON relationship_history(relationship_id, id);
