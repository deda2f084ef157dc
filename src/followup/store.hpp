#pragma once
// SQL of the follow-up module (issue 3), scoped by the caller's organisations:
// a participant is visible when the organisation that follows them lies in
// one of the caller's subtrees (network::Scope). Reads take the scope; writes
// take ids the route has already resolved through a scoped read (an id out of
// scope answers 404 before any write).
//
// Validation errors are the rules' (web::Errors, French, keyed by field): a
// function that needs the database to decide (unknown referent, exit before
// entry, PASS IAE limits…) returns them in std::unexpected.
//
// Transactions belong to the caller, as in the network module: a function that
// writes several rows (log_interaction, enrol, change_enrolment_status…) must
// run inside the route's db::Transaction, with its audit record.
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/db/batch.hpp"
#include "core/db/database.hpp"
#include "core/web/validation.hpp"
#include "followup/rules.hpp"
#include "network/store.hpp"

namespace passerelle::followup {

using network::Scope;

// The calendar day now in Europe/Paris.
Date paris_today();
// The UTC instant ("YYYY-MM-DDTHH:MM:SSZ") at which a Paris day begins.
std::string paris_day_start_utc(Date day);

// --- Programmes ---------------------------------------------------------------

struct Phase {
  std::int64_t id = 0;
  std::string name;
  int position = 0;
};

struct Cohort {
  std::int64_t id = 0;
  std::string name, start_date;
};

struct Programme {
  std::int64_t id = 0, organisation_id = 0;
  std::string organisation_name, name, kind, created_at;
  int cadence_days = 0;
  int max_duration_months = 0;  // 0: no maximum
  std::vector<Phase> phases;    // by position
  std::vector<Cohort> cohorts;  // by start date
};

std::expected<std::int64_t, web::Errors> create_programme(db::Connection& db, std::int64_t organisation_id,
                                                          const ProgrammeInput& input);
std::expected<void, web::Errors> update_programme(db::Connection& db, std::int64_t programme_id,
                                                  const ProgrammeInput& input);
// Appended after the last phase.
std::expected<std::int64_t, web::Errors> add_phase(db::Connection& db, std::int64_t programme_id,
                                                   std::string_view name);
std::expected<std::int64_t, web::Errors> add_cohort(db::Connection& db, std::int64_t programme_id,
                                                    std::string_view name, std::string_view start_date);
// Programmes of the organisations in scope and of their ancestors (a PLIE set
// up at the top of a territory is used by the structures under it), by name,
// with phases and cohorts (three queries).
std::vector<Programme> list_programmes(db::Connection& db, const Scope& scope);
std::optional<Programme> get_programme(db::Connection& db, const Scope& scope, std::int64_t id);

// --- Participants ---------------------------------------------------------------

struct Participant {
  std::int64_t id = 0, organisation_id = 0;
  std::string organisation_name;
  std::string first_name, last_name, sort_name, birth_date, gender;
  std::string email, phone, address, postcode, commune, commune_insee, languages;
  std::string labour_status, education_level, housing;
  std::vector<std::string> benefits;  // codes in kBenefits
  bool rqth = false, qpv = false;
  std::string consent_at;  // ISO date of the consent
  std::string created_at, updated_at;
};

// Validated with validate_participant (today in Paris); sort_name and
// search_text folded (accents and case ignored).
std::expected<std::int64_t, web::Errors> create_participant(db::Connection& db, std::int64_t organisation_id,
                                                            const ParticipantInput& input);
std::expected<void, web::Errors> update_participant(db::Connection& db, std::int64_t participant_id,
                                                    const ParticipantInput& input);
std::optional<Participant> get_participant(db::Connection& db, const Scope& scope, std::int64_t id);

// A current enrolment as shown next to a name in lists.
struct EnrolmentBrief {
  std::int64_t id = 0, programme_id = 0, referent_id = 0;
  std::string programme_name, referent_name, status;
};

struct ParticipantRow {
  std::int64_t id = 0, organisation_id = 0;
  std::string first_name, last_name, sort_name, birth_date, phone, email, commune, organisation_name;
  std::vector<EnrolmentBrief> enrolments;  // not exited, one query for the whole page
};

// Visible participants with the same participant_match_key (accents, case,
// hyphens and spaces ignored; same birth date), `except_id` left out.
std::vector<ParticipantRow> likely_duplicates(db::Connection& db, const Scope& scope, std::string_view first_name,
                                              std::string_view last_name, std::string_view birth_date,
                                              std::int64_t except_id = 0);

struct ParticipantFilter {
  std::string q{};                             // words, accent-insensitive: each begins a word of the person
  std::optional<std::int64_t> programme_id{};  // these three apply to one same enrolment
  std::optional<std::int64_t> referent_id{};
  std::string status{};                        // enrolment status code
  std::string difficulty_kind{};               // an open difficulty of this kind
  // A sensitive difficulty kind filters only when set: the route sets it when the
  // caller may see the sensitive difficulties of every listed person.
  bool include_sensitive = false;
  bool pass_ending_soon = false;             // a PASS IAE ending within 3 months
  std::optional<Date> today{};               // for pass_ending_soon; Paris today when unset
  std::string after_key{};                   // keyset cursor: sort_name and id of the last row shown
  std::int64_t after_id = 0;
  int limit = 50;
};

std::vector<ParticipantRow> list_participants(db::Connection& db, const Scope& scope, const ParticipantFilter& filter);
// Exact count, or at most cap + 1 when cap > 0.
std::int64_t count_participants(db::Connection& db, const Scope& scope, const ParticipantFilter& filter,
                                std::int64_t cap = 0);
struct ParticipantPage {
  std::vector<ParticipantRow> items;
  std::int64_t total = 0;  // at most count_cap + 1
};
// The count chooses the plan, as network::organisation_page: few matches are
// read and sorted, many are read along the (organisation, sort_name, id) index.
ParticipantPage participant_page(db::Connection& db, const Scope& scope, const ParticipantFilter& filter,
                                 std::int64_t count_cap);

// --- Enrolments -------------------------------------------------------------------

struct Enrolment {
  std::int64_t id = 0, participant_id = 0, programme_id = 0, organisation_id = 0, referent_id = 0;
  std::string programme_name, programme_kind, organisation_name, referent_name;
  int cadence_days = 0, max_duration_months = 0;
  std::optional<std::int64_t> cohort_id, phase_id;
  std::string cohort_name, phase_name;
  std::string status, entry_date, exit_date, exit_outcome;  // exit_* empty while not exited
  std::string esf_entry, esf_exit;                          // JSON snapshots, as they were
  std::string last_reached_on, next_due_on, unreachable_on;  // ISO dates, empty when none
  int failed_streak = 0;
  std::string created_at, updated_at;
};

struct NewEnrolment {
  std::int64_t participant_id = 0, programme_id = 0, organisation_id = 0, referent_id = 0;
  std::string entry_date{};
  std::optional<std::int64_t> cohort_id{};
  std::optional<std::int64_t> user_id{};  // who records it
};

// Checks the entry date (validate_enrolment; its warnings are the route's to
// show), the programme, the cohort (of that programme) and the referent: an
// enabled account holding the referent or supervisor role over the
// participant's organisation. Stores the ESF entry snapshot, computes the due
// date from the participant's interactions (none: the entry date) and writes
// the first history row.
std::expected<std::int64_t, web::Errors> enrol(db::Connection& db, const NewEnrolment& enrolment);
std::optional<Enrolment> get_enrolment(db::Connection& db, const Scope& scope, std::int64_t id);
std::vector<Enrolment> enrolments_of(db::Connection& db, std::int64_t participant_id);

// What every participant's file starts from, read in one go (one round trip on
// PostgreSQL): the participant if in scope, their enrolments (empty when the
// participant is not in scope) and the directory's change stamp.
struct ParticipantHead {
  std::optional<Participant> participant;
  std::vector<Enrolment> enrolments;
  std::int64_t directory_stamp = 0;
};
ParticipantHead participant_head(db::Connection& db, const Scope& scope, std::int64_t id);
// The same reads, for a caller that sends them with others (participant_head_reads
// then participant_file_reads: the whole file page in one round trip), and the
// head made from their results.
std::vector<db::OwnedStatement> participant_head_reads(const Scope& scope, std::int64_t id);
constexpr std::size_t kParticipantHeadReads = 3;
ParticipantHead participant_head_from(std::span<db::Result> results);

// `transition` is a code of kEnrolmentTransitions; `exit` gives the exit date and
// outcome for "exit" (its entry_date is read from the database, its today
// defaults to Paris today). Returns the new status; writes a history row
// (kind "status") and, on exit, the ESF exit snapshot.
std::expected<std::string, web::Errors> change_enrolment_status(db::Connection& db, std::int64_t enrolment_id,
                                                                std::string_view transition, EnrolmentExit exit,
                                                                std::optional<std::int64_t> user_id,
                                                                std::string_view reason);
// History row of kind "transfer", from and to the referents' ids.
std::expected<void, web::Errors> transfer_referent(db::Connection& db, std::int64_t enrolment_id,
                                                   std::int64_t new_referent_id, std::optional<std::int64_t> user_id,
                                                   std::string_view reason);

struct EnrolmentEvent {
  std::int64_t id = 0, enrolment_id = 0;
  std::optional<std::int64_t> user_id;
  std::string at, user_name, kind, from_value, to_value, reason;
  std::string from_label, to_label;  // referent names for a transfer; status codes otherwise
};
std::vector<EnrolmentEvent> enrolment_history(db::Connection& db, std::int64_t enrolment_id);

// --- Interactions -------------------------------------------------------------------

struct Interaction {
  std::int64_t id = 0, participant_id = 0, author_id = 0;
  std::string at, on;  // UTC instant; its Paris day
  std::string channel, outcome, topics, notes, author_name, created_at;
  int level = 1;
};

// Validated with validate_interaction (now). Inserts the row and recomputes,
// from all the participant's interactions (they may be logged out of order),
// the follow-up of each of their current enrolments.
std::expected<std::int64_t, web::Errors> log_interaction(db::Connection& db, std::int64_t participant_id,
                                                         const InteractionInput& input, std::int64_t author_id);
// An enrolment's follow-up columns as the rules compute them from its
// interactions (any order): the last reached day, the failed streak, the next
// due date and the first day the person counts as unreachable. `today` is the
// day the list is looked at (interactions after it are still taken into
// account). Shared by log_interaction and the demo and benchmark loaders.
struct FollowUp {
  std::optional<Date> last_reached;
  int failed_streak = 0;
  Date next_due;
  std::optional<Date> unreachable_on;
};
FollowUp follow_up_of(Date entry, int cadence, std::span<const InteractionAttempt> interactions, Date today);

// Newest first.
std::vector<Interaction> interactions_of(db::Connection& db, std::int64_t participant_id, int limit = 200);
// Recomputes last_reached_on, failed_streak, next_due_on and unreachable_on of
// the participant's current enrolments (after an import or a bulk load).
void refresh_follow_up(db::Connection& db, std::int64_t participant_id);

// --- The referent's "À contacter" list ------------------------------------------------

struct DueRow {
  std::int64_t enrolment_id = 0, participant_id = 0, programme_id = 0;
  std::string first_name, last_name, phone, programme_name;
  DueInfo due;  // status, due date, last reached day, failed streak
};

// The referent's active enrolments that are overdue, due today, never
// contacted or unreachable on `today`: one range of the enrolments_due index.
// Ordered by due_rank, then due date, then name.
std::vector<DueRow> due_list(db::Connection& db, std::int64_t referent_id, Date today);

// --- The supervisor's view ----------------------------------------------------------------

struct Workload {
  std::int64_t referent_id = 0;
  std::string name;
  std::int64_t followed = 0;           // people in a current (active or suspended) enrolment
  std::int64_t due = 0;                // on the "À contacter" list
  std::int64_t overdue = 0;
  std::int64_t unreachable = 0;
  std::int64_t reached_this_week = 0;  // last reached from Monday to today (Paris week)
  std::string last_checkin;            // ISO date, empty when never
};

struct ReferentRef {
  std::int64_t id = 0;
  std::string name;
};
// Enabled accounts holding the referent role in an organisation of the scope
// or above it (a PLIE's referents follow the people of its structures), by
// name: the choosers of forms and filters. Reads user_roles only.
std::vector<ReferentRef> referents_in_scope(db::Connection& db, const Scope& scope);

// Each referent holding the role in scope or following someone in scope, by name.
std::vector<Workload> referent_workload(db::Connection& db, const Scope& scope, Date today);
std::expected<std::int64_t, web::Errors> log_checkin(db::Connection& db, std::int64_t supervisor_id,
                                                     std::int64_t referent_id, std::string_view date,
                                                     std::string_view notes);

// --- Difficulties ---------------------------------------------------------------------------

struct DifficultyInput {
  std::string kind, sub_kind;          // codes in kDifficultyKinds / kDifficultySubkinds
  std::string partner_organisation_id;  // optional: oriented at once
  std::string identified_on;           // ISO date
  std::string notes;
};

struct Difficulty {
  std::int64_t id = 0, participant_id = 0;
  std::string kind, sub_kind, status, identified_on, notes, updated_at;
  bool sensitive = false;
  std::optional<std::int64_t> partner_organisation_id;
  std::string partner_name;
};

struct DifficultyEvent {
  std::int64_t id = 0, difficulty_id = 0;
  std::optional<std::int64_t> user_id, partner_organisation_id;
  std::string at, user_name, from_status, to_status, partner_name, reason;
};

// The sensitive flag comes from the kind (model.hpp). Status "identified", or
// "oriented" when a partner is given; a first history row either way.
std::expected<std::int64_t, web::Errors> add_difficulty(db::Connection& db, std::int64_t participant_id,
                                                        const DifficultyInput& input, std::optional<std::int64_t> user_id);
std::expected<std::string, web::Errors> change_difficulty_status(db::Connection& db, std::int64_t difficulty_id,
                                                                 std::string_view transition,
                                                                 std::string_view partner_organisation_id,
                                                                 std::optional<std::int64_t> user_id,
                                                                 std::string_view reason);
// Sensitive difficulties (health, psychological, domestic violence) only when
// include_sensitive: the route decides (referent or supervisor) and audits.
std::vector<Difficulty> difficulties_of(db::Connection& db, std::int64_t participant_id, bool include_sensitive);
std::optional<Difficulty> get_difficulty(db::Connection& db, std::int64_t difficulty_id, bool include_sensitive);
// Whose difficulty it is and whether it is sensitive, to decide before reading it.
struct DifficultyOwner {
  std::int64_t participant_id = 0;
  bool sensitive = false;
};
std::optional<DifficultyOwner> difficulty_owner(db::Connection& db, std::int64_t difficulty_id);
std::vector<DifficultyEvent> difficulty_history(db::Connection& db, std::int64_t difficulty_id, bool include_sensitive);

// --- Digital autonomy, resources sent, steps --------------------------------------------------

struct AssessmentInput {
  std::string assessed_on;  // ISO date
  std::string equipment, connection, email, online_procedures, reading_writing;  // codes in kDigitalAnswers
};

struct Assessment {
  std::int64_t id = 0, participant_id = 0;
  std::optional<std::int64_t> author_id;
  std::string assessed_on, equipment, connection, email, online_procedures, reading_writing, author_name, created_at;
};

std::expected<std::int64_t, web::Errors> add_assessment(db::Connection& db, std::int64_t participant_id,
                                                        const AssessmentInput& input, std::optional<std::int64_t> author_id);
std::optional<Assessment> latest_assessment(db::Connection& db, std::int64_t participant_id);
std::vector<Assessment> assessments_of(db::Connection& db, std::int64_t participant_id);  // newest first

struct ResourceInput {
  std::string sent_on, title, link, channel;  // channel: code in kInteractionChannels
};

struct ResourceSent {
  std::int64_t id = 0, participant_id = 0;
  std::optional<std::int64_t> author_id;
  std::string sent_on, title, link, channel, author_name, created_at;
};

std::expected<std::int64_t, web::Errors> add_resource(db::Connection& db, std::int64_t participant_id,
                                                      const ResourceInput& input, std::optional<std::int64_t> author_id);
std::vector<ResourceSent> resources_of(db::Connection& db, std::int64_t participant_id);  // newest first

struct StepInput {
  std::string kind, start_date, end_date, place, notes;  // kind: code in kStepKinds; end optional
};

struct Step {
  std::int64_t id = 0, enrolment_id = 0;
  std::string programme_name, kind, start_date, end_date, place, notes, created_at;
};

std::expected<std::int64_t, web::Errors> add_step(db::Connection& db, std::int64_t enrolment_id, const StepInput& input);
std::vector<Step> steps_of(db::Connection& db, std::int64_t participant_id);  // newest first

// --- PASS IAE ----------------------------------------------------------------------------------

struct PassPeriodRow {
  std::int64_t id = 0;
  std::string kind;  // suspension, prolongation
  PassPeriod period;
};

struct PassRecord {
  std::int64_t id = 0, enrolment_id = 0;
  std::string number, organisation_kind;  // the kind of the enrolment's organisation (ai, aci, ei…)
  Pass pass;                              // for the rules: pass_end, pass_status, pass_alert
  std::vector<PassPeriodRow> periods;     // by start date
  std::string end_date;                   // pass_end(pass), as stored
};

// `number`: 12 letters or digits, unique. The PASS starts on `start_date` and
// ends after 2 years (pass_default_end).
std::expected<std::int64_t, web::Errors> create_pass(db::Connection& db, std::int64_t enrolment_id,
                                                     std::string_view number, std::string_view start_date);
std::optional<PassRecord> load_pass(db::Connection& db, std::int64_t pass_id);
std::vector<PassRecord> passes_of(db::Connection& db, std::int64_t participant_id);

struct PassPeriodInput {
  std::string kind;  // suspension, prolongation
  std::string reason, start_date, end_date;
};

// Checked by check_suspension / check_prolongation against the enrolment's
// organisation kind; keeps pass_iae.end_date equal to pass_end().
std::expected<std::int64_t, web::Errors> add_pass_period(db::Connection& db, std::int64_t pass_id,
                                                         const PassPeriodInput& input, std::optional<std::int64_t> author_id);

// --- Timeline ------------------------------------------------------------------------------------

struct TimelineItem {
  // interaction, step, difficulty (a status change of a difficulty, creation
  // included), assessment, resource, enrolment (status change or transfer),
  // pass (issued), pass_period.
  std::string kind;
  std::int64_t id = 0;
  std::string on;      // Paris day
  std::string at;      // UTC instant when the record has one, else empty
  std::string code;    // outcome, step kind, difficulty kind, e-mail answer, channel, event kind, period kind
  std::string detail;  // channel, step end date, difficulty status, -, link, new status or referent id, reason
  std::string text;    // notes, place, reason, title, number
  std::string author;
};

// One participant's history, newest first (by day, then instant, then id).
// Entry and exit rows are dated by the pathway's entry and exit dates, a
// difficulty's first row by the day it was identified; other rows by when they happened.
std::vector<TimelineItem> timeline(db::Connection& db, std::int64_t participant_id, bool include_sensitive);

// What the participant's file shows, each list read once (the timeline is built
// from the same lists): difficulties (sensitive ones only when asked), digital
// assessments, resources, steps and PASS IAE, newest first, and the timeline.
struct ParticipantFile {
  std::vector<Difficulty> difficulties;
  std::vector<Assessment> assessments;
  std::vector<ResourceSent> resources;
  std::vector<Step> steps;
  std::vector<PassRecord> passes;
  std::vector<TimelineItem> timeline;
};
ParticipantFile participant_file(db::Connection& db, std::int64_t participant_id, bool include_sensitive);
// Its reads (sensitive difficulties and their history included: left out by
// participant_file_from unless asked) and the file made from their results
// (the PASS IAE's periods are read then, when there are some).
std::vector<db::OwnedStatement> participant_file_reads(std::int64_t participant_id);
constexpr std::size_t kParticipantFileReads = 8;
ParticipantFile participant_file_from(db::Connection& db, std::span<db::Result> results, bool include_sensitive);

// The word index of the participants' search (participant_words) from each one's
// search_text: everything, or only when it is empty (after an upgrade, or rows
// inserted in bulk by the demo and benchmark loaders). Returns the rows indexed.
std::size_t rebuild_participant_words(db::Connection& db, bool only_if_missing);

// --- Dashboard -------------------------------------------------------------------------------------

struct DashboardFilter {
  std::optional<std::int64_t> programme_id{}, referent_id{};
  std::optional<std::int64_t> organisation_id{};  // participants followed in this subtree
  Date from{}, to{};                              // Paris days, both included
  bool include_sensitive = false;               // count sensitive difficulty kinds
};

struct Dashboard {
  DashboardCounts counts;  // followed on `to`, contacts in the period, exits…
  DashboardShares shares;  // dashboard_shares(counts)
  std::int64_t entries = 0;
  // Followed people whose current follow-up says unreachable on `to` (as of the
  // interactions logged so far: exact for a period ending today).
  std::int64_t unreachable = 0;
  std::vector<std::pair<std::string, std::int64_t>> difficulties_by_kind;  // people per kind, model order
};

// Aggregate SQL only (no per-participant loop): followed = distinct people with an
// enrolment active on `to` (entry ≤ to and no exit or exit after to).
// With `helper` (a second connection), half of the people are counted on it, on
// another thread: the national dashboard on two cores.
// How the figures summed over people are computed: per person (an index seek into
// each one's interactions: the cost follows the scope) or by scanning the period
// (the enrolments overlapping it, its interactions, the assessments up to its end:
// the cost follows the country's activity in the period). `automatic` scans for the
// whole country without a programme or referent filter. Both give the same figures.
enum class DashboardPath { automatic, per_person, period_scan };
Dashboard dashboard(db::Connection& db, const Scope& scope, const DashboardFilter& filter,
                    db::Connection* helper = nullptr,
                    DashboardPath path = DashboardPath::automatic);

// An enrolment of the dashboard's scope that enters or exits in the period
// (entry or exit date from `from` to `to`), with its ESF snapshots as stored.
struct EsfRow {
  std::int64_t enrolment_id = 0, participant_id = 0;
  std::string programme_name, organisation_name;
  std::string entry_date, exit_date, exit_outcome;  // exit_* empty while not exited
  std::string esf_entry, esf_exit;                  // JSON, as written by enrol / change_enrolment_status
};
// By enrolment id. No names: the export is pseudonymous.
std::vector<EsfRow> esf_rows(db::Connection& db, const Scope& scope, const DashboardFilter& filter);

}  // namespace passerelle::followup
