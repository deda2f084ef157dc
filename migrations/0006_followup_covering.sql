-- Covering indexes for the follow-up dashboard (issue 3, benchmark). Per person in
-- scope, the dashboard reads the interactions of the period and whether one reached
-- them, and the last digital assessment's e-mail answer, from the index alone; the
-- enrolments of one programme or of one participant, and each participant's
-- organisation, likewise.
DROP INDEX interactions_participant;
CREATE INDEX interactions_participant ON interactions(participant_id, at, outcome);
DROP INDEX interactions_at;
CREATE INDEX interactions_at ON interactions(at, participant_id, outcome);
DROP INDEX digital_assessments_participant;
CREATE INDEX digital_assessments_participant ON digital_assessments(participant_id, assessed_on, id, email);
DROP INDEX enrolments_programme;
CREATE INDEX enrolments_programme ON enrolments(programme_id, status, participant_id, entry_date, exit_date,
  unreachable_on, exit_outcome);
CREATE INDEX participants_organisation_of ON participants(id, organisation_id);
DROP INDEX enrolments_participant;
CREATE INDEX enrolments_participant ON enrolments(participant_id, entry_date, exit_date, status, unreachable_on,
  exit_outcome, programme_id, referent_id);
