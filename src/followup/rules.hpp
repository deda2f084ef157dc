#pragma once
// Follow-up module: pure rules of a pathway (seed 003, issue 3) — calendar
// dates, when a participant is due for a contact, who is unreachable, the
// state machines of enrolments and difficulties, form validation, PASS IAE
// dates and limits, dashboard shares. No I/O: every function is unit-tested alone.
#include <compare>
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/web/validation.hpp"

namespace passerelle::followup {

// --- Calendar dates ---------------------------------------------------------
// Proleptic Gregorian calendar. Stored and exchanged as ISO "YYYY-MM-DD".

struct Date {
  int year = 1970, month = 1, day = 1;
  friend constexpr auto operator<=>(const Date&, const Date&) = default;
};

bool is_leap_year(int year);
int days_in_month(int year, int month);  // 0 for a month outside 1..12
bool is_valid_date(int year, int month, int day);

// Strict "YYYY-MM-DD" (four-digit year, two-digit month and day, a real day):
// "2020-02-30", "2020-2-3" and "2020-02-03T10:00" are refused.
std::optional<Date> parse_date(std::string_view iso);
std::string format_date(Date date);     // "2020-04-15"
std::string format_date_fr(Date date);  // "15/04/2020", for messages

// Days since 1970-01-01 (negative before), and back.
std::int64_t to_days(Date date);
Date from_days(std::int64_t days);

Date add_days(Date date, std::int64_t days);
// Calendar months; a day the target month lacks becomes its last day:
// 31 January + 1 month = 28 February (29 in a leap year), 29 February 2024 + 12 = 28 February 2025.
Date add_months(Date date, int months);
Date add_years(Date date, int years);
std::int64_t days_between(Date from, Date to);  // to − from, in days
int iso_weekday(Date date);                     // 1 = Monday … 7 = Sunday

// An instant in UTC, exchanged as "YYYY-MM-DDTHH:MM:SSZ".
struct DateTime {
  Date date;
  int hour = 0, minute = 0, second = 0;
  friend constexpr auto operator<=>(const DateTime&, const DateTime&) = default;
};

std::optional<DateTime> parse_datetime(std::string_view iso);
std::string format_datetime(const DateTime& utc);
// The calendar day in Europe/Paris (UTC+1, UTC+2 from the last Sunday of March
// 01:00 UTC to the last Sunday of October 01:00 UTC — EU rule since 1996):
// a call at 23:30 UTC on a summer evening belongs to the next day for the referent.
Date paris_date(const DateTime& utc);

// --- When to contact a participant -------------------------------------------

// What the rules need to know of a logged interaction.
struct InteractionAttempt {
  DateTime at;          // UTC
  std::string outcome;  // code in kInteractionOutcomes
};

// True only for the "reached" outcome.
bool outcome_is_reached(std::string_view outcome);

// Paris date of the last interaction where the person was reached, if any.
std::optional<Date> last_reached_date(std::span<const InteractionAttempt> interactions);

// Last reached interaction's date + cadence. Never reached: due on the entry
// date. Failed attempts do not move it (issue 3).
Date next_due_date(Date entry_date, int cadence_days, std::span<const InteractionAttempt> interactions);

// Unreachable (issue 3): the last 3 attempts all failed, or nobody reached
// them for twice the cadence (counted from the entry date when never reached)
// although someone tried since. Interactions after `today` are ignored.
bool is_unreachable(Date entry_date, int cadence_days, std::span<const InteractionAttempt> interactions,
                    Date today);

// The referent's "À contacter" list; codes and labels in kDueStatuses.
enum class DueStatus { overdue, due_today, never_contacted, unreachable, ok };

std::string_view due_status_code(DueStatus status);

struct DueInfo {
  DueStatus status = DueStatus::ok;
  Date due;                          // next_due_date()
  std::optional<Date> last_reached;  // Paris date
  int failed_streak = 0;             // failed attempts since the last reached one
};

// unreachable, else never_contacted (no interaction at all), else overdue /
// due_today / ok from the due date. An enrolment that starts after `today` is ok.
DueInfo due_status(Date entry_date, int cadence_days, std::span<const InteractionAttempt> interactions,
                   Date today);

// Order of the list, as the issue names it: overdue, due today, never
// contacted, unreachable; ok last.
int due_rank(DueStatus status);
// Sorts the list: by rank, then the oldest due date first. Callers break ties
// by name.
bool due_before(const DueInfo& a, const DueInfo& b);

// --- Enrolment state machine ----------------------------------------------------
// active → suspended → active → exited; exit also from suspended; exited is final.

struct EnrolmentExit {
  std::string_view entry_date = {};          // ISO, as stored
  std::string_view exit_date = {};           // ISO, as typed
  std::string_view outcome = {};             // code in kExitOutcomes
  std::optional<Date> today = std::nullopt;  // when set, an exit after it is refused
};

// The status after `transition` (code in kEnrolmentTransitions), or the French
// errors keyed "status", "exit_date", "exit_outcome". `exit` is read for "exit" only.
std::expected<std::string_view, web::Errors> enrolment_transition(std::string_view from_status,
                                                                  std::string_view transition,
                                                                  const EnrolmentExit& exit = {});

// Transition codes offered from a status (the buttons of the page).
std::vector<std::string_view> enrolment_transitions_from(std::string_view status);

// --- Difficulty state machine ---------------------------------------------------
// identified → oriented → in_progress → solved | dropped; reopen from solved
// or dropped to in_progress. Orienting names the partner organisation.

std::expected<std::string_view, web::Errors> difficulty_transition(
    std::string_view from_status, std::string_view transition, std::string_view partner_organisation_id = {});

std::vector<std::string_view> difficulty_transitions_from(std::string_view status);

// True when `subkind` is empty or belongs to `kind` (kDifficultySubkinds).
bool difficulty_subkind_fits(std::string_view kind, std::string_view subkind);

// --- Forms ------------------------------------------------------------------------
// Every error at once, in French, keyed by the field names of each struct.

struct ParticipantInput {
  std::string first_name, last_name, birth_date, gender;
  std::string email, phone, address, postcode, commune, commune_insee, languages;
  std::string labour_status, education_level, housing;  // codes, optional
  std::vector<std::string> benefits;                    // codes in kBenefits
  std::string rqth, qpv;                                // "1", "0" or ""
  std::string consent;                                  // "1" when ticked
  std::string consent_date;                             // ISO date
};

web::Errors validate_participant(const ParticipantInput& input, Date today);

// A likely duplicate has the same key (issue 3: same name and birth date):
// accents, case, hyphens and extra spaces ignored. "Éloïse  Martin-Diallo",
// 1990-05-12 → "martin diallo|eloise|1990-05-12".
std::string participant_match_key(std::string_view first_name, std::string_view last_name,
                                  std::string_view birth_date);

struct InteractionInput {
  std::string at;       // "YYYY-MM-DDTHH:MM:SSZ"
  std::string channel;  // code in kInteractionChannels
  std::string outcome;  // code in kInteractionOutcomes
  std::string level;    // "1" or "2"; required when the person was reached
  std::string notes;    // at most kMaxNotesLength characters
};

inline constexpr std::size_t kMaxNotesLength = 5000;

web::Errors validate_interaction(const InteractionInput& input, const DateTime& now);

struct EnrolmentInput {
  std::string entry_date, exit_date, exit_outcome;
};

struct EnrolmentCheck {
  web::Errors errors;    // block saving
  web::Errors warnings;  // shown, saving allowed: "max_duration" beyond the programme's maximum
};

// `max_duration_months` is the programme's (0: no maximum). An active pathway
// is measured up to `today`.
EnrolmentCheck validate_enrolment(const EnrolmentInput& input, int max_duration_months, Date today);

// Last day within a maximum duration: 15 January 2020 + 36 months → 14 January
// 2023; 29 February 2020 + 12 months → 28 February 2021.
Date max_duration_end(Date entry_date, int months);

struct ProgrammeInput {
  std::string name, kind;
  std::string cadence_days;         // 1..365, required
  std::string max_duration_months;  // 1..120, empty for no maximum
};

web::Errors validate_programme(const ProgrammeInput& input);

// --- PASS IAE ---------------------------------------------------------------------
// Dates and limits as on les-emplois (gip-inclusion/les-emplois, itou/approvals).

struct PassPeriod {
  Date start, end;
  std::string reason;  // code in kPassSuspensionReasons or kProlongationReasons
};

struct Pass {
  Date start;
  Date end;  // as issued, before suspensions and prolongations: pass_default_end(start)
  std::vector<PassPeriod> suspensions, prolongations;
};

// start + 2 years − 1 day, exactly as les-emplois computes it
// (relativedelta(years=2) − 1 day), so both show the same date: a PASS from
// 29 February 2024 ends on 27 February 2026.
Date pass_default_end(Date start);
Pass new_pass(Date start);

// A suspension from 1 to 10 March lasts 10 days: both ends included.
std::int64_t suspension_days(const PassPeriod& suspension);
// A prolongation starts on the day the PASS ended and ends on its new last
// day (les-emplois' convention): it adds end − start days.
std::int64_t prolongation_days(const PassPeriod& prolongation);

// Issued end + every suspension's days + every prolongation's days.
Date pass_end(const Pass& pass);

enum class PassStatus { valid, suspended, expired, future };
std::string_view pass_status_code(PassStatus status);  // kPassStatuses
PassStatus pass_status(const Pass& pass, Date today);

// Errors keyed "reason", "start", "end": unknown reason, end before start,
// longer than 36 months, starting outside the PASS, overlapping another suspension,
// CONTRAT_PASSERELLE outside an EI or ACI (`organisation_kind` as in network).
web::Errors check_suspension(const Pass& pass, const PassPeriod& suspension,
                             std::string_view organisation_kind);

// Errors keyed "reason", "start", "end": unknown or retired reason,
// PARTICULAR_DIFFICULTIES outside an AI or ACI, a start other than the PASS's
// current end, less than a day, more than the reason's limit per request or in total.
web::Errors check_prolongation(const Pass& pass, const PassPeriod& prolongation,
                               std::string_view organisation_kind);

enum class PassAlert { none, three_months, one_month };
std::string_view pass_alert_code(PassAlert alert);  // kPassAlerts
// one_month from a month before the end, three_months from three months
// before; none before, after the end or before the start.
PassAlert pass_alert(const Pass& pass, Date today);

// --- Dashboard -------------------------------------------------------------------

bool is_positive_exit(std::string_view outcome);

// Seed 003: about 50 % "n'est pas en capacité de communiquer par mail …
// (manque d'autonomie …)": "no" and "with_help" both count as unable.
bool unable_to_use_email(std::string_view answer);

// part / whole as a whole percentage, rounded half up; 0 when whole ≤ 0.
int percent(std::int64_t part, std::int64_t whole);

struct DashboardCounts {
  std::int64_t followed = 0;              // people followed on the end date
  std::int64_t interactions = 0;          // contacts made in the period
  std::int64_t people_contacted = 0;      // distinct people with an interaction
  std::int64_t people_reached = 0;        // distinct people reached
  std::int64_t followed_not_reached = 0;  // followed people not reached in the period
  std::int64_t assessed = 0;              // followed people with a digital assessment
  std::int64_t unable_to_email = 0;       // of which the last says unable to use e-mail
  std::int64_t exits = 0;
  std::int64_t positive_exits = 0;
};

struct DashboardShares {
  int not_reached = 0;      // % of followed
  int unable_to_email = 0;  // % of assessed
  int positive_exits = 0;   // % of exits
};

DashboardShares dashboard_shares(const DashboardCounts& counts);

}  // namespace passerelle::followup
