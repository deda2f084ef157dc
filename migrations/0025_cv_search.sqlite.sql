-- CV library search (issue 4, benchmark: 200,000 profiles, text + two filters,
-- 20 results): one row per folded word of a profile, keyed by the filters a
-- facilitator uses most (department, driving licence) before the word, and
-- carrying what the other filters and the rank need (trade word, organisation,
-- consent, availability). A search reads, per query word, one range of this
-- index and nothing else; the profiles themselves are read for the 20 shown.
-- Replaces cv_profile_words and cv_profile_trade_words (rebuilt from
-- cv_profiles.search_text and trade_text by `passerelle migrate` / at start).
CREATE TABLE cv_search (
  department TEXT NOT NULL,
  licence INTEGER NOT NULL,                 -- 1: holds a driving licence
  word TEXT NOT NULL,
  profile_id INTEGER NOT NULL REFERENCES cv_profiles(id) ON DELETE CASCADE,
  trade INTEGER NOT NULL,                   -- 1: a word of the profile's target trades (rank)
  organisation_id INTEGER NOT NULL,
  consent INTEGER NOT NULL,                 -- 1: may be shown to companies (consent with its date)
  available_from TEXT NOT NULL DEFAULT '',  -- ISO date, '' when available now
  PRIMARY KEY (department, licence, word, profile_id)
) WITHOUT ROWID;
-- Searches without a department: the same rows by word (the key's columns come with it).
CREATE INDEX cv_search_word ON cv_search(word, profile_id, trade, organisation_id, consent, available_from);
CREATE INDEX cv_search_profile ON cv_search(profile_id);
DROP TABLE cv_profile_trade_words;
DROP TABLE cv_profile_words;
