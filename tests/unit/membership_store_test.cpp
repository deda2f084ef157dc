// network/membership_store on both engines: scope, history rows, renewal,
// override, the daily pass, the renewals-due and lapsed views, counts.
#include <set>

#include "core/auth/auth.hpp"
#include "network/membership_store.hpp"
#include "network/store.hpp"
#include "test_db.hpp"

namespace passerelle::network {
namespace {

class MembershipStore : public testing::EngineTest {
 protected:
  std::int64_t org(const std::string& name, const std::string& kind, std::optional<std::int64_t> parent,
                   const std::string& postcode) {
    OrganisationInput in;
    in.name = name;
    in.kind = kind;
    in.postcode = postcode;
    in.department = department_of_postcode(postcode).value_or("");
    in.commune = "Commune";
    std::optional<Organisation> p;
    if (parent) p = get_organisation(conn(), {""}, *parent);
    return create_organisation(conn(), in, p);
  }
  void SetUp() override {
    EngineTest::SetUp();
    if (::testing::Test::IsSkipped()) return;
    fed = org("Fédération Passerelle", "federation", std::nullopt, "75011");
    idf = org("Délégation Île-de-France", "delegation", fed, "75011");
    paca = org("Délégation PACA", "delegation", fed, "13001");
    rebond = org("Rebond 93", "ai", idf, "93200");
    jardins = org("Les Jardins de Montreuil", "aci", idf, "93100");
    marseille = org("Marseille Recyclage", "ei", paca, "13014");
    rules = load_status_rules(conn());
  }
  std::int64_t add(std::int64_t org_id, int year, bool paid, const char* join = nullptr) {
    MembershipValues v{org_id, year, 45000, paid ? fmt_date(year, "-01-15") : "", fmt_date(year, "-01-01"),
                       fmt_date(year, "-12-31"), join ? join : fmt_date(year, "-01-01")};
    return create_membership(conn(), v, rules, today, std::nullopt, "Saisie");
  }
  static std::string fmt_date(int y, const char* rest) { return std::to_string(y) + rest; }
  Scope scope_of(std::int64_t id) { return {get_organisation(conn(), {""}, id)->path}; }

  CivilDate today = *parse_iso_date("2026-05-10");
  std::vector<StatusRule> rules;
  std::int64_t fed = 0, idf = 0, paca = 0, rebond = 0, jardins = 0, marseille = 0;
};

TEST_P(MembershipStore, RulesAreLoadedFromTheTable) {
  std::set<std::string> codes;
  for (auto& r : rules) codes.insert(r.code);
  EXPECT_EQ(codes, (std::set<std::string>{"new", "current", "grace", "expired", "pending", "cancelled"}));
  EXPECT_TRUE(counts_as_member(rules, "grace"));
  EXPECT_FALSE(counts_as_member(rules, "pending"));
}

TEST_P(MembershipStore, CreateComputesTheStatusAndWritesHistory) {
  auto paid = add(rebond, 2026, true, "2015-03-01");
  auto unpaid = add(jardins, 2026, false, "2015-03-01");
  EXPECT_EQ(get_membership(conn(), {""}, paid)->status, "current");
  EXPECT_EQ(get_membership(conn(), {""}, unpaid)->status, "pending");
  auto h = membership_history(conn(), paid);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].from_status, "");
  EXPECT_EQ(h[0].to_status, "current");
  EXPECT_EQ(h[0].reason, "Saisie");
  EXPECT_THROW(add(rebond, 2026, true), db::Error) << "one membership per organisation per year";
}

TEST_P(MembershipStore, ScopeHidesOtherDelegations) {
  auto m = add(marseille, 2026, true);
  add(rebond, 2026, true);
  EXPECT_FALSE(get_membership(conn(), scope_of(idf), m).has_value());
  EXPECT_TRUE(get_membership(conn(), scope_of(paca), m).has_value());
  MembershipFilter f;
  f.year = 2026;
  auto rows = list_memberships(conn(), scope_of(idf), f);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].organisation_name, "Rebond 93");
  EXPECT_EQ(rows[0].delegation_name, "Délégation Île-de-France");
  EXPECT_TRUE(list_memberships(conn(), Scope{}, f).empty());
}

TEST_P(MembershipStore, KeysetPagesCoverEveryRowOnce) {
  add(rebond, 2026, true);
  add(jardins, 2026, true);
  add(marseille, 2026, true);
  MembershipFilter f;
  f.limit = 2;
  auto first = list_memberships(conn(), {""}, f);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].organisation_name, "Les Jardins de Montreuil");
  f.after_key = first.back().sort_name;
  f.after_id = first.back().id;
  auto second = list_memberships(conn(), {""}, f);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].organisation_name, "Rebond 93");
}

TEST_P(MembershipStore, RenewalCreatesTheNextYearAndLeavesTheDueList) {
  auto m = add(rebond, 2026, true, "2015-03-01");
  MembershipFilter due;
  due.view = MembershipView::due;
  due.today = "2026-11-15";
  EXPECT_EQ(list_memberships(conn(), {""}, due).size(), 1u) << "ends within 60 days";
  due.today = "2026-05-10";
  EXPECT_TRUE(list_memberships(conn(), {""}, due).empty()) << "not yet due in May";
  due.today = "2026-11-15";
  auto next = renew_membership(conn(), *get_membership(conn(), {""}, m), 46000, "", rules, today, auth::add_user(conn(), "n@example.org", "Nadia", "un mot de passe solide"));
  auto renewed = get_membership(conn(), {""}, next);
  EXPECT_EQ(renewed->year, 2027);
  EXPECT_EQ(renewed->start_date, "2027-01-01");
  EXPECT_EQ(renewed->end_date, "2027-12-31");
  EXPECT_EQ(renewed->join_date, "2015-03-01") << "member since is carried over";
  EXPECT_EQ(renewed->fee_cents, 46000);
  EXPECT_EQ(renewed->renewed_from_id, m);
  EXPECT_TRUE(get_membership(conn(), {""}, m)->renewed);
  EXPECT_TRUE(list_memberships(conn(), {""}, due).empty()) << "renewed: no longer due";
}

TEST_P(MembershipStore, OverrideThenDailyPassLiftsItAndKeepsHistory) {
  auto uid = auth::add_user(conn(), "nadia@example.org", "Nadia", "un mot de passe solide");
  auto m = add(rebond, 2026, false, "2015-03-01");
  OverrideInput in{"current", "2026-06-30", "Paiement annoncé par le trésorier"};
  override_status(conn(), *get_membership(conn(), {""}, m), in, rules, today, uid);
  auto forced = get_membership(conn(), {""}, m);
  EXPECT_EQ(forced->status, "current");
  EXPECT_EQ(forced->status_override, "current");
  EXPECT_EQ(refresh_membership_statuses(conn(), *parse_iso_date("2026-06-30")), 0) << "the override still holds";
  EXPECT_EQ(refresh_membership_statuses(conn(), *parse_iso_date("2026-07-01")), 1);
  auto after = get_membership(conn(), {""}, m);
  EXPECT_EQ(after->status, "pending");
  EXPECT_EQ(after->status_override, "");
  auto h = membership_history(conn(), m);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[1].to_status, "current");
  EXPECT_EQ(h[1].user_name, "Nadia");
  EXPECT_EQ(h[1].reason, "Paiement annoncé par le trésorier");
  EXPECT_EQ(h[2].from_status, "current");
  EXPECT_EQ(h[2].to_status, "pending");
  EXPECT_EQ(h[2].user_name, "") << "the daily pass";
}

TEST_P(MembershipStore, DailyPassExpiresAndFeedsTheLapsedView) {
  today = *parse_iso_date("2025-03-01");
  auto m = add(marseille, 2025, true, "2012-01-01");
  EXPECT_EQ(get_membership(conn(), {""}, m)->status, "current");
  EXPECT_EQ(refresh_membership_statuses(conn(), *parse_iso_date("2025-06-01")), 0);
  EXPECT_EQ(refresh_membership_statuses(conn(), *parse_iso_date("2026-01-10")), 1);
  EXPECT_EQ(get_membership(conn(), {""}, m)->status, "grace");
  EXPECT_EQ(refresh_membership_statuses(conn(), *parse_iso_date("2026-02-01")), 1);
  EXPECT_EQ(get_membership(conn(), {""}, m)->status, "expired");
  MembershipFilter lapsed;
  lapsed.view = MembershipView::lapsed;
  auto rows = list_memberships(conn(), {""}, lapsed);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].organisation_name, "Marseille Recyclage");
}

TEST_P(MembershipStore, CountsByRegionAndKindOnlyMembers) {
  add(rebond, 2026, true);
  add(jardins, 2026, false);  // pending: not a member yet
  add(marseille, 2026, true);
  auto counts = member_counts(conn(), {""}, 2026);
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[0].region, "11");
  EXPECT_EQ(counts[0].kind, "ai");
  EXPECT_EQ(counts[0].count, 1);
  EXPECT_EQ(counts[1].region, "93");
  EXPECT_EQ(counts[1].kind, "ei");
  EXPECT_TRUE(member_counts(conn(), scope_of(idf), 2026).size() == 1u);
}

TEST_P(MembershipStore, PaymentTurnsPendingIntoMember) {
  auto m = add(jardins, 2026, false, "2015-03-01");
  auto uid = auth::add_user(conn(), "a@example.org", "Agnès", "un mot de passe solide");
  record_payment(conn(), *get_membership(conn(), {""}, m), 45000, "2026-05-09", rules, today, uid);
  auto paid = get_membership(conn(), {""}, m);
  EXPECT_EQ(paid->status, "current");
  EXPECT_EQ(paid->paid_date, "2026-05-09");
  EXPECT_EQ(membership_history(conn(), m).back().reason, "Cotisation payée");
}

INSTANTIATE_ON_BOTH_ENGINES(MembershipStore);

}  // namespace
}  // namespace passerelle::network
