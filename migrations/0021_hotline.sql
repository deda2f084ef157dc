-- The members' hotline (issue 6, seed 000): questions of member organisations,
-- replies and internal notes, state history, attachments, SLA on business
-- hours, satisfaction ratings and the FAQ. Instants are UTC ISO
-- ("2020-03-23T08:12:00Z"); durations in business minutes.

-- The category tree an administrator edits, with its SLA targets in business minutes.
CREATE TABLE hotline_categories (
  id {{pk}},
  parent_id {{int}} REFERENCES hotline_categories(id),
  name TEXT NOT NULL,
  first_response_minutes INTEGER NOT NULL DEFAULT 480,   -- 1 business day (8 h)
  resolution_minutes INTEGER NOT NULL DEFAULT 2400,      -- 5 business days
  position INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX hotline_categories_parent ON hotline_categories(parent_id, position, id);

-- Business hours, as data: weekday 1 (Monday) … 7 (Sunday), minutes of the day
-- in Europe/Paris. French public holidays are computed (hotline/rules.cpp).
CREATE TABLE hotline_business_hours (
  weekday INTEGER NOT NULL,
  opens_minute INTEGER NOT NULL,
  closes_minute INTEGER NOT NULL,
  PRIMARY KEY (weekday, opens_minute)
);
INSERT INTO hotline_business_hours (weekday, opens_minute, closes_minute) VALUES
  (1, 540, 750), (1, 810, 1050), (2, 540, 750), (2, 810, 1050), (3, 540, 750), (3, 810, 1050),
  (4, 540, 750), (4, 810, 1050), (5, 540, 750), (5, 810, 1050);

CREATE TABLE questions (
  id {{pk}},
  organisation_id {{int}} NOT NULL REFERENCES organisations(id),
  contact_id {{int}} REFERENCES contacts(id),
  category_id {{int}} NOT NULL REFERENCES hotline_categories(id),
  channel TEXT NOT NULL,                  -- phone, email, form
  priority TEXT NOT NULL DEFAULT 'normal',-- normal, high, urgent
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'new',      -- new, open, waiting, answered, closed
  assignee_id {{int}} REFERENCES users(id),
  created_by {{int}} REFERENCES users(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  first_response_due TEXT NOT NULL,
  resolution_due TEXT NOT NULL,
  first_response_at TEXT,                 -- first reply by staff
  first_response_minutes INTEGER,         -- business minutes from creation to it
  resolved_at TEXT,                       -- last time answered or closed (cleared on reopening)
  resolution_minutes INTEGER,             -- business minutes from creation to it
  next_due TEXT NOT NULL,                 -- the next SLA instant, '9999-12-31T00:00:00Z' when none: the queue's order
  search_text TEXT NOT NULL DEFAULT ''
);
CREATE INDEX questions_next_due ON questions(next_due, id);
CREATE INDEX questions_organisation ON questions(organisation_id, id);
-- The report reads a period from these two without touching the table.
CREATE INDEX questions_created ON questions(created_at, organisation_id, category_id, first_response_minutes, resolution_minutes);
CREATE INDEX questions_resolved ON questions(resolved_at, created_at, organisation_id);

CREATE TABLE question_words (
  word TEXT NOT NULL,
  question_id {{int}} NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
  PRIMARY KEY (word, question_id)
);

-- Replies (seen by the member) and internal notes (staff only).
CREATE TABLE question_messages (
  id {{pk}},
  question_id {{int}} NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,                     -- reply, note
  by_staff INTEGER NOT NULL DEFAULT 0,
  author_id {{int}} REFERENCES users(id),
  body TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX question_messages_question ON question_messages(question_id, id);

CREATE TABLE question_history (
  id {{pk}},
  question_id {{int}} NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
  from_state TEXT,
  to_state TEXT NOT NULL,
  user_id {{int}} REFERENCES users(id),
  at TEXT NOT NULL
);
CREATE INDEX question_history_question ON question_history(question_id, id);

CREATE TABLE question_attachments (
  id {{pk}},
  question_id {{int}} NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  data {{blob}} NOT NULL,
  uploaded_by {{int}} REFERENCES users(id),
  created_at TEXT NOT NULL
);
CREATE INDEX question_attachments_question ON question_attachments(question_id, id);

-- Asked once, after closing.
CREATE TABLE question_ratings (
  question_id {{int}} PRIMARY KEY REFERENCES questions(id) ON DELETE CASCADE,
  score INTEGER NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  user_id {{int}} REFERENCES users(id),
  created_at TEXT NOT NULL
);

-- FAQ entries: written (anonymised) by staff from an answer, published after review.
CREATE TABLE faq_entries (
  id {{pk}},
  category_id {{int}} REFERENCES hotline_categories(id),
  source_question_id {{int}} REFERENCES questions(id) ON DELETE SET NULL,  -- staff only
  title TEXT NOT NULL,
  answer TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'draft',   -- draft, published
  search_text TEXT NOT NULL DEFAULT '',
  created_by {{int}} REFERENCES users(id),
  published_by {{int}} REFERENCES users(id),
  published_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX faq_entries_status ON faq_entries(status, id);

CREATE TABLE faq_words (
  word TEXT NOT NULL,
  faq_id {{int}} NOT NULL REFERENCES faq_entries(id) ON DELETE CASCADE,
  PRIMARY KEY (word, faq_id)
);
CREATE INDEX faq_words_faq ON faq_words(faq_id);
CREATE INDEX question_words_question ON question_words(question_id);
