-- The clauses dashboard (issue 4, benchmark: national, 5,000,000 hours entries,
-- < 1 s) reads these totals instead of the entries: per facilitating
-- organisation (the contracts' scope), month, modality and situation, the
-- entries, their minutes, the counted and the pending ones. Kept by triggers,
-- so that every writer counts (forms, imports, reviews, rule-set recomputes,
-- the command line). PostgreSQL version: statement-level triggers reading the
-- transition tables, one aggregate per statement however many rows it wrote
-- (an import of 100,000 lines is one INSERT … SELECT of its groups).
CREATE TABLE insertion_hours_totals (
  organisation_id BIGINT NOT NULL,
  month TEXT NOT NULL,
  modality TEXT NOT NULL,
  situation TEXT NOT NULL,
  entries BIGINT NOT NULL,
  minutes BIGINT NOT NULL,
  counted_minutes BIGINT NOT NULL,
  pending_minutes BIGINT NOT NULL,
  PRIMARY KEY (organisation_id, month, modality, situation)
);
CREATE INDEX insertion_hours_totals_month ON insertion_hours_totals(month);

INSERT INTO insertion_hours_totals
SELECT c.organisation_id, h.month, h.modality, h.situation, COUNT(*), SUM(h.minutes),
       SUM(CASE WHEN h.counted = 1 THEN h.minutes ELSE 0 END),
       SUM(CASE WHEN h.review_status = 'pending' THEN h.minutes ELSE 0 END)
FROM insertion_hours h JOIN public_contracts c ON c.id = h.contract_id
GROUP BY c.organisation_id, h.month, h.modality, h.situation;

-- Adds (sign 1) or removes (sign -1) the rows of a transition table.
CREATE FUNCTION insertion_hours_totals_add_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO insertion_hours_totals AS t
  SELECT c.organisation_id, h.month, h.modality, h.situation, COUNT(*), SUM(h.minutes),
         SUM(CASE WHEN h.counted = 1 THEN h.minutes ELSE 0 END),
         SUM(CASE WHEN h.review_status = 'pending' THEN h.minutes ELSE 0 END)
  FROM new_rows h JOIN public_contracts c ON c.id = h.contract_id
  GROUP BY c.organisation_id, h.month, h.modality, h.situation
  ON CONFLICT (organisation_id, month, modality, situation) DO UPDATE SET
    entries = t.entries + excluded.entries, minutes = t.minutes + excluded.minutes,
    counted_minutes = t.counted_minutes + excluded.counted_minutes,
    pending_minutes = t.pending_minutes + excluded.pending_minutes;
  RETURN NULL;
END;
$$;

CREATE FUNCTION insertion_hours_totals_remove_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO insertion_hours_totals AS t
  SELECT c.organisation_id, h.month, h.modality, h.situation, -COUNT(*), -SUM(h.minutes),
         -SUM(CASE WHEN h.counted = 1 THEN h.minutes ELSE 0 END),
         -SUM(CASE WHEN h.review_status = 'pending' THEN h.minutes ELSE 0 END)
  FROM old_rows h JOIN public_contracts c ON c.id = h.contract_id
  GROUP BY c.organisation_id, h.month, h.modality, h.situation
  ON CONFLICT (organisation_id, month, modality, situation) DO UPDATE SET
    entries = t.entries + excluded.entries, minutes = t.minutes + excluded.minutes,
    counted_minutes = t.counted_minutes + excluded.counted_minutes,
    pending_minutes = t.pending_minutes + excluded.pending_minutes;
  RETURN NULL;
END;
$$;

CREATE TRIGGER insertion_hours_totals_insert AFTER INSERT ON insertion_hours
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insertion_hours_totals_add_new();
CREATE TRIGGER insertion_hours_totals_delete AFTER DELETE ON insertion_hours
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION insertion_hours_totals_remove_old();
-- An update: the old rows out, the new rows in (two triggers of the same statement;
-- PostgreSQL runs them in name order, which does not matter for sums).
CREATE TRIGGER insertion_hours_totals_update_new AFTER UPDATE ON insertion_hours
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insertion_hours_totals_add_new();
CREATE TRIGGER insertion_hours_totals_update_old AFTER UPDATE ON insertion_hours
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION insertion_hours_totals_remove_old();

-- A contract moved to another facilitating organisation takes its totals along.
CREATE FUNCTION insertion_hours_totals_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.organisation_id <> NEW.organisation_id THEN
    INSERT INTO insertion_hours_totals AS t
    SELECT org, h.month, h.modality, h.situation, sign * COUNT(*), sign * SUM(h.minutes),
           sign * SUM(CASE WHEN h.counted = 1 THEN h.minutes ELSE 0 END),
           sign * SUM(CASE WHEN h.review_status = 'pending' THEN h.minutes ELSE 0 END)
    FROM insertion_hours h, (VALUES (OLD.organisation_id, -1), (NEW.organisation_id, 1)) AS moves(org, sign)
    WHERE h.contract_id = NEW.id
    GROUP BY org, sign, h.month, h.modality, h.situation
    ON CONFLICT (organisation_id, month, modality, situation) DO UPDATE SET
      entries = t.entries + excluded.entries, minutes = t.minutes + excluded.minutes,
      counted_minutes = t.counted_minutes + excluded.counted_minutes,
      pending_minutes = t.pending_minutes + excluded.pending_minutes;
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER insertion_hours_totals_contract AFTER UPDATE OF organisation_id ON public_contracts
FOR EACH ROW EXECUTE FUNCTION insertion_hours_totals_move();
