#pragma once
// SQL of the clauses module (issue 4), scoped by the caller's organisations:
// a buyer or a contract is visible when its facilitating organisation
// (`organisation_id`) lies in one of the caller's subtrees (network::Scope).
// Reads take the scope; writes take ids the route has already resolved through
// a scoped read (an id out of scope answers 404 before any write).
#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "clauses/rules.hpp"
#include "core/db/database.hpp"
#include "core/web/validation.hpp"
#include "network/store.hpp"

namespace passerelle::clauses {

using network::Scope;

// --- Buyers ------------------------------------------------------------------------------

struct Buyer {
  std::int64_t id = 0, organisation_id = 0, buyer_organisation_id = 0;
  std::string name;  // the buyer organisation's name
  std::string contact_name, contact_email, notes, created_at;
};

std::vector<Buyer> list_buyers(db::Connection& db, const Scope& scope);
std::optional<Buyer> get_buyer(db::Connection& db, const Scope& scope, std::int64_t id);
// The buyer organisation must exist; a second buyer row for the same pair is refused.
std::expected<std::int64_t, web::Errors> create_buyer(db::Connection& db, std::int64_t organisation_id,
                                                      std::int64_t buyer_organisation_id, std::string_view contact_name,
                                                      std::string_view contact_email, std::string_view notes);

// --- Contracts ------------------------------------------------------------------------------

struct Contract {
  std::int64_t id = 0, organisation_id = 0, buyer_id = 0, holder_organisation_id = 0;
  std::string reference, sort_reference, title, lots, sector, clause_type, hours_mode, status, status_since;
  std::string buyer_name, holder_name, organisation_name;
  std::int64_t amount_cents = 0, required_minutes = 0;
  std::optional<std::int64_t> labour_share_bp, insertion_rate_bp, hourly_cost_cents;
  std::string notified_on, start_date, end_date, created_at, updated_at;
  std::int64_t counted_minutes = 0;  // filled by lists and get_contract
};

struct ContractFilter {
  std::string q;  // words of the reference, title, lots, holder or buyer
  std::string status, sector;
  std::optional<std::int64_t> buyer_id, holder_organisation_id;
  std::string after_key;  // keyset: sort_reference and id of the last row shown
  std::int64_t after_id = 0;
  int limit = 50;
};

struct ContractPage {
  std::vector<Contract> items;
  std::int64_t total = 0;  // capped
};

ContractPage contract_page(db::Connection& db, const Scope& scope, const ContractFilter& filter, std::int64_t count_cap);
std::vector<Contract> list_contracts(db::Connection& db, const Scope& scope, const ContractFilter& filter);
std::optional<Contract> get_contract(db::Connection& db, const Scope& scope, std::int64_t id);
// Contracts of the scope with this reference (several buyers may use the same one).
std::vector<Contract> contracts_by_reference(db::Connection& db, const Scope& scope, std::string_view reference);

// Checks the buyer and the holder against the scope (buyer) and the directory
// (holder), then writes the contract with its first status row ("active").
// The contract is followed by the buyer's facilitating organisation.
std::expected<std::int64_t, web::Errors> create_contract(db::Connection& db, const Scope& scope, const ContractInput& input,
                                                         std::optional<std::int64_t> user_id);
// Edits the contract (not its status: that is a status change).
std::expected<void, web::Errors> update_contract(db::Connection& db, const Scope& scope, std::int64_t contract_id,
                                                 const ContractInput& input);

// --- Parties (co-contractors and subcontractors) ---------------------------------------------

struct Party {
  std::int64_t contract_id = 0, organisation_id = 0;
  std::string organisation_name, role;
};

// The parties of a contract: co-contractors first, then subcontractors, by name.
std::vector<Party> contract_parties(db::Connection& db, std::int64_t contract_id);
// The parties of several contracts at once (exports), by contract id.
std::map<std::int64_t, std::vector<Party>> parties_of(db::Connection& db, std::span<const std::int64_t> contract_ids);
// Adds an organisation of the directory with its role; refused for an unknown
// organisation, the contract's holder, or an organisation already in that role.
std::expected<Party, web::Errors> add_party(db::Connection& db, const Contract& contract, const PartyInput& input);
// False when the contract has no such party.
bool remove_party(db::Connection& db, std::int64_t contract_id, std::int64_t organisation_id, std::string_view role);

// --- Purchase programme of a buyer -----------------------------------------------------------------

struct ProgrammeItem {
  std::int64_t id = 0, buyer_id = 0;
  int year = 0;
  std::string kind, title, sector, clause_type, planned_on, status, notes, created_at;
  std::optional<std::int64_t> estimated_amount_cents, contract_id;
  std::string contract_reference, contract_title;  // when linked
};

// The buyer's items, of one year or all, by year, date (undated last) and id.
std::vector<ProgrammeItem> programme_of(db::Connection& db, std::int64_t buyer_id, std::optional<int> year = std::nullopt);
// The years of the buyer's programme, most recent first.
std::vector<int> programme_years(db::Connection& db, std::int64_t buyer_id);
std::optional<ProgrammeItem> get_programme_item(db::Connection& db, std::int64_t buyer_id, std::int64_t item_id);
// A linked contract must be a contract of this buyer in the caller's scope.
std::expected<std::int64_t, web::Errors> create_programme_item(db::Connection& db, const Scope& scope, const Buyer& buyer,
                                                               const ProgrammeItemInput& input);
std::expected<void, web::Errors> update_programme_item(db::Connection& db, const Scope& scope, const Buyer& buyer,
                                                       std::int64_t item_id, const ProgrammeItemInput& input);

// --- Status ---------------------------------------------------------------------------------

struct StatusEvent {
  std::int64_t id = 0, contract_id = 0;
  std::string effective_on, from_status, to_status, reason, legal_reference, new_end_date, user_name, at;
};

std::vector<StatusEvent> status_history(db::Connection& db, std::int64_t contract_id);

// Applies one change: a history row, the contract's status (and end date for an amendment).
std::expected<std::string, web::Errors> change_status(db::Connection& db, std::int64_t contract_id,
                                                      const StatusChange& change, std::optional<std::int64_t> user_id);

struct BulkRefusal {
  std::int64_t contract_id = 0;
  std::string reference;
  std::string message;  // French
};

struct BulkResult {
  web::Errors errors;                 // the form's fields (date, reason…)
  std::vector<BulkRefusal> refused;   // contracts the change does not fit
  std::size_t changed = 0;
};

// The same change on many contracts of the scope, in one transaction: all of
// them, or none when one of them refuses it (the result lists which and why).
// An id out of scope is refused like a missing one.
BulkResult bulk_change_status(db::Connection& db, const Scope& scope, std::span<const std::int64_t> contract_ids,
                              const StatusChange& change, std::optional<std::int64_t> user_id);

// --- Rule sets ---------------------------------------------------------------------------------

struct RuleSetRow {
  RuleSet set;
  std::string retired_at, created_at;
  std::int64_t entries = 0;  // entries it decided
};

// The current version of every code (what evaluate() uses), by priority.
std::vector<RuleSet> current_rule_sets(db::Connection& db);
// Every version, current first, with the count of entries each decided.
std::vector<RuleSetRow> all_rule_sets(db::Connection& db);
std::optional<RuleSet> get_rule_set(db::Connection& db, std::int64_t id);
// Writes the shipped sets (default and covid_2020) when no version of them exists.
void ensure_builtin_rule_sets(db::Connection& db);

// --- Insertion hours ----------------------------------------------------------------------------

struct HoursEntry {
  std::int64_t id = 0, contract_id = 0, minutes = 0;
  std::optional<std::int64_t> participant_id;
  std::string contract_reference, person_name, month, employer_name, modality, situation, eligibility;
  std::string decision, review_status, review_reason, source, created_at;
  std::optional<std::int64_t> rule_set_id, rule_id;
  int rule_set_version = 0, rule_position = 0;
  std::string rule_set_name;
  bool counted = false;
};

// Checks the entry against the contract, evaluates the current rule sets and
// stores the entry with the decision and the rule and version that made it.
// A linked participant must be followed inside the caller's scope: one outside it
// gets the same error as an unknown id (nothing tells that it exists).
std::expected<std::int64_t, web::Errors> add_hours(db::Connection& db, const Scope& scope, const Contract& contract,
                                                   const HoursInput& input,
                                                   std::optional<std::int64_t> user_id, std::string_view source = "form");
std::vector<HoursEntry> hours_of(db::Connection& db, std::int64_t contract_id, int limit = 500);

// One page of a contract's entries, the most recent month first (then the
// newest entry), optionally of one month or one situation; keyset on the
// last row shown (month, id).
struct HoursFilter {
  std::string month;      // "YYYY-MM", "" for all
  std::string situation;  // a code of kSituations, "" for all
  std::string after_month;
  std::int64_t after_id = 0;
  int limit = 50;
};
std::vector<HoursEntry> hours_page(db::Connection& db, std::int64_t contract_id, const HoursFilter& filter);
// How many entries the filter selects (the keyset ignored).
std::int64_t count_hours(db::Connection& db, std::int64_t contract_id, const HoursFilter& filter);
std::optional<HoursEntry> get_hours(db::Connection& db, const Scope& scope, std::int64_t id);

struct ReviewFilter {
  std::optional<std::int64_t> contract_id;  // one contract's entries only
  std::int64_t after_id = 0;
  int limit = 50;
};
// Pending "facilitator decides" entries of the scope, oldest first.
std::vector<HoursEntry> review_queue(db::Connection& db, const Scope& scope, const ReviewFilter& filter);
std::int64_t count_pending_reviews(db::Connection& db, const Scope& scope);

struct ReviewEvent {
  std::string outcome, reason, user_name, at;
};
// accepted / refused with a reason (required): a history row, and the entry counts or not.
std::expected<void, web::Errors> review_hours(db::Connection& db, std::int64_t entry_id, std::string_view outcome,
                                              std::string_view reason, std::optional<std::int64_t> user_id);
std::vector<ReviewEvent> review_history(db::Connection& db, std::int64_t entry_id);

// --- Statement import ------------------------------------------------------------------------------
// A holder's monthly statement, one line per person × contract × month:
// reference_marche;nom;mois;heures;modalite;situation;eligibilite;employeur
// Codes or French labels are accepted (case and accents ignored).

inline constexpr std::string_view kStatementHeader =
    "reference_marche;nom;mois;heures;modalite;situation;eligibilite;employeur";

struct ImportLineError {
  std::size_t line = 0;
  std::string message;  // French, names the column
};

struct StatementLine {
  std::size_t line = 0;
  std::int64_t contract_id = 0;
  CheckedHours hours;
};

struct StatementPlan {
  std::string fatal;  // the file cannot be read (French)
  std::size_t data_lines = 0;
  std::vector<StatementLine> valid;
  std::vector<ImportLineError> errors;
};

StatementPlan plan_statement_import(db::Connection& db, const Scope& scope, std::string_view csv);
// Inserts the valid lines in one transaction with their decisions; returns how many.
std::size_t apply_statement_import(db::Connection& db, const StatementPlan& plan, std::optional<std::int64_t> user_id,
                                   std::optional<std::int64_t> import_id);

// --- Contracts table import ---------------------------------------------------------------------------
// reference;acheteur;objet;lots;secteur;titulaire;montant;notification;debut;fin;type_clause;heures_exigees;
// part_main_oeuvre;taux_insertion;cout_horaire;statut;cotraitants;sous_traitants
// The buyer and the holder are named as in the directory (buyer among the
// scope's buyers); a reference already known for that buyer updates the contract.
// cotraitants and sous_traitants (optional columns, names of the directory
// separated by ";", as the export writes them): when the column is in the
// file, its names replace the contract's parties of that role.

inline constexpr std::string_view kContractsHeader =
    "reference;acheteur;objet;lots;secteur;titulaire;montant;notification;debut;fin;type_clause;heures_exigees;"
    "part_main_oeuvre;taux_insertion;cout_horaire;statut;cotraitants;sous_traitants";

struct ContractLine {
  std::size_t line = 0;
  ContractInput input;
  std::optional<std::int64_t> existing_id;
  // Organisations of each role; nullopt when the file has no such column (parties left as they are).
  std::optional<std::vector<std::int64_t>> co_contractors, subcontractors;
};

struct ContractsPlan {
  std::string fatal;
  std::size_t data_lines = 0;
  std::vector<ContractLine> valid;
  std::vector<ImportLineError> errors;
};

ContractsPlan plan_contracts_import(db::Connection& db, const Scope& scope, std::string_view csv);
// Creates or updates the valid lines in one transaction; returns how many.
std::size_t apply_contracts_import(db::Connection& db, const Scope& scope, const ContractsPlan& plan,
                                   std::optional<std::int64_t> user_id);

// --- Rule-set change and recompute ------------------------------------------------------------------

struct DecisionChange {
  std::string month, situation, eligibility;
  std::string from_decision, to_decision;
  std::int64_t entries = 0, minutes = 0;
  std::int64_t from_rule_id = 0;  // 0: no rule
};

struct RecomputePlan {
  std::vector<DecisionChange> changes;  // groups of entries whose decision or rule changes
  std::int64_t entries = 0;             // entries re-decided (decision or deciding rule)
  std::int64_t decisions_changed = 0;   // of which the decision itself changes
};

// What would change if `sets` were the current rule sets (nothing written).
RecomputePlan preview_recompute(db::Connection& db, std::span<const RuleSet> sets);

// New dates of effect for a set: a new version (the previous one is retired),
// then every entry is re-decided by the current sets. Audited by the caller.
struct RuleSetEdit {
  RuleSet next;           // the new version as it would be written (id 0)
  RecomputePlan preview;  // what would change
};
std::expected<RuleSetEdit, web::Errors> plan_rule_set_dates(db::Connection& db, std::int64_t rule_set_id,
                                                            const RuleSetDatesInput& input);
struct RecomputeResult {
  std::int64_t new_rule_set_id = 0;
  std::int64_t entries_updated = 0;    // entries now attributed to the new version or another rule
  std::int64_t decisions_changed = 0;  // entries whose decision changed
};
std::expected<RecomputeResult, web::Errors> apply_rule_set_dates(db::Connection& db, std::int64_t rule_set_id,
                                                                 const RuleSetDatesInput& input,
                                                                 std::optional<std::int64_t> user_id);
// Re-decides every entry by the current sets; returns the entries updated.
std::int64_t recompute_all(db::Connection& db);

// --- Progress -------------------------------------------------------------------------------------------

struct ContractTotals {
  std::int64_t counted_minutes = 0, pending_minutes = 0, refused_minutes = 0, not_validated_minutes = 0;
  std::int64_t people = 0, hires = 0;  // distinct people; direct hires and apprenticeships
};
ContractTotals contract_totals(db::Connection& db, std::int64_t contract_id);

struct MonthTotal {
  std::string month;
  std::int64_t counted_minutes = 0, other_minutes = 0;
};
std::vector<MonthTotal> monthly_totals(db::Connection& db, std::int64_t contract_id);

struct GroupProgress {
  std::int64_t id = 0;
  std::string name;
  std::int64_t contracts = 0, required_minutes = 0, counted_minutes = 0;
};
// Required vs counted hours by buyer and by holder, over the scope.
std::vector<GroupProgress> progress_by_buyer(db::Connection& db, const Scope& scope);
std::vector<GroupProgress> progress_by_holder(db::Connection& db, const Scope& scope, int limit = 100);

// --- Dashboard (issue 4: contracts by status, hours by modality and situation) ----------------

struct HoursBreakdown {
  std::string code;  // a modality or a situation
  std::int64_t entries = 0, minutes = 0, counted_minutes = 0;
};

struct Dashboard {
  // Contracts of the scope in execution during the period (start on or before
  // its end, end on or after its start), by their status on the period's last
  // day as the dated history tells it, in the order of kContractStatuses.
  std::int64_t contracts = 0, required_minutes = 0;
  std::vector<std::pair<std::string, std::int64_t>> contracts_by_status;
  // Hours entries of the scope's contracts for the months of the period.
  std::int64_t entries = 0, minutes = 0, counted_minutes = 0, pending_minutes = 0;
  std::vector<HoursBreakdown> by_modality, by_situation;  // codes with entries, in the order of their tables
};
// `from` and `to` are ISO dates, both included.
Dashboard dashboard(db::Connection& db, const Scope& scope, const std::string& from, const std::string& to);
// The first start date of the scope's contracts ("" when it has none): the default start of the period.
std::string first_contract_start(db::Connection& db, const Scope& scope);

}  // namespace passerelle::clauses
