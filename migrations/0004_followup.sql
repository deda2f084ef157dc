-- Follow-up of participants (seed 003): programmes, participants, enrolments
-- with their referent, interactions, difficulties, digital autonomy,
-- resources sent, PASS IAE, and the supervisor's daily check-in.
CREATE TABLE programmes (
  id {{pk}},
  organisation_id {{int}} NOT NULL REFERENCES organisations(id),
  name TEXT NOT NULL,
  kind TEXT NOT NULL,                       -- plie, inclusion100, iae, other
  cadence_days INTEGER NOT NULL,            -- PLIE: a contact every 15 days
  max_duration_months INTEGER NOT NULL,     -- PLIE: 36 months
  created_at TEXT NOT NULL
);
CREATE INDEX programmes_org ON programmes(organisation_id, name);

CREATE TABLE programme_phases (
  id {{pk}},
  programme_id {{int}} NOT NULL REFERENCES programmes(id),
  name TEXT NOT NULL,
  position INTEGER NOT NULL
);
CREATE INDEX programme_phases_programme ON programme_phases(programme_id, position);

CREATE TABLE cohorts (
  id {{pk}},
  programme_id {{int}} NOT NULL REFERENCES programmes(id),
  name TEXT NOT NULL,                       -- "promo 1"
  start_date TEXT NOT NULL
);
CREATE INDEX cohorts_programme ON cohorts(programme_id, start_date);

CREATE TABLE participants (
  id {{pk}},
  organisation_id {{int}} NOT NULL REFERENCES organisations(id),  -- the structure that follows them
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  sort_name TEXT NOT NULL,
  search_text TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  gender TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  postcode TEXT NOT NULL DEFAULT '',
  commune TEXT NOT NULL DEFAULT '',
  commune_insee TEXT NOT NULL DEFAULT '',
  languages TEXT NOT NULL DEFAULT '',
  labour_status TEXT NOT NULL DEFAULT '',
  education_level TEXT NOT NULL DEFAULT '',
  benefits TEXT NOT NULL DEFAULT '',        -- codes separated by commas: rsa,ass,aah,are
  rqth INTEGER NOT NULL DEFAULT 0,
  qpv INTEGER NOT NULL DEFAULT 0,
  housing TEXT NOT NULL DEFAULT '',
  consent_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX participants_org ON participants(organisation_id, sort_name, id);
CREATE INDEX participants_identity ON participants(birth_date, sort_name);

CREATE TABLE enrolments (
  id {{pk}},
  participant_id {{int}} NOT NULL REFERENCES participants(id),
  programme_id {{int}} NOT NULL REFERENCES programmes(id),
  organisation_id {{int}} NOT NULL REFERENCES organisations(id),
  referent_id {{int}} NOT NULL REFERENCES users(id),
  cohort_id {{int}} REFERENCES cohorts(id),
  phase_id {{int}} REFERENCES programme_phases(id),
  status TEXT NOT NULL,                     -- active, suspended, exited
  entry_date TEXT NOT NULL,
  exit_date TEXT,
  exit_outcome TEXT,
  esf_entry TEXT NOT NULL DEFAULT '',       -- ESF snapshot at entry (JSON), stored as it was
  esf_exit TEXT NOT NULL DEFAULT '',
  -- Kept up to date with each interaction so that "À contacter" is one index range.
  last_reached_on TEXT,
  failed_streak INTEGER NOT NULL DEFAULT 0,
  next_due_on TEXT NOT NULL,
  -- First Paris day on which the rules call the person unreachable given the
  -- interactions logged so far (3 failed attempts, or twice the cadence without
  -- reaching them); NULL while the last attempt reached them or none was made.
  unreachable_on TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX enrolments_due ON enrolments(referent_id, status, next_due_on, id);
CREATE INDEX enrolments_participant ON enrolments(participant_id);
CREATE INDEX enrolments_programme ON enrolments(programme_id, status);

-- Status changes and referent transfers are rows: who, when, why.
CREATE TABLE enrolment_events (
  id {{pk}},
  enrolment_id {{int}} NOT NULL REFERENCES enrolments(id),
  at TEXT NOT NULL,
  user_id {{int}} REFERENCES users(id),
  kind TEXT NOT NULL,                       -- status, transfer
  from_value TEXT NOT NULL DEFAULT '',
  to_value TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX enrolment_events_enrolment ON enrolment_events(enrolment_id, id);

CREATE TABLE steps (
  id {{pk}},
  enrolment_id {{int}} NOT NULL REFERENCES enrolments(id),
  kind TEXT NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT,
  place TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE INDEX steps_enrolment ON steps(enrolment_id, start_date);

CREATE TABLE interactions (
  id {{pk}},
  participant_id {{int}} NOT NULL REFERENCES participants(id),
  enrolment_id {{int}} REFERENCES enrolments(id),
  at TEXT NOT NULL,                         -- UTC instant
  channel TEXT NOT NULL,
  outcome TEXT NOT NULL,
  level INTEGER NOT NULL DEFAULT 1,
  topics TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  author_id {{int}} NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL
);
CREATE INDEX interactions_participant ON interactions(participant_id, at);
CREATE INDEX interactions_at ON interactions(at, participant_id);

CREATE TABLE difficulties (
  id {{pk}},
  participant_id {{int}} NOT NULL REFERENCES participants(id),
  kind TEXT NOT NULL,
  sub_kind TEXT NOT NULL DEFAULT '',
  sensitive INTEGER NOT NULL DEFAULT 0,     -- health, psychological, domestic violence
  status TEXT NOT NULL,
  partner_organisation_id {{int}} REFERENCES organisations(id),
  identified_on TEXT NOT NULL,
  notes TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL
);
CREATE INDEX difficulties_participant ON difficulties(participant_id, id);

CREATE TABLE difficulty_events (
  id {{pk}},
  difficulty_id {{int}} NOT NULL REFERENCES difficulties(id),
  at TEXT NOT NULL,
  user_id {{int}} REFERENCES users(id),
  from_status TEXT NOT NULL DEFAULT '',
  to_status TEXT NOT NULL,
  partner_organisation_id {{int}} REFERENCES organisations(id),
  reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX difficulty_events_difficulty ON difficulty_events(difficulty_id, id);

CREATE TABLE digital_assessments (
  id {{pk}},
  participant_id {{int}} NOT NULL REFERENCES participants(id),
  assessed_on TEXT NOT NULL,
  equipment TEXT NOT NULL,
  connection TEXT NOT NULL,
  email TEXT NOT NULL,                      -- yes, with_help, no
  online_procedures TEXT NOT NULL,
  reading_writing TEXT NOT NULL,
  author_id {{int}} REFERENCES users(id),
  created_at TEXT NOT NULL
);
CREATE INDEX digital_assessments_participant ON digital_assessments(participant_id, assessed_on);

CREATE TABLE resources_sent (
  id {{pk}},
  participant_id {{int}} NOT NULL REFERENCES participants(id),
  sent_on TEXT NOT NULL,
  title TEXT NOT NULL,
  link TEXT NOT NULL DEFAULT '',
  channel TEXT NOT NULL,
  author_id {{int}} REFERENCES users(id),
  created_at TEXT NOT NULL
);
CREATE INDEX resources_sent_participant ON resources_sent(participant_id, sent_on);

CREATE TABLE pass_iae (
  id {{pk}},
  enrolment_id {{int}} NOT NULL REFERENCES enrolments(id),
  number TEXT NOT NULL UNIQUE,
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL,                   -- current end (suspensions and prolongations included), kept up to date
  created_at TEXT NOT NULL
);
CREATE INDEX pass_iae_enrolment ON pass_iae(enrolment_id);
CREATE INDEX pass_iae_end ON pass_iae(end_date, enrolment_id);

CREATE TABLE pass_iae_periods (
  id {{pk}},
  pass_id {{int}} NOT NULL REFERENCES pass_iae(id),
  kind TEXT NOT NULL,                       -- suspension, prolongation
  reason TEXT NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL,
  author_id {{int}} REFERENCES users(id),
  created_at TEXT NOT NULL
);
CREATE INDEX pass_iae_periods_pass ON pass_iae_periods(pass_id, start_date);

-- The supervisor's daily call with each referent (seed 003).
CREATE TABLE daily_checkins (
  id {{pk}},
  supervisor_id {{int}} NOT NULL REFERENCES users(id),
  referent_id {{int}} NOT NULL REFERENCES users(id),
  on_date TEXT NOT NULL,
  notes TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE INDEX daily_checkins_referent ON daily_checkins(referent_id, on_date);
