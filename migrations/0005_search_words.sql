-- Search by words: each organisation and contact has the folded words of its
-- name, commune, SIRET, e-mail… (lower case, no accents), so that a search is
-- an index range on word prefixes instead of a scan of every row.
-- Filled by the application (accents are folded in C++); `passerelle migrate`
-- rebuilds them from search_text when they are missing.
CREATE TABLE organisation_words (
  word TEXT NOT NULL,
  organisation_id {{int}} NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  PRIMARY KEY (word, organisation_id)
);
CREATE INDEX organisation_words_owner ON organisation_words(organisation_id, word);

CREATE TABLE contact_words (
  word TEXT NOT NULL,
  contact_id {{int}} NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  PRIMARY KEY (word, contact_id)
);
CREATE INDEX contact_words_owner ON contact_words(contact_id, word);
