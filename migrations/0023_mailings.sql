-- Mailings (diffusions, issue 6; seeds 000 and 003): a message composed of
-- text and published resources, sent to an audience — contacts with mailing
-- consent of member organisations (by region and kind), or the participants
-- of a programme or of a referent — through the mail outbox (0018). Each
-- recipient is a row linked to its outbox message, whose status is the
-- delivery status; the outbox's dedupe key "mailing:{id}:{address}" makes a
-- send resumed after a crash queue nobody twice.
CREATE TABLE mailings (
  id {{pk}},
  organisation_id {{int}} NOT NULL REFERENCES organisations(id), -- the sender: scope of the mailing
  subject TEXT NOT NULL,
  body_text TEXT NOT NULL DEFAULT '',
  audience TEXT NOT NULL,                       -- contacts, participants
  region TEXT NOT NULL DEFAULT '',              -- contacts: organisations.region ('' every region of the scope)
  organisation_kind TEXT NOT NULL DEFAULT '',   -- contacts: organisations.kind ('' every kind)
  programme_id {{int}} REFERENCES programmes(id),  -- participants: enrolled (active) in this programme
  referent_id {{int}} REFERENCES users(id),        -- participants: followed by this referent
  status TEXT NOT NULL DEFAULT 'draft',         -- draft, sending (queuing), sent (all queued)
  recipients_count INTEGER NOT NULL DEFAULT 0,  -- queued so far
  test_sent_at TEXT,
  send_started_at TEXT,
  sent_at TEXT,                                 -- when every recipient was queued
  created_by {{int}} REFERENCES users(id),
  sent_by {{int}} REFERENCES users(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  search_text TEXT NOT NULL DEFAULT ''          -- folded subject and text
);
CREATE INDEX mailings_status ON mailings(status, id);
CREATE INDEX mailings_organisation ON mailings(organisation_id, id);

-- The resources a mailing carries, in order.
CREATE TABLE mailing_resources (
  mailing_id {{int}} NOT NULL REFERENCES mailings(id) ON DELETE CASCADE,
  resource_id {{int}} NOT NULL REFERENCES resources(id),
  position INTEGER NOT NULL,
  PRIMARY KEY (mailing_id, resource_id)
);

-- One row per person a mailing was queued for; the delivery status is the
-- status of its mail_outbox row. The unsubscribe link carries a random
-- 256-bit token; only its SHA-256 is kept here.
CREATE TABLE mailing_recipients (
  id {{pk}},
  mailing_id {{int}} NOT NULL REFERENCES mailings(id) ON DELETE CASCADE,
  contact_id {{int}} REFERENCES contacts(id),
  participant_id {{int}} REFERENCES participants(id),
  email TEXT NOT NULL,                          -- lower-case, as deduplicated
  name TEXT NOT NULL DEFAULT '',
  organisation_name TEXT NOT NULL DEFAULT '',
  mail_id {{int}} REFERENCES mail_outbox(id),
  unsubscribe_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  UNIQUE (mailing_id, email)
);
CREATE INDEX mailing_recipients_mailing ON mailing_recipients(mailing_id, id);
CREATE INDEX mailing_recipients_participant ON mailing_recipients(participant_id, id);
CREATE INDEX mailing_recipients_mail ON mailing_recipients(mail_id);

-- Unsubscriptions through the link (no account needed): a contact's
-- mailing_consent is also set to 0; a participant is excluded by this row.
CREATE TABLE mailing_unsubscribes (
  id {{pk}},
  contact_id {{int}} REFERENCES contacts(id),
  participant_id {{int}} REFERENCES participants(id),
  email TEXT NOT NULL,
  mailing_id {{int}} REFERENCES mailings(id),
  unsubscribed_at TEXT NOT NULL
);
CREATE INDEX mailing_unsubscribes_contact ON mailing_unsubscribes(contact_id);
CREATE INDEX mailing_unsubscribes_participant ON mailing_unsubscribes(participant_id);
CREATE INDEX mailing_unsubscribes_email ON mailing_unsubscribes(email);

-- The List-Unsubscribe header of a message (RFC 2369): the recipient's
-- unsubscribe link, shown by mail clients as a "se désabonner" button.
ALTER TABLE mail_outbox ADD COLUMN list_unsubscribe TEXT NOT NULL DEFAULT '';
