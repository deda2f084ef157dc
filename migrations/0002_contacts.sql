-- Contacts: people at one or several organisations, not necessarily users.
CREATE TABLE contacts (
  id {{pk}},
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  sort_name TEXT NOT NULL,          -- folded "last first"
  search_text TEXT NOT NULL,
  function_title TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  mailing_consent INTEGER NOT NULL DEFAULT 0,
  mailing_consent_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX contacts_sort ON contacts(sort_name, id);

CREATE TABLE contact_organisations (
  contact_id {{int}} NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  organisation_id {{int}} NOT NULL REFERENCES organisations(id),
  PRIMARY KEY (contact_id, organisation_id)
);
CREATE INDEX contact_organisations_org ON contact_organisations(organisation_id, contact_id);
