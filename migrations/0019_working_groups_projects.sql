-- Working groups of the network ("difficultés de recrutement dans les SIAE",
-- since January 2021) and funded projects (seed 004: the participation cycle
-- funded by foundations), with their members, funders, activities linked to
-- events, and deliverables. Dates are ISO "YYYY-MM-DD", money in cents.
CREATE TABLE working_groups (
  id {{pk}},
  title TEXT NOT NULL,
  sort_title TEXT NOT NULL,           -- folded title: the list's order
  description TEXT NOT NULL DEFAULT '',
  organiser_id {{int}} NOT NULL REFERENCES organisations(id),  -- a delegation or the federation
  starts_on TEXT NOT NULL,
  ends_on TEXT,                       -- NULL: still running
  status TEXT NOT NULL DEFAULT 'active',  -- active, paused, closed
  search_text TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX working_groups_title ON working_groups(sort_title, id);
CREATE INDEX working_groups_organiser ON working_groups(organiser_id, id);

CREATE TABLE working_group_members (
  id {{pk}},
  working_group_id {{int}} NOT NULL REFERENCES working_groups(id) ON DELETE CASCADE,
  organisation_id {{int}} NOT NULL REFERENCES organisations(id),
  contact_id {{int}} REFERENCES contacts(id),  -- the person who comes
  role TEXT NOT NULL DEFAULT 'member',         -- pilot, member, expert
  joined_on TEXT NOT NULL,
  UNIQUE (working_group_id, organisation_id)
);
CREATE INDEX working_group_members_organisation ON working_group_members(organisation_id, working_group_id);

-- Meetings are events of the events module.
CREATE TABLE working_group_meetings (
  working_group_id {{int}} NOT NULL REFERENCES working_groups(id) ON DELETE CASCADE,
  event_id {{int}} NOT NULL REFERENCES events(id),
  PRIMARY KEY (working_group_id, event_id)
);
CREATE INDEX working_group_meetings_event ON working_group_meetings(event_id);

CREATE TABLE projects (
  id {{pk}},
  title TEXT NOT NULL,
  sort_title TEXT NOT NULL,
  goal TEXT NOT NULL DEFAULT '',
  carrier_id {{int}} NOT NULL REFERENCES organisations(id),   -- who carries it (federation, delegation)
  starts_on TEXT NOT NULL,
  ends_on TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'planned',  -- planned, running, done, cancelled
  target_participants INTEGER NOT NULL DEFAULT 0,
  contact_id {{int}} REFERENCES contacts(id),                  -- the contact person
  search_text TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX projects_title ON projects(sort_title, id);
CREATE INDEX projects_carrier ON projects(carrier_id, id);

CREATE TABLE project_funders (
  id {{pk}},
  project_id {{int}} NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  organisation_id {{int}} NOT NULL REFERENCES organisations(id),
  amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
  UNIQUE (project_id, organisation_id)
);

-- The sessions of the project (discussion cafés, experience workshops); done
-- when the linked event is done.
CREATE TABLE project_activities (
  id {{pk}},
  project_id {{int}} NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,                 -- discussion_cafe, experience_workshop, restitution, other
  title TEXT NOT NULL,
  planned_on TEXT NOT NULL,
  event_id {{int}} REFERENCES events(id),
  UNIQUE (project_id, event_id)
);
CREATE INDEX project_activities_project ON project_activities(project_id, planned_on, id);
CREATE INDEX project_activities_event ON project_activities(event_id);

-- Deliverables of a working group or of a project (exactly one of them).
CREATE TABLE deliverables (
  id {{pk}},
  working_group_id {{int}} REFERENCES working_groups(id) ON DELETE CASCADE,
  project_id {{int}} REFERENCES projects(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,                 -- synthesis, video, report, note, other
  title TEXT NOT NULL,
  dated_on TEXT,                      -- due date, or date delivered
  url TEXT NOT NULL DEFAULT '',
  file_ref TEXT NOT NULL DEFAULT '',
  duration_seconds INTEGER,           -- videos
  status TEXT NOT NULL DEFAULT 'planned',  -- planned, in_progress, delivered
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK ((working_group_id IS NULL) <> (project_id IS NULL))
);
CREATE INDEX deliverables_group ON deliverables(working_group_id, id);
CREATE INDEX deliverables_project ON deliverables(project_id, id);

-- Status changes of groups and projects: who, when, from what.
CREATE TABLE work_status_history (
  id {{pk}},
  entity TEXT NOT NULL,               -- working_group, project
  entity_id {{int}} NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  user_id {{int}} REFERENCES users(id),
  changed_at TEXT NOT NULL
);
CREATE INDEX work_status_history_entity ON work_status_history(entity, entity_id, id);
