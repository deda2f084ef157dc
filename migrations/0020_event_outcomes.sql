-- What remains of an event once it is over (issue 5, "Outcomes"): a synthesis,
-- video links, and the next date announced to the same audience (seed 001:
-- "prochaine journée des adhérents le 6 avril").
ALTER TABLE events ADD COLUMN synthesis TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN next_event_id {{int}} REFERENCES events(id);

CREATE TABLE event_videos (
  id {{pk}},
  event_id {{int}} NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  url TEXT NOT NULL,
  position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX event_videos_event ON event_videos(event_id, position, id);

-- Who may register (issue 5): contacts of members only (a membership that
-- counts today), or anyone; and whether staff approve each registration first.
ALTER TABLE events ADD COLUMN open_to_all INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN requires_approval INTEGER NOT NULL DEFAULT 0;

-- Reports read every registration of a period's events: event, member, status
-- from the index alone.
CREATE INDEX registrations_event_organisation ON registrations(event_id, organisation_id, status);

-- Speakers of an event (issue 5): a contact and the organisation they speak for.
CREATE TABLE event_speakers (
  id {{pk}},
  event_id {{int}} NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  contact_id {{int}} NOT NULL REFERENCES contacts(id),
  organisation_id {{int}} NOT NULL REFERENCES organisations(id),
  topic TEXT NOT NULL DEFAULT '',
  position INTEGER NOT NULL DEFAULT 0,
  UNIQUE (event_id, contact_id)
);
CREATE INDEX event_speakers_contact ON event_speakers(contact_id);
