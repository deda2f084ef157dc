-- Memberships (adhésions) of organisations to the network, one per organisation
-- per year, and the status rules that date them, kept as data (anchor: CiviCRM
-- civicrm_membership_status: start/end events with offsets, weight, "is current
-- member", admin-only statuses).
CREATE TABLE membership_status_rules (
  code TEXT PRIMARY KEY,            -- new, current, grace, expired, pending, cancelled
  label TEXT NOT NULL,              -- French label shown to users
  weight INTEGER NOT NULL,          -- rules are tried in this order; the first that holds wins
  is_member INTEGER NOT NULL,       -- 1 when this status counts as being a member
  manual_only INTEGER NOT NULL DEFAULT 0,   -- never computed: only set by an override (cancelled)
  unpaid_only INTEGER NOT NULL DEFAULT 0,   -- holds only while the fee is not paid (pending)
  start_event TEXT,                 -- join_date | start_date | end_date; NULL: no lower bound
  start_offset INTEGER NOT NULL DEFAULT 0,
  start_unit TEXT NOT NULL DEFAULT 'day',   -- day | month
  end_event TEXT,                   -- join_date | start_date | end_date; NULL: no upper bound
  end_offset INTEGER NOT NULL DEFAULT 0,
  end_unit TEXT NOT NULL DEFAULT 'day'
);
-- The default rules: new for the first three months after joining, current (also a
-- period paid in advance)
-- during the period, one month of grace after its end, then expired.
INSERT INTO membership_status_rules (code, label, weight, is_member, manual_only, unpaid_only, start_event, start_offset, start_unit, end_event, end_offset, end_unit) VALUES
  ('cancelled', 'Annulée', 0, 0, 1, 0, NULL, 0, 'day', NULL, 0, 'day'),
  ('pending', 'En attente de paiement', 1, 0, 0, 1, NULL, 0, 'day', 'end_date', 0, 'day'),
  ('new', 'Nouvelle', 2, 1, 0, 0, 'join_date', 0, 'day', 'join_date', 3, 'month'),
  ('current', 'En cours', 3, 1, 0, 0, NULL, 0, 'day', 'end_date', 0, 'day'),
  ('grace', 'Période de grâce', 4, 1, 0, 0, 'end_date', 1, 'day', 'end_date', 1, 'month'),
  ('expired', 'Échue', 5, 0, 0, 0, 'end_date', 1, 'month', NULL, 0, 'day');

CREATE TABLE memberships (
  id {{pk}},
  organisation_id {{int}} NOT NULL REFERENCES organisations(id),
  year INTEGER NOT NULL,
  join_date TEXT NOT NULL,          -- member since (carried over by renewals)
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL,
  fee_cents {{int}} NOT NULL DEFAULT 0,
  paid_date TEXT,
  status TEXT NOT NULL REFERENCES membership_status_rules(code),
  status_override TEXT REFERENCES membership_status_rules(code),
  override_until TEXT,              -- the override lapses after this date (NULL: until lifted)
  renewed_from_id {{int}} REFERENCES memberships(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (organisation_id, year)
);
CREATE INDEX memberships_year ON memberships(year, status, organisation_id);
CREATE INDEX memberships_end ON memberships(end_date, organisation_id);

-- Every status change: who (NULL for the daily pass), when, why.
CREATE TABLE membership_status_history (
  id {{pk}},
  membership_id {{int}} NOT NULL REFERENCES memberships(id),
  from_status TEXT,
  to_status TEXT NOT NULL,
  user_id {{int}} REFERENCES users(id),
  reason TEXT NOT NULL DEFAULT '',
  changed_at TEXT NOT NULL
);
CREATE INDEX membership_status_history_membership ON membership_status_history(membership_id, id);
