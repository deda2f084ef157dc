// Membership status rules (network/membership_rules): the default rules of
// migration 0013 as data, computed on chosen days.
#include <gtest/gtest.h>

#include <set>

#include "network/membership_rules.hpp"

namespace passerelle::network {
namespace {

using namespace std::chrono;

// The rows of migration 0013, as the store loads them.
std::vector<StatusRule> default_rules() {
  return {
      {"cancelled", "Annulée", 0, false, true, false, "", 0, "day", "", 0, "day"},
      {"pending", "En attente de paiement", 1, false, false, true, "", 0, "day", "end_date", 0, "day"},
      {"new", "Nouvelle", 2, true, false, false, "join_date", 0, "day", "join_date", 3, "month"},
      {"current", "En cours", 3, true, false, false, "", 0, "day", "end_date", 0, "day"},
      {"grace", "Période de grâce", 4, true, false, false, "end_date", 1, "day", "end_date", 1, "month"},
      {"expired", "Échue", 5, false, false, false, "end_date", 1, "month", "", 0, "day"},
  };
}

CivilDate d(const char* s) { return *parse_iso_date(s); }

MembershipFacts year2026(bool paid, const char* join = "2026-01-01") {
  return {join, "2026-01-01", "2026-12-31", paid, "", ""};
}

TEST(MembershipRules, StatusFollowsThePeriod) {
  auto rules = default_rules();
  auto m = year2026(true);
  EXPECT_EQ(compute_status(m, rules, d("2026-02-15")), "new") << "first three months after joining";
  EXPECT_EQ(compute_status(m, rules, d("2026-04-01")), "new") << "1 January + 3 months = 1 April, inclusive";
  EXPECT_EQ(compute_status(m, rules, d("2026-04-02")), "current");
  EXPECT_EQ(compute_status(m, rules, d("2026-12-31")), "current");
  EXPECT_EQ(compute_status(m, rules, d("2027-01-01")), "grace");
  EXPECT_EQ(compute_status(m, rules, d("2027-01-31")), "grace");
  EXPECT_EQ(compute_status(m, rules, d("2027-02-01")), "expired");
}

TEST(MembershipRules, AnOldMemberIsCurrentNotNew) {
  auto rules = default_rules();
  auto m = year2026(true, "2019-09-01");
  EXPECT_EQ(compute_status(m, rules, d("2026-01-10")), "current");
}

TEST(MembershipRules, UnpaidIsPendingUntilTheEndThenGraceThenExpired) {
  auto rules = default_rules();
  auto m = year2026(false, "2018-01-01");
  EXPECT_EQ(compute_status(m, rules, d("2026-03-01")), "pending");
  EXPECT_FALSE(counts_as_member(rules, "pending"));
  EXPECT_EQ(compute_status(m, rules, d("2027-01-05")), "grace");
  EXPECT_EQ(compute_status(m, rules, d("2027-03-01")), "expired");
  EXPECT_FALSE(counts_as_member(rules, "expired"));
  EXPECT_TRUE(counts_as_member(rules, "grace"));
}

TEST(MembershipRules, RulesAreData) {
  // A network that grants three months of grace changes one row, not the code.
  auto rules = default_rules();
  rules[4].end_offset = 3;
  rules[5].start_offset = 3;
  auto m = year2026(true, "2018-01-01");
  EXPECT_EQ(compute_status(m, rules, d("2027-03-15")), "grace");
  EXPECT_EQ(compute_status(m, rules, d("2027-04-01")), "expired");
}

TEST(MembershipRules, CancelledOnlyByOverride) {
  auto rules = default_rules();
  auto m = year2026(true, "2018-01-01");
  EXPECT_NE(compute_status(m, rules, d("2026-06-01")), "cancelled");
  m.status_override = "cancelled";
  EXPECT_EQ(compute_status(m, rules, d("2026-06-01")), "cancelled");
}

TEST(MembershipRules, OverrideLapsesAfterItsEndDate) {
  auto rules = default_rules();
  auto m = year2026(false, "2018-01-01");
  m.status_override = "current";
  m.override_until = "2026-06-30";
  EXPECT_EQ(compute_status(m, rules, d("2026-06-30")), "current") << "the end date is included";
  EXPECT_TRUE(override_active(m, d("2026-06-30")));
  EXPECT_FALSE(override_active(m, d("2026-07-01")));
  EXPECT_EQ(compute_status(m, rules, d("2026-07-01")), "pending") << "back to the rules";
}

TEST(MembershipRules, RenewalExtendsByOneYear) {
  auto p = renewal_period("2026-12-31");
  EXPECT_EQ(p.year, 2027);
  EXPECT_EQ(p.start_date, "2027-01-01");
  EXPECT_EQ(p.end_date, "2027-12-31");
  auto q = renewal_period("2023-02-28");  // a period running from 1 March
  EXPECT_EQ(q.start_date, "2023-03-01");
  EXPECT_EQ(q.end_date, "2024-02-29") << "still the last day of February";
  EXPECT_EQ(renewal_period("2024-06-15").end_date, "2025-06-15");
}

TEST(MembershipRules, EurosToCents) {
  EXPECT_EQ(parse_euros("450"), 45000);
  EXPECT_EQ(parse_euros("450,5"), 45050);
  EXPECT_EQ(parse_euros("1 200,75 €"), 120075);
  EXPECT_EQ(parse_euros("0"), 0);
  EXPECT_FALSE(parse_euros("-3"));
  EXPECT_FALSE(parse_euros("12,345"));
  EXPECT_FALSE(parse_euros("douze"));
  EXPECT_FALSE(parse_euros("12,"));
  EXPECT_EQ(format_euros(120075), "1\u202f200,75 €");
}

TEST(MembershipRules, EveryErrorAtOnce) {
  MembershipInput in{"", "26", "beaucoup", "2026-02-30", "2026-06-01", "2026-05-01", ""};
  MembershipValues v;
  auto errors = validate_membership(in, v);
  std::set<std::string> fields;
  for (auto& e : errors) fields.insert(e.field);
  EXPECT_EQ(fields, (std::set<std::string>{"organisation_id", "year", "fee", "paid_date", "end_date"}));
  auto* end = web::find_error(errors, "end_date");
  ASSERT_TRUE(end);
  EXPECT_EQ(end->message, "La date de fin ne peut pas précéder la date de début.");
}

TEST(MembershipRules, DefaultsToTheCalendarYear) {
  MembershipInput in{"12", "2026", "450", "", "", "", ""};
  MembershipValues v;
  EXPECT_TRUE(validate_membership(in, v).empty());
  EXPECT_EQ(v.start_date, "2026-01-01");
  EXPECT_EQ(v.end_date, "2026-12-31");
  EXPECT_EQ(v.join_date, "2026-01-01");
  EXPECT_EQ(v.fee_cents, 45000);
  EXPECT_EQ(v.paid_date, "");
}

TEST(MembershipRules, OverrideNeedsAKnownStatusAReasonAndAFutureEnd) {
  auto rules = default_rules();
  auto errors = validate_override({"dormant", "2020-01-01", ""}, rules, d("2026-03-01"));
  EXPECT_EQ(errors.size(), 3u);
  EXPECT_TRUE(validate_override({"cancelled", "", "Dissolution de l'association"}, rules, d("2026-03-01")).empty());
  EXPECT_TRUE(validate_override({"auto", "", "Retour au calcul"}, rules, d("2026-03-01")).empty());
}

}  // namespace
}  // namespace passerelle::network
