-- The mail outbox (issue 5; also the mailings of issue 6): every e-mail is a
-- row written in the same transaction as the change it tells about (a
-- registration committed ⇔ its confirmation queued), then sent by the sender
-- thread of `passerelle serve` or by `passerelle mail send`.
-- status: queued → sending → sent | queued again (temporary error, later) |
-- failed (refused, or too many attempts) | uncertain (the process died while
-- sending: staff check and requeue). Instants are UTC ISO.
CREATE TABLE mail_outbox (
  id {{pk}},
  kind TEXT NOT NULL,                  -- event_confirmation, event_waitlisted, event_offer, event_cancellation, event_cancelled, event_reminder…
  dedupe_key TEXT NOT NULL UNIQUE,     -- the same mail is never queued twice ("event-confirmation:12:40")
  to_address TEXT NOT NULL,
  to_name TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL,
  body_text TEXT NOT NULL,
  body_html TEXT,
  message_id TEXT NOT NULL,            -- Message-ID header, kept across attempts
  status TEXT NOT NULL DEFAULT 'queued',
  attempts INTEGER NOT NULL DEFAULT 0, -- attempts started
  next_attempt_at TEXT NOT NULL,
  lease_until TEXT,                    -- while sending: after it, the sender is presumed dead
  claim_token TEXT,                    -- which claim may record the outcome
  last_error TEXT NOT NULL DEFAULT '', -- French, for staff
  sent_at TEXT,
  registration_id {{int}} REFERENCES registrations(id),
  organisation_id {{int}} REFERENCES organisations(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX mail_outbox_due ON mail_outbox(status, next_attempt_at, id);
CREATE INDEX mail_outbox_lease ON mail_outbox(status, lease_until);
CREATE INDEX mail_outbox_status ON mail_outbox(status, id);             -- the staff list, newest first
CREATE INDEX mail_outbox_registration ON mail_outbox(registration_id);

-- Files sent with a message (the .ics of an event), with size and SHA-256.
CREATE TABLE mail_attachments (
  id {{pk}},
  mail_id {{int}} NOT NULL REFERENCES mail_outbox(id) ON DELETE CASCADE,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  content {{blob}} NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL
);
CREATE INDEX mail_attachments_mail ON mail_attachments(mail_id, id);

-- Every status change of a message: when, why, and who (NULL for the sender).
CREATE TABLE mail_status_history (
  id {{pk}},
  mail_id {{int}} NOT NULL REFERENCES mail_outbox(id) ON DELETE CASCADE,
  from_status TEXT,
  to_status TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '',
  user_id {{int}} REFERENCES users(id),
  changed_at TEXT NOT NULL
);
CREATE INDEX mail_status_history_mail ON mail_status_history(mail_id, id);
