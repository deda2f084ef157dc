#pragma once
// Clauses module: pure rules (issue 4) — required insertion hours and their
// explanation, the contract status machine, checks of contracts and hours
// entries, rule-set evaluation, progress and forecast. No I/O: unit-tested alone.
// Calendar dates are those of the follow-up rules (followup::Date, ISO strings).
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/web/validation.hpp"
#include "followup/rules.hpp"

namespace passerelle::clauses {

using followup::Date;

// --- Numbers as French users type them ------------------------------------------------

// "1 234 567,89", "1234567.89", "1 234 567 €" → cents; nullopt when not a number
// or with more than two decimals. Negative amounts are returned (the caller refuses them).
std::optional<std::int64_t> parse_euros(std::string_view typed);
// "40", "40,5", "7.25 %" → basis points (1 % = 100); nullopt when not a number or more than two decimals.
std::optional<std::int64_t> parse_percent(std::string_view typed);
// "12", "12,5" (decimal hours), "12:30" or "12h30" → minutes; nullopt otherwise.
std::optional<std::int64_t> parse_hours(std::string_view typed);

// 123456789 → "1 234 567,89 €" (narrow no-break spaces as French typography wants: plain spaces here).
std::string format_euros(std::int64_t cents);
// 4000 → "40 %", 725 → "7,25 %".
std::string format_percent(std::int64_t bp);
// 9030 → "150 h 30", 9000 → "150 h"; thousands grouped: "1 200 h".
std::string format_hours(std::int64_t minutes);

// --- Required insertion hours ------------------------------------------------------------

struct HoursComputation {
  std::int64_t amount_cents = 0;
  std::int64_t labour_share_bp = 0;    // share of the amount paid as labour
  std::int64_t insertion_rate_bp = 0;  // share of that labour reserved to insertion
  std::int64_t hourly_cost_cents = 0;  // loaded hourly cost of a worker
};

// amount × labour share × insertion rate ÷ hourly cost, in minutes rounded to
// the nearest minute (half up); 0 when the hourly cost is not positive.
// 1 000 000,00 € × 40 % × 5 % ÷ 25,00 € = 800 h.
std::int64_t required_minutes(const HoursComputation& c);

// The computation in French, as shown next to the contract:
// "1 000 000,00 € × 40 % (part de main-d'œuvre) × 5 % (taux d'insertion) ÷ 25,00 € (coût horaire) = 800 h".
std::string explain_required_hours(const HoursComputation& c);

// --- Contract form -----------------------------------------------------------------------------

struct ContractInput {
  std::string reference, title, lots, sector, clause_type;
  std::string buyer_id, holder_organisation_id;  // ids, checked against the scope by the store
  std::string amount;                            // euros as typed
  std::string notified_on, start_date, end_date;  // ISO dates
  std::string hours_mode;                        // entered, computed
  std::string required_hours;                    // when entered
  std::string labour_share, insertion_rate;      // percent as typed, when computed
  std::string hourly_cost;                       // euros as typed, when computed
};

struct CheckedContract {
  std::string reference, title, lots, sector, clause_type, hours_mode;
  std::int64_t buyer_id = 0, holder_organisation_id = 0;
  std::int64_t amount_cents = 0, required_minutes = 0;
  std::optional<std::int64_t> labour_share_bp, insertion_rate_bp, hourly_cost_cents;
  Date notified_on, start_date, end_date;
};

// Every error at once, in French, keyed by the ContractInput field names.
std::expected<CheckedContract, web::Errors> check_contract(const ContractInput& input);

// --- Parties of a contract ------------------------------------------------------------------

struct PartyInput {
  std::string organisation_id;  // an organisation of the directory, checked by the store
  std::string role;             // code in kPartyRoles
};

struct CheckedParty {
  std::int64_t organisation_id = 0;
  std::string role;
};

// Errors keyed "organisation_id", "role".
std::expected<CheckedParty, web::Errors> check_party(const PartyInput& input);

// --- Purchase programme of a buyer -----------------------------------------------------------

struct ProgrammeItemInput {
  std::string year;              // "2021"
  std::string kind;              // code in kProgrammeKinds
  std::string title;
  std::string sector, clause_type;  // optional codes (kSectors, kClauseTypes)
  std::string planned_on;        // optional: ISO "2021-03-15" or French "15/03/2021"
  std::string estimated_amount;  // optional: euros as typed ("12 500,50")
  std::string status;            // code in kProgrammeStatuses; "" is planned
  std::string contract_id;       // optional: the notified contract (checked by the store)
  std::string notes;
};

struct CheckedProgrammeItem {
  int year = 0;
  std::string kind, title, sector, clause_type, status, notes;
  std::optional<Date> planned_on;
  std::optional<std::int64_t> estimated_amount_cents, contract_id;
};

// Years a programme may cover.
inline constexpr int kFirstProgrammeYear = 2000, kLastProgrammeYear = 2100;

// "2021" → 2021 within the years above; nullopt otherwise.
std::optional<int> parse_programme_year(std::string_view typed);
// ISO "2021-03-15" or French "15/03/2021" (one-digit day and month accepted).
std::optional<Date> parse_date_fr_or_iso(std::string_view typed);

// Every error at once, in French, keyed by the ProgrammeItemInput field names.
// The date lies in the programme's year or the year before (a meeting of
// December prepares the next year's purchases); only a planned contract is
// linked to a contract.
std::expected<CheckedProgrammeItem, web::Errors> check_programme_item(const ProgrammeItemInput& input);

// --- Contract status machine ---------------------------------------------------------------
// active ⇄ suspended; active | suspended | amended_extended → amended_extended
// (an amendment extends the end date); active | suspended | amended_extended →
// stopped | cancelled; active | amended_extended → completed. stopped, completed
// and cancelled are final.

struct StatusChange {
  std::string transition;       // code in kContractTransitions
  std::string effective_on;     // ISO date, as typed
  std::string reason;           // required except to resume or complete
  std::string legal_reference;  // optional: "ordonnance n° 2020-319 du 25 mars 2020"
  std::string new_end_date;     // amend_extend only: after the current end
};

struct ContractDates {
  Date start, end;  // the contract's current dates
};

struct CheckedStatusChange {
  std::string to_status;
  Date effective_on;
  std::string reason, legal_reference;
  std::optional<Date> new_end_date;
};

// The status after the change, or French errors keyed "transition",
// "effective_on", "reason", "legal_reference", "new_end_date". The effective
// date lies between the contract's start − 1 year and its end + 1 year (an
// end may be recorded late) and is never before the last change (`since`).
std::expected<CheckedStatusChange, web::Errors> check_status_change(std::string_view from_status,
                                                                   const StatusChange& change,
                                                                   const ContractDates& dates,
                                                                   std::optional<Date> since = std::nullopt);

std::vector<std::string_view> transitions_from(std::string_view status);
bool is_final_status(std::string_view status);

// --- Hours entries ------------------------------------------------------------------------------

// The legal daily maximum of 10 hours (code du travail, art. L3121-18) on
// every weekday (Monday to Friday) of the month: April 2020 has 22 → 220 h.
std::int64_t possible_minutes_in_month(int year, int month);

// "2020-04" → {2020, 4}; strict (four-digit year, two-digit month).
std::optional<std::pair<int, int>> parse_month(std::string_view ym);
std::string format_month_fr(std::string_view ym);  // "2020-04" → "avril 2020"

struct HoursInput {
  std::string person_name, participant_id;  // the name is required
  std::string month;                         // "YYYY-MM"
  std::string employer_name;
  std::string modality, situation, eligibility;  // codes
  std::string hours;                             // as typed
};

struct CheckedHours {
  std::string person_name, month, employer_name, modality, situation, eligibility;
  std::optional<std::int64_t> participant_id;
  std::int64_t minutes = 0;
};

// Errors keyed by the HoursInput field names: the month must meet the
// contract's dates, hours > 0 and not above the month's possible hours, known codes.
std::expected<CheckedHours, web::Errors> check_hours(const HoursInput& input, const ContractDates& contract);

// --- Rule sets ----------------------------------------------------------------------------------

struct Rule {
  std::int64_t id = 0;
  int position = 0;
  std::string situation;    // "" matches any
  std::string eligibility;  // "" matches any
  std::string decision;     // code in kDecisions
  std::string note;
};

struct RuleSet {
  std::int64_t id = 0;
  std::string code, name, legal_reference, description;
  int version = 1;
  std::optional<Date> effective_from, effective_to;  // both included; none: no limit
  int priority = 0;
  std::vector<Rule> rules;  // sorted by position
};

// True when the set is in effect on at least one day of the month.
bool in_effect(const RuleSet& set, int year, int month);

struct Evaluation {
  std::string decision;  // code in kDecisions
  std::int64_t rule_set_id = 0, rule_id = 0;
  std::string rule_set_code, rule_set_name;
  int rule_set_version = 0;
  int rule_position = 0;
  std::string explanation;  // French: which rule of which version decided
};

// Sets in effect in the month, highest priority first (then the newest
// start); in each, the first rule (by position) matching the situation and
// the eligibility decides. Nothing matches: facilitator_decides with no rule.
Evaluation evaluate(std::span<const RuleSet> sets, std::string_view month, std::string_view situation,
                    std::string_view eligibility);

// Whether the entry's minutes count towards the contract: validated, or
// facilitator_decides accepted at review.
bool counts(std::string_view decision, std::string_view review_status);

// The review status an entry gets from a (re)computed decision: "pending" for
// facilitator_decides unless already reviewed, "" otherwise.
std::string review_status_after(std::string_view decision, std::string_view previous_review_status);

// The two sets shipped with the application.
// Default: hours worked, in training, on paid leave or in telework count; the
// eligibility "other, on a partner's reasoned opinion" and childcare leave are
// for the facilitator to judge; sick leave and partial unemployment do not count.
RuleSet default_rule_set();
// Seed 003 (EPEC, with the DAJ and Alliance Villes Emploi), valuing insertion
// hours during the état d'urgence sanitaire, under ordonnance n° 2020-319 du
// 25 mars 2020 (contracts in force from 12 March 2020 to the end of the
// emergency + 2 months, i.e. 23 July 2020 after ordonnance n° 2020-560 du
// 13 mai 2020): telework validated; childcare and sick leave covered by social
// security "peuvent être validées" → facilitator decides; partial unemployment not validated.
RuleSet covid_2020_rule_set();

struct RuleSetDatesInput {
  std::string effective_from, effective_to;  // ISO dates, "" for no limit
};
// Errors keyed "effective_from", "effective_to" (bad date, end before start).
std::expected<std::pair<std::optional<Date>, std::optional<Date>>, web::Errors> check_rule_set_dates(
    const RuleSetDatesInput& input);

// --- Progress --------------------------------------------------------------------------------------

struct ProgressInput {
  std::int64_t required_minutes = 0;
  std::int64_t validated_minutes = 0;  // counted minutes so far
  std::int64_t pending_minutes = 0;    // facilitator_decides not yet reviewed
  Date start, end, today;
};

struct Progress {
  int percent = 0;              // validated / required, rounded down, may exceed 100
  int bar_percent = 0;          // clamped to 0..100 for the progress bar
  std::int64_t remaining_minutes = 0;
  int months_elapsed = 0;       // months of the contract up to today (at least 1 once started)
  int months_total = 0;         // months from the start month to the end month
  std::int64_t monthly_pace_minutes = 0;
  std::int64_t forecast_minutes = 0;  // at the end date, at the pace so far
  int forecast_percent = 0;
  bool started = false, on_track = false;
  std::string summary;  // French sentence
};

// Forecast = validated + pace × months left, pace = validated ÷ months elapsed.
Progress progress(const ProgressInput& in);

// Months from a's month to b's month, both included (0 when b's month is before a's).
int months_spanned(Date a, Date b);

}  // namespace passerelle::clauses
