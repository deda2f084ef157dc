-- Events of the network (webinars, members' days, world cafés, congresses…),
-- their sessions (round tables, workshops) and the registrations of members'
-- contacts. Instants are UTC ISO ("2020-04-20T08:00:00Z"), shown in Europe/Paris.
CREATE TABLE events (
  id {{pk}},
  kind TEXT NOT NULL,                 -- webinar, videoconference, members_day, workshop, discussion_cafe, round_table, world_cafe, plenary, congress, mock_trial
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  starts_at TEXT NOT NULL,
  ends_at TEXT NOT NULL,
  venue TEXT NOT NULL DEFAULT '',
  visio_url TEXT NOT NULL DEFAULT '',
  organiser_id {{int}} NOT NULL REFERENCES organisations(id),
  capacity INTEGER,                   -- NULL: no limit
  registration_opens_at TEXT,         -- NULL: open as soon as published
  registration_closes_at TEXT,        -- NULL: until the start
  offer_hours INTEGER NOT NULL DEFAULT 48,  -- how long a freed seat stays offered
  themes TEXT NOT NULL DEFAULT '',    -- comma-separated
  search_text TEXT NOT NULL DEFAULT '',     -- folded title, themes and venue
  status TEXT NOT NULL DEFAULT 'draft',     -- draft, published, cancelled, done
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX events_start ON events(starts_at, id);
CREATE INDEX events_organiser ON events(organiser_id, starts_at, id);

-- The audience: one or several regions.
CREATE TABLE event_regions (
  event_id {{int}} NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  region TEXT NOT NULL,
  PRIMARY KEY (event_id, region)
);
CREATE INDEX event_regions_region ON event_regions(region, event_id);

CREATE TABLE event_sessions (
  id {{pk}},
  event_id {{int}} NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  theme TEXT NOT NULL DEFAULT '',
  capacity INTEGER,                   -- NULL: no limit of its own
  position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX event_sessions_event ON event_sessions(event_id, position, id);

CREATE TABLE registrations (
  id {{pk}},
  event_id {{int}} NOT NULL REFERENCES events(id),
  contact_id {{int}} NOT NULL REFERENCES contacts(id),
  organisation_id {{int}} NOT NULL REFERENCES organisations(id),  -- the member the contact comes for
  status TEXT NOT NULL,               -- registered, waitlisted, offered, awaiting_approval, cancelled, attended, no_show, expired
  offer_expires_at TEXT,              -- while offered
  dietary TEXT NOT NULL DEFAULT '',
  accessibility TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (event_id, contact_id)
);
CREATE INDEX registrations_event_status ON registrations(event_id, status, id);
CREATE INDEX registrations_organisation ON registrations(organisation_id, id);

CREATE TABLE registration_sessions (
  registration_id {{int}} NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
  session_id {{int}} NOT NULL REFERENCES event_sessions(id),
  PRIMARY KEY (registration_id, session_id)
);
CREATE INDEX registration_sessions_session ON registration_sessions(session_id, registration_id);

-- Every status change of a registration: who (NULL for the daily pass), when, why.
CREATE TABLE registration_status_history (
  id {{pk}},
  registration_id {{int}} NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
  from_status TEXT,
  to_status TEXT NOT NULL,
  user_id {{int}} REFERENCES users(id),
  reason TEXT NOT NULL DEFAULT '',
  changed_at TEXT NOT NULL
);
CREATE INDEX registration_status_history_registration ON registration_status_history(registration_id, id);
