-- "À contacter" (issue 3, benchmark): the referent's active pathways read from
-- the index alone. The list reads each one's entry date, last reached day,
-- failed attempts, due and unreachable days, person and programme; without them
-- in the index every row cost a read of its table page, scattered over the file
-- (PostgreSQL: 72 heap pages for one referent's list, half the statement's time).
DROP INDEX enrolments_due;
CREATE INDEX enrolments_due ON enrolments(referent_id, status, next_due_on, id, entry_date, unreachable_on,
  last_reached_on, failed_streak, participant_id, programme_id);
