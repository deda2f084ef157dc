#pragma once
// Memberships (adhésions): pure rules. The status of a membership is computed
// from its dates and the status rules, which are data (table
// membership_status_rules, anchor: CiviCRM membership status rules): each rule
// holds between a start and an end event (join, start or end date of the
// period) shifted by an offset, is tried in weight order, and says whether it
// counts as being a member. A manual override wins until its end date.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/web/validation.hpp"

namespace passerelle::network {

using CivilDate = std::chrono::year_month_day;

// "2026-03-31" → date; nullopt for anything else (bad format, 31 February…).
std::optional<CivilDate> parse_iso_date(std::string_view iso);
std::string iso(CivilDate date);
CivilDate add_days(CivilDate date, int days);
// Adds months, clamping the day to the end of the month (31 January + 1 month = 28/29 February).
CivilDate add_months(CivilDate date, int months);

struct StatusRule {
  std::string code, label;
  int weight = 0;
  bool is_member = false;
  bool manual_only = false;  // only by an override (cancelled)
  bool unpaid_only = false;  // holds only while the fee is unpaid (pending)
  std::string start_event;   // join_date | start_date | end_date | "" (no lower bound)
  int start_offset = 0;
  std::string start_unit = "day";  // day | month
  std::string end_event;           // as start_event; "" = no upper bound
  int end_offset = 0;
  std::string end_unit = "day";
};

// The dates and facts the rules look at.
struct MembershipFacts {
  std::string join_date, start_date, end_date;  // ISO
  bool paid = false;
  std::string status_override;  // "" when none
  std::string override_until;   // ISO or ""
};

// True while the override applies on `today` (no end date, or today ≤ end date).
bool override_active(const MembershipFacts& m, CivilDate today);
// The status on `today`: the active override, else the first rule (by weight)
// that holds; nullopt when none holds (the caller keeps the current status).
std::optional<std::string> compute_status(const MembershipFacts& m, const std::vector<StatusRule>& rules,
                                          CivilDate today);
const StatusRule* find_rule(const std::vector<StatusRule>& rules, std::string_view code);
bool counts_as_member(const std::vector<StatusRule>& rules, std::string_view code);

// Amount typed in euros ("120", "120,50", "1 200.5") → cents; nullopt when not an amount ≥ 0.
std::optional<std::int64_t> parse_euros(std::string_view text);
// 12050 → "120,50 €".
std::string format_euros(std::int64_t cents);

// A membership typed in a form or the API (text, as it arrives).
struct MembershipInput {
  std::string organisation_id, year, fee, paid_date, start_date, end_date, join_date;
};
// The validated values, ready to store.
struct MembershipValues {
  std::int64_t organisation_id = 0;
  int year = 0;
  std::int64_t fee_cents = 0;
  std::string paid_date, start_date, end_date, join_date;  // paid_date may be ""
};
// Every error at once, in French, by field. Start and end default to the
// calendar year; join date defaults to the start; the end may not precede the start,
// and the period starts or ends in the membership year.
web::Errors validate_membership(const MembershipInput& in, MembershipValues& out);

// The period following one that ends on `end_date`: from the next day, for one year
// (the renewal is the membership of the next year, whatever day it starts).
struct Period {
  int year = 0;
  std::string start_date, end_date;
};
Period renewal_period(std::string_view end_date);

// An override typed by staff: a status code of the rules, an optional end date
// (not in the past), a reason (required: it is the "why" of the history row).
struct OverrideInput {
  std::string status, until, reason;
};
web::Errors validate_override(const OverrideInput& in, const std::vector<StatusRule>& rules, CivilDate today);

// Renewals are due this many days before the end of the period.
inline constexpr int kRenewalNoticeDays = 60;

}  // namespace passerelle::network
