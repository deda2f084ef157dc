-- CV library search (issue 4, benchmark: 200,000 profiles, text + two filters,
-- 20 results): one row per folded word of a profile, keyed by the filters a
-- facilitator uses most (department, driving licence) before the word, and
-- carrying what the other filters and the rank need (trade word, organisation,
-- consent, availability) so that a search is an index-only range per query word.
-- Replaces cv_profile_words and cv_profile_trade_words (rebuilt from
-- cv_profiles.search_text and trade_text by `passerelle migrate` / at start).
-- Words compare byte by byte (COLLATE "C"): a prefix is one range of the index.
CREATE TABLE cv_search (
  department TEXT NOT NULL,
  licence INTEGER NOT NULL,
  word TEXT COLLATE "C" NOT NULL,
  profile_id BIGINT NOT NULL REFERENCES cv_profiles(id) ON DELETE CASCADE,
  trade INTEGER NOT NULL,
  organisation_id BIGINT NOT NULL,
  consent INTEGER NOT NULL,
  available_from TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (department, licence, word, profile_id) INCLUDE (trade, organisation_id, consent, available_from)
);
CREATE INDEX cv_search_word ON cv_search(word, profile_id)
  INCLUDE (department, licence, trade, organisation_id, consent, available_from);
CREATE INDEX cv_search_profile ON cv_search(profile_id);
DROP TABLE cv_profile_trade_words;
DROP TABLE cv_profile_words;
