-- Search of participants by words (name, e-mail, phone, commune, postcode, birth
-- date), as for organisations and contacts (0005): an index range per word of the
-- query instead of a LIKE scan of every participant of the scope. Filled by the
-- application; `passerelle migrate` and `serve` rebuild it when it is missing.
CREATE TABLE participant_words (
  word TEXT NOT NULL,
  participant_id {{int}} NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
  PRIMARY KEY (word, participant_id)
);
CREATE INDEX participant_words_owner ON participant_words(participant_id, word);
