-- The clauses dashboard (issue 4, benchmark: national, 5,000,000 hours entries,
-- < 1 s) reads these totals instead of the entries: per facilitating
-- organisation (the contracts' scope), month, modality and situation, the
-- entries, their minutes, the counted and the pending ones. Kept by triggers,
-- so that every writer counts (forms, imports, reviews, rule-set recomputes,
-- the command line). SQLite version; 0027_clauses_hours_totals.postgres.sql is
-- the same for PostgreSQL (statement-level triggers there).
CREATE TABLE insertion_hours_totals (
  organisation_id INTEGER NOT NULL,
  month TEXT NOT NULL,
  modality TEXT NOT NULL,
  situation TEXT NOT NULL,
  entries INTEGER NOT NULL,
  minutes INTEGER NOT NULL,
  counted_minutes INTEGER NOT NULL,
  pending_minutes INTEGER NOT NULL,
  PRIMARY KEY (organisation_id, month, modality, situation)
) WITHOUT ROWID;
CREATE INDEX insertion_hours_totals_month ON insertion_hours_totals(month);

INSERT INTO insertion_hours_totals
SELECT c.organisation_id, h.month, h.modality, h.situation, COUNT(*), SUM(h.minutes),
       SUM(CASE WHEN h.counted = 1 THEN h.minutes ELSE 0 END),
       SUM(CASE WHEN h.review_status = 'pending' THEN h.minutes ELSE 0 END)
FROM insertion_hours h JOIN public_contracts c ON c.id = h.contract_id
GROUP BY c.organisation_id, h.month, h.modality, h.situation;

CREATE TRIGGER insertion_hours_totals_insert AFTER INSERT ON insertion_hours BEGIN
  INSERT INTO insertion_hours_totals
  SELECT c.organisation_id, NEW.month, NEW.modality, NEW.situation, 1, NEW.minutes,
         CASE WHEN NEW.counted = 1 THEN NEW.minutes ELSE 0 END,
         CASE WHEN NEW.review_status = 'pending' THEN NEW.minutes ELSE 0 END
  FROM public_contracts c WHERE c.id = NEW.contract_id
  ON CONFLICT (organisation_id, month, modality, situation) DO UPDATE SET
    entries = entries + excluded.entries, minutes = minutes + excluded.minutes,
    counted_minutes = counted_minutes + excluded.counted_minutes,
    pending_minutes = pending_minutes + excluded.pending_minutes;
END;

CREATE TRIGGER insertion_hours_totals_delete AFTER DELETE ON insertion_hours BEGIN
  INSERT INTO insertion_hours_totals
  SELECT c.organisation_id, OLD.month, OLD.modality, OLD.situation, -1, -OLD.minutes,
         CASE WHEN OLD.counted = 1 THEN -OLD.minutes ELSE 0 END,
         CASE WHEN OLD.review_status = 'pending' THEN -OLD.minutes ELSE 0 END
  FROM public_contracts c WHERE c.id = OLD.contract_id
  ON CONFLICT (organisation_id, month, modality, situation) DO UPDATE SET
    entries = entries + excluded.entries, minutes = minutes + excluded.minutes,
    counted_minutes = counted_minutes + excluded.counted_minutes,
    pending_minutes = pending_minutes + excluded.pending_minutes;
END;

CREATE TRIGGER insertion_hours_totals_update
AFTER UPDATE OF contract_id, month, modality, situation, minutes, counted, review_status ON insertion_hours BEGIN
  INSERT INTO insertion_hours_totals
  SELECT c.organisation_id, OLD.month, OLD.modality, OLD.situation, -1, -OLD.minutes,
         CASE WHEN OLD.counted = 1 THEN -OLD.minutes ELSE 0 END,
         CASE WHEN OLD.review_status = 'pending' THEN -OLD.minutes ELSE 0 END
  FROM public_contracts c WHERE c.id = OLD.contract_id
  ON CONFLICT (organisation_id, month, modality, situation) DO UPDATE SET
    entries = entries + excluded.entries, minutes = minutes + excluded.minutes,
    counted_minutes = counted_minutes + excluded.counted_minutes,
    pending_minutes = pending_minutes + excluded.pending_minutes;
  INSERT INTO insertion_hours_totals
  SELECT c.organisation_id, NEW.month, NEW.modality, NEW.situation, 1, NEW.minutes,
         CASE WHEN NEW.counted = 1 THEN NEW.minutes ELSE 0 END,
         CASE WHEN NEW.review_status = 'pending' THEN NEW.minutes ELSE 0 END
  FROM public_contracts c WHERE c.id = NEW.contract_id
  ON CONFLICT (organisation_id, month, modality, situation) DO UPDATE SET
    entries = entries + excluded.entries, minutes = minutes + excluded.minutes,
    counted_minutes = counted_minutes + excluded.counted_minutes,
    pending_minutes = pending_minutes + excluded.pending_minutes;
END;

-- A contract moved to another facilitating organisation takes its totals along.
CREATE TRIGGER insertion_hours_totals_contract AFTER UPDATE OF organisation_id ON public_contracts
WHEN OLD.organisation_id <> NEW.organisation_id BEGIN
  INSERT INTO insertion_hours_totals
  SELECT OLD.organisation_id, h.month, h.modality, h.situation, -COUNT(*), -SUM(h.minutes),
         -SUM(CASE WHEN h.counted = 1 THEN h.minutes ELSE 0 END),
         -SUM(CASE WHEN h.review_status = 'pending' THEN h.minutes ELSE 0 END)
  FROM insertion_hours h WHERE h.contract_id = NEW.id GROUP BY h.month, h.modality, h.situation
  ON CONFLICT (organisation_id, month, modality, situation) DO UPDATE SET
    entries = entries + excluded.entries, minutes = minutes + excluded.minutes,
    counted_minutes = counted_minutes + excluded.counted_minutes,
    pending_minutes = pending_minutes + excluded.pending_minutes;
  INSERT INTO insertion_hours_totals
  SELECT NEW.organisation_id, h.month, h.modality, h.situation, COUNT(*), SUM(h.minutes),
         SUM(CASE WHEN h.counted = 1 THEN h.minutes ELSE 0 END),
         SUM(CASE WHEN h.review_status = 'pending' THEN h.minutes ELSE 0 END)
  FROM insertion_hours h WHERE h.contract_id = NEW.id GROUP BY h.month, h.modality, h.situation
  ON CONFLICT (organisation_id, month, modality, situation) DO UPDATE SET
    entries = entries + excluded.entries, minutes = minutes + excluded.minutes,
    counted_minutes = counted_minutes + excluded.counted_minutes,
    pending_minutes = pending_minutes + excluded.pending_minutes;
END;
