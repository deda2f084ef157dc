#pragma once
// Pure rules of the employment module: validation of job offers, CV profiles
// and CV files, the positioning state machine, and the folded search text.
// No I/O: what needs the database (is this ROME code in the reference list?)
// is asked through a callback or a flag the store fills in.
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/web/validation.hpp"
#include "employment/model.hpp"
#include "followup/rules.hpp"

namespace passerelle::employment {

using followup::Date;

// Is this ROME code in the reference list (table rome_codes)?
using RomeLookup = std::function<bool(std::string_view)>;

// "F1703": a letter A–N and four digits (the ROME v3 code shape).
bool is_rome_code_shape(std::string_view code);

// Weekly hours typed as "35", "17,5", "17.5" or "24h30" → minutes; nullopt when not a duration.
std::optional<int> parse_weekly_minutes(std::string_view text);
// 2100 → "35 h", 1050 → "17 h 30".
std::string format_minutes(int minutes);

// Weekly working time of an offer or a hire: above 0, at most 48 h
// (Code du travail, art. L3121-20: maximum weekly working time).
inline constexpr int kMaxWeeklyMinutes = 48 * 60;

// --- Job offers ------------------------------------------------------------------

struct OfferInput {
  std::string employer_id;     // organisation of kind employer, checked by the store
  std::string title, rome_code, contract_type, weekly_hours;  // weekly_hours as typed
  std::string positions = "1";
  std::string place, department, start_date, end_date;
  std::string contract_id;     // linked public contract (clauses module), optional
  std::string status = "draft";
  std::string description;
};

// Validated values (after validate_offer succeeded).
struct OfferValues {
  std::int64_t employer_id = 0;
  int weekly_minutes = 0, positions = 1;
  std::optional<std::int64_t> contract_id;
};

// Every error at once, French, keyed by field. `rome_known` tells whether a
// well-formed code is in the reference list.
std::expected<OfferValues, web::Errors> validate_offer(const OfferInput& input, const RomeLookup& rome_known);

// --- CV profiles ------------------------------------------------------------------

struct ProfileInput {
  std::string participant_id;  // a participant of the follow-up module, optional
  std::string first_name, last_name, email, phone, postcode, commune, department;
  std::vector<std::string> target_trades;  // ROME codes, 1 to kMaxTrades
  std::string skills, qualifications, languages;
  std::string driving_licence, vehicle;  // "1" or ""
  std::string radius_km;                 // mobility radius, optional
  std::string available_from;            // ISO date, optional
  std::string consent, consent_date;     // consent to be shown to companies
  std::string recommended_by_id;         // recommending partner organisation, optional
  std::string recommended_contact;       // name / phone / e-mail of the contact there
  std::string notes;
};

inline constexpr std::size_t kMaxTrades = 5;
inline constexpr int kMaxRadiusKm = 300;

struct ProfileValues {
  std::optional<std::int64_t> participant_id, recommended_by_id;
  std::optional<int> radius_km;
  bool driving_licence = false, vehicle = false, consent = false;
};

std::expected<ProfileValues, web::Errors> validate_profile(const ProfileInput& input, Date today,
                                                           const RomeLookup& rome_known);

// A profile may be shown or pushed to a company only with a recorded consent
// (RGPD, art. 6-1-a: the person agreed to their CV being sent to employers).
bool may_show_to_company(bool consent, std::string_view consent_date);
inline constexpr std::string_view kNoConsentMessage =
    "Ce profil n'a pas donné son consentement à être présenté aux entreprises : il ne peut pas leur être transmis.";

// --- CV files ----------------------------------------------------------------------

inline constexpr std::size_t kMaxCvBytes = 2 * 1024 * 1024;  // 2 Mo
// PDF only (checked on the content: "%PDF-" at the start), not empty, at most 2 Mo.
// nullopt when acceptable, else the French message.
std::optional<std::string> check_cv_file(std::string_view filename, std::string_view bytes);

// --- Positionings ----------------------------------------------------------------------

// A hire records the contract type, its start and the weekly hours.
struct HireInput {
  std::string contract_type, start_date, weekly_hours;
};
struct Hire {
  std::string contract_type, start_date;
  int weekly_minutes = 0;
};

// The state a named transition leads to from `from`; nullopt when not allowed.
std::optional<std::string_view> next_state(std::string_view from, std::string_view transition);
// The transitions allowed from a state, in kPositioningTransitions order.
std::vector<std::string_view> allowed_transitions(std::string_view from);

struct TransitionResult {
  std::string to;
  std::optional<Hire> hire;  // only for "hire"
};
// Checks the transition (French error on field "transition" when not allowed)
// and, for a hire, its details (fields contract_type, start_date, weekly_hours).
std::expected<TransitionResult, web::Errors> apply_transition(std::string_view from, std::string_view transition,
                                                             const HireInput& hire);

// --- Search --------------------------------------------------------------------------

// The folded search text of a profile (names, trades with their labels,
// skills, qualifications, languages, commune): accent- and case-insensitive.
std::string profile_search_text(const ProfileInput& input, const std::vector<std::string>& trade_labels);
// The folded words of the trades alone (codes and labels): a query word found
// there ranks a profile above one where it is only in the skills.
std::string profile_trade_text(const std::vector<std::string>& trades, const std::vector<std::string>& trade_labels);

}  // namespace passerelle::employment
