#pragma once
// SQL of memberships (adhésions), filtered by the caller's scope (the
// organisation's path), with a history row for every status change.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/db/database.hpp"
#include "network/membership_rules.hpp"
#include "network/store.hpp"

namespace passerelle::network {

std::vector<StatusRule> load_status_rules(db::Connection& db);

struct Membership {
  std::int64_t id = 0, organisation_id = 0;
  std::string organisation_name, organisation_kind, organisation_path, department, region, delegation_name, sort_name;
  int year = 0;
  std::string join_date, start_date, end_date, paid_date;  // paid_date "" when unpaid
  std::int64_t fee_cents = 0;
  std::string status, status_override, override_until;
  std::optional<std::int64_t> renewed_from_id;
  bool renewed = false;  // a later year exists for the organisation
  std::string created_at, updated_at;
  MembershipFacts facts() const { return {join_date, start_date, end_date, !paid_date.empty(), status_override, override_until}; }
};

// Which memberships a list shows.
enum class MembershipView {
  all,      // every membership of the year
  due,      // renewals due: the organisation's latest membership, still a member, ending within the notice
  lapsed,   // the organisation's latest membership no longer counts as member (expired, cancelled)
};

struct MembershipFilter {
  std::optional<int> year;                   // all / lapsed / due: none = every year
  std::string status, region, kind, q;
  std::optional<std::int64_t> delegation_id; // subtree of this organisation
  std::optional<std::int64_t> organisation_id;
  MembershipView view = MembershipView::all;
  std::string today;                         // ISO, for the "due" view
  std::string after_key;                     // keyset: organisation sort name, membership id
  std::int64_t after_id = 0;
  int limit = 50;
};

// Sorted by organisation name then id (keyset).
std::vector<Membership> list_memberships(db::Connection& db, const Scope& scope, const MembershipFilter& f);
std::optional<Membership> get_membership(db::Connection& db, const Scope& scope, std::int64_t id);

struct StatusChange {
  std::string from_status, to_status, user_name, reason, changed_at;
};
std::vector<StatusChange> membership_history(db::Connection& db, std::int64_t membership_id);

// Inserts the membership with its computed status and the first history row.
// Throws db::Error(constraint) when the organisation already has one that year.
std::int64_t create_membership(db::Connection& db, const MembershipValues& v, const std::vector<StatusRule>& rules,
                               CivilDate today, std::optional<std::int64_t> user_id, const std::string& reason,
                               std::optional<std::int64_t> renewed_from = std::nullopt);
// The next period of `current`, same join date; its fee and paid date given.
// Throws db::Error(constraint) when that year exists already.
std::int64_t renew_membership(db::Connection& db, const Membership& current, std::int64_t fee_cents,
                              const std::string& paid_date, const std::vector<StatusRule>& rules, CivilDate today,
                              std::int64_t user_id);
// Records the payment (or its absence) and recomputes the status.
void record_payment(db::Connection& db, const Membership& m, std::int64_t fee_cents, const std::string& paid_date,
                    const std::vector<StatusRule>& rules, CivilDate today, std::optional<std::int64_t> user_id);
// Sets ("auto": lifts) the manual override and writes the status it gives.
void override_status(db::Connection& db, const Membership& m, const OverrideInput& in,
                     const std::vector<StatusRule>& rules, CivilDate today, std::optional<std::int64_t> user_id);
// The daily pass: lifts the overrides whose end date has passed and writes
// every status that changed (history by the system). Returns the number changed.
std::int64_t refresh_membership_statuses(db::Connection& db, CivilDate today);

// Members (statuses counting as member) of a year by region and kind.
struct MemberCount {
  std::string region, kind;
  std::int64_t count = 0;
};
std::vector<MemberCount> member_counts(db::Connection& db, const Scope& scope, int year);

}  // namespace passerelle::network
