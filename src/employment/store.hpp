#pragma once
// SQL of the employment module (issue 4), scoped by the caller:
// - a clause facilitator (or an administrator) sees the offers, profiles and
//   positionings of the organisations in their subtrees (network::Scope);
// - a partner (prescriber) sees the open offers (diffused to the partners of
//   the "Comité technique emploi", seed 003), the profiles they recommended and
//   the positionings they made, with their outcome — nothing else.
// A row outside what the caller sees is "not found", like a missing id.
//
// Writes of several rows (a positioning and its history row…) must run inside
// the route's db::Transaction, with its audit record.
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/db/database.hpp"
#include "core/web/validation.hpp"
#include "employment/rules.hpp"
#include "network/store.hpp"

namespace passerelle::employment {

using network::Scope;

// Who reads: a scope of organisations, or (partner) only the rows of one user.
struct Viewer {
  Scope scope;                              // facilitator / administrator subtrees
  std::optional<std::int64_t> partner_id;   // set for a partner: their own rows only
  bool is_partner() const { return partner_id.has_value(); }
};

Date paris_today();

// --- ROME reference list ---------------------------------------------------------------

struct RomeCode {
  std::string code, label;
};
std::vector<RomeCode> rome_codes(db::Connection& db);
bool rome_known(db::Connection& db, std::string_view code);

// --- Employers (organisations of kind employer in the caller's scope) -----------------------

struct Employer {
  std::int64_t id = 0;
  std::string name, commune, department;
};
std::vector<Employer> employers_in_scope(db::Connection& db, const Scope& scope);

// CV libraries a partner may recommend to: organisations where a clause
// facilitator works (maison de l'emploi, PLIE, facilitating structure).
struct Library {
  std::int64_t id = 0;
  std::string name;
};
std::vector<Library> libraries(db::Connection& db);
bool is_library(db::Connection& db, std::int64_t organisation_id);

// --- Job offers --------------------------------------------------------------------------

struct Offer {
  std::int64_t id = 0, organisation_id = 0, employer_id = 0;
  std::string organisation_name, employer_name;
  std::string title, rome_code, rome_label, contract_type;
  int weekly_minutes = 0, positions = 0;
  std::string place, department, start_date, end_date, status, description;
  std::optional<std::int64_t> contract_id;
  std::int64_t positionings = 0, hires = 0;  // counts (lists and pages)
  std::string created_at, updated_at;
};

struct OfferFilter {
  std::string q;              // words of the title, trade, employer, place
  std::string status, contract_type;
  std::optional<std::int64_t> employer_id;
  std::int64_t before_id = 0;  // keyset: newest first
  int limit = 50;
};

// Offers of the scope; a partner sees the open offers of every organisation.
std::vector<Offer> list_offers(db::Connection& db, const Viewer& viewer, const OfferFilter& filter);
std::optional<Offer> get_offer(db::Connection& db, const Viewer& viewer, std::int64_t id);

// `organisation_id` (the owner) has been checked against the caller's scope;
// the employer must be an organisation of kind employer in `scope`.
// The reference of a public contract (clauses module) in the scope, to link an offer to it.
std::optional<std::string> contract_reference(db::Connection& db, const Scope& scope, std::int64_t contract_id);

std::expected<std::int64_t, web::Errors> create_offer(db::Connection& db, const Scope& scope,
                                                      std::int64_t organisation_id, const OfferInput& input,
                                                      std::int64_t user_id);
// A status change writes a history row with `reason`.
std::expected<void, web::Errors> update_offer(db::Connection& db, const Scope& scope, std::int64_t id,
                                              const OfferInput& input, std::int64_t user_id,
                                              std::string_view reason = {});

struct OfferEvent {
  std::string at, user_name, status, reason;
};
std::vector<OfferEvent> offer_history(db::Connection& db, std::int64_t offer_id);

// --- CV library -------------------------------------------------------------------------

struct Profile {
  std::int64_t id = 0, organisation_id = 0;
  std::string organisation_name;
  std::optional<std::int64_t> participant_id, recommended_by_id, recommended_by_user_id;
  std::string recommended_by_name;
  std::string first_name, last_name, email, phone, postcode, commune, department;
  std::vector<RomeCode> trades;
  std::string skills, qualifications, languages;
  bool driving_licence = false, vehicle = false, consent = false;
  std::optional<int> radius_km;
  std::string available_from, consent_date, recommended_contact, notes;
  std::string cv_filename, cv_sha256;  // empty without a CV
  std::int64_t cv_size = 0;
  std::string created_at, updated_at;
  bool may_show_to_company() const { return employment::may_show_to_company(consent, consent_date); }
};

std::expected<std::int64_t, web::Errors> create_profile(db::Connection& db, std::int64_t organisation_id,
                                                        const ProfileInput& input, std::int64_t user_id,
                                                        bool by_partner);
std::expected<void, web::Errors> update_profile(db::Connection& db, std::int64_t id, const ProfileInput& input);
std::optional<Profile> get_profile(db::Connection& db, const Viewer& viewer, std::int64_t id);

struct ProfileFilter {
  std::string q;                  // free text, accent-insensitive; ranks trade matches first
  std::string trade;              // a ROME code
  std::string department;
  std::string available_before;   // ISO date: available on that day (or no date given)
  bool licence = false;           // holds a driving licence
  bool consent_only = false;      // may be shown to companies
  // keyset on (rank, id), best first
  std::optional<std::int64_t> after_rank;
  std::int64_t after_id = 0;
  int limit = 20;
};

struct ProfileRow {
  std::int64_t id = 0, rank = 0;
  std::string first_name, last_name, commune, department, available_from, organisation_name;
  std::vector<RomeCode> trades;
  bool driving_licence = false, consent = false, has_cv = false;
};

struct ProfilePage {
  std::vector<ProfileRow> items;
  std::int64_t total = 0;
};
ProfilePage search_profiles(db::Connection& db, const Viewer& viewer, const ProfileFilter& filter);

// CV files: PDF only, 2 Mo at most (check_cv_file); replaces the previous one.
std::expected<void, web::Errors> store_cv(db::Connection& db, std::int64_t profile_id, std::string_view filename,
                                          std::string_view bytes, std::int64_t user_id);
struct CvFile {
  std::string filename, content_type, sha256, data;
  std::int64_t size = 0;
};
std::optional<CvFile> get_cv(db::Connection& db, std::int64_t profile_id);

// Writes the search rows (cv_search) of these profiles from their stored fields:
// after any change of a profile's words, department, licence, consent or availability.
void index_profiles(db::Connection& db, const std::vector<std::int64_t>& ids);

// Rebuilds the whole search index: always, or only when there are profiles and no
// search rows (after an upgrade). Returns the number of profiles indexed.
std::size_t rebuild_profile_search(db::Connection& db, bool only_if_missing);

// --- Positionings --------------------------------------------------------------------------

struct PositioningInput {
  std::string profile_id, offer_id, employer_id;  // an offer, or an employer for a push
  std::string partner_kind, partner_organisation_id, note;
};

struct Positioning {
  std::int64_t id = 0, organisation_id = 0, profile_id = 0, employer_id = 0, created_by = 0;
  std::optional<std::int64_t> offer_id, partner_organisation_id;
  std::string profile_name, offer_title, employer_name, partner_kind, partner_organisation_name, created_by_name;
  std::string offer_contract_type;
  std::string state, hire_contract_type, hire_start_date, preparation_call_at, preparation_call_note, note;
  int hire_weekly_minutes = 0;
  std::string created_at, updated_at;
};

struct PositioningFilter {
  std::optional<std::int64_t> offer_id, profile_id;
  std::string state, partner_kind;
  std::int64_t before_id = 0;  // keyset: newest first
  int limit = 50;
};

// Checks that the profile, the offer and the employer are visible to the
// viewer, and that the profile consented to be shown to companies (French
// error on "profile_id" otherwise). A partner may orient only on an open offer.
std::expected<std::int64_t, web::Errors> create_positioning(db::Connection& db, const Viewer& viewer,
                                                            const PositioningInput& input, std::int64_t user_id);
std::vector<Positioning> list_positionings(db::Connection& db, const Viewer& viewer, const PositioningFilter& filter);
std::optional<Positioning> get_positioning(db::Connection& db, const Viewer& viewer, std::int64_t id);

// A named transition (rules::apply_transition), written as a history row; sending
// to the employer needs the profile's consent.
std::expected<void, web::Errors> change_positioning_state(db::Connection& db, const Positioning& p,
                                                          std::string_view transition, const HireInput& hire,
                                                          std::string_view note, std::int64_t user_id);
// The interview-preparation call made by the clauses team (seed 003).
std::expected<void, web::Errors> log_preparation_call(db::Connection& db, const Positioning& p,
                                                      std::string_view note, std::int64_t user_id);

struct PositioningEvent {
  std::string at, user_name, transition, from_state, to_state, note;
};
std::vector<PositioningEvent> positioning_history(db::Connection& db, std::int64_t positioning_id);

}  // namespace passerelle::employment

namespace passerelle::employment {

// --- Dashboard (seed 003's figures) ---------------------------------------------------------

struct Figures {
  std::int64_t offers_processed = 0;   // open, filled or closed offers created in the period
  std::int64_t hires = 0;              // "hire" transitions in the period
  std::int64_t orientations = 0;       // positionings made in the period on a partner's orientation
  std::int64_t in_progress = 0;        // positionings made in the period, still proposed / sent / interview
  std::int64_t work_study_posts = 0;   // posts of the work-study offers that have one of those
  std::int64_t library_size = 0;       // profiles in the CV library at the end of the period
  std::int64_t library_consented = 0;  // of which presentable to companies
  std::vector<std::pair<std::string, std::int64_t>> in_progress_by_contract;  // contract type, "" for a push
  std::vector<std::pair<std::string, std::int64_t>> orientations_by_partner;  // partner kind
};
// Dates "YYYY-MM-DD", both included, instants compared in UTC.
Figures figures(db::Connection& db, const Scope& scope, const std::string& from, const std::string& to);

}  // namespace passerelle::employment
