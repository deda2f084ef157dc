-- The resource library (issue 6, seeds 000 and 003): notes, letters, articles,
-- practical sheets, templates, video links and syntheses the delegation
-- "centralises and diffuses", and the pedagogical resources a PLIE sends to
-- its participants. Body in Markdown (rendered by cmark-gfm, raw HTML never
-- passed through). Dates are ISO ("2020-03-31"), instants UTC ISO.
CREATE TABLE resources (
  id {{pk}},
  kind TEXT NOT NULL,                      -- note, letter, article, sheet, template, video, synthesis
  title TEXT NOT NULL,
  summary TEXT NOT NULL DEFAULT '',
  body_markdown TEXT NOT NULL DEFAULT '',
  video_url TEXT NOT NULL DEFAULT '',      -- https:// only, for kind = video (may be set on others)
  audience TEXT NOT NULL DEFAULT 'members',-- public, members, region, staff
  region TEXT NOT NULL DEFAULT '',         -- for audience = region: organisations.region
  pedagogical INTEGER NOT NULL DEFAULT 0,  -- for participants (seed 003)
  pedagogical_topic TEXT NOT NULL DEFAULT '', -- office_tools, job_information, online_training, job_search, local_help, legal_aid
  status TEXT NOT NULL DEFAULT 'draft',    -- draft, published, archived
  published_on TEXT,                       -- the publication date shown (ISO date)
  author_organisation_id {{int}} REFERENCES organisations(id),
  created_by {{int}} REFERENCES users(id),
  updated_by {{int}} REFERENCES users(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  search_text TEXT NOT NULL DEFAULT ''
);
CREATE INDEX resources_published ON resources(status, published_on, id);
CREATE INDEX resources_audience ON resources(audience, region, status, published_on, id);

-- Themes (free labels chosen from those in use: "mesures sanitaires", "plaidoyer"…).
CREATE TABLE resource_themes (
  resource_id {{int}} NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
  theme TEXT NOT NULL,
  PRIMARY KEY (resource_id, theme)
);
CREATE INDEX resource_themes_theme ON resource_themes(theme, resource_id);

-- Files of a resource (size and type checked), stored in the database.
CREATE TABLE resource_files (
  id {{pk}},
  resource_id {{int}} NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  content {{blob}} NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  created_by {{int}} REFERENCES users(id),
  created_at TEXT NOT NULL
);
CREATE INDEX resource_files_resource ON resource_files(resource_id, id);

-- Search: the folded words of each resource with a weight (title 8, themes 4,
-- summary 2, body and file names 1; a word's weights summed), ranked by the sum
-- of the weights of the words matched. audience_key copies who may read the
-- resource ("public", "members", "region:11", "staff"; "hidden" when not
-- published) so that a member's search is read from the index alone.
CREATE TABLE resource_words (
  word TEXT NOT NULL,
  resource_id {{int}} NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
  weight INTEGER NOT NULL DEFAULT 1,
  audience_key TEXT NOT NULL DEFAULT 'hidden',
  PRIMARY KEY (word, resource_id)
);
CREATE INDEX resource_words_resource ON resource_words(resource_id);
CREATE INDEX resource_words_rank ON resource_words(word, audience_key, resource_id, weight);
CREATE INDEX resources_author ON resources(author_organisation_id, id);

-- Resources linked to a FAQ answer of the hotline (picked by staff on the entry's edit page).
CREATE TABLE faq_resources (
  faq_id {{int}} NOT NULL REFERENCES faq_entries(id) ON DELETE CASCADE,
  resource_id {{int}} NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
  PRIMARY KEY (faq_id, resource_id)
);
CREATE INDEX faq_resources_resource ON faq_resources(resource_id);

-- Moves with every write to the library (the store bumps it in the writing
-- transaction), so that a server keeps readers' result pages until the next
-- change (src/resources/store.cpp, db::StampedCache).
INSERT INTO change_stamps (name, stamp) VALUES ('resources', 0);
