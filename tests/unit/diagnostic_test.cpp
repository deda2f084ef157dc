// Territorial diagnostic: the pure computation (network/diagnostic_rules) and
// the store on both engines (network/diagnostic_store).
#include <gtest/gtest.h>

#include <set>

#include "network/diagnostic_store.hpp"
#include "network/membership_store.hpp"
#include "test_db.hpp"

namespace passerelle::network {
namespace {

TEST(DiagnosticRules, MatrixMissingKindsAndIsolatedMembers) {
  std::vector<Actor> actors{{1, "Solipass", "aci", true},
                            {2, "ATRE", "ai", true},
                            {3, "France Travail Nantes", "france_travail", false},
                            {4, "Nantes Métropole", "buyer", false}};
  std::vector<Link> links{{3, 1, "partner_prescriber"}, {4, 1, "buyer"}, {1, 99, "member_of"}, {50, 51, "funder"}};
  std::map<std::int64_t, std::string> outside{{99, "delegation"}, {50, "funder"}, {51, "ei"}};
  auto d = build_diagnostic(actors, links, outside);
  EXPECT_EQ(d.links, 3) << "a link with no end in the territory is not counted";
  EXPECT_EQ((d.matrix[{"france_travail", "aci"}]), 1);
  EXPECT_EQ((d.matrix[{"aci", "france_travail"}]), 1) << "who works with whom, both ways";
  EXPECT_EQ((d.matrix[{"aci", "delegation"}]), 1);
  EXPECT_EQ(d.matrix.count({"funder", "ei"}), 0u);
  EXPECT_EQ(d.kinds, (std::vector<std::string>{"aci", "buyer", "delegation", "france_travail"}));
  ASSERT_EQ(d.members_without_prescriber.size(), 1u);
  EXPECT_EQ(d.members_without_prescriber[0].name, "ATRE");
  std::set<std::string> missing(d.missing_kinds.begin(), d.missing_kinds.end());
  EXPECT_TRUE(missing.contains("mission_locale"));
  EXPECT_TRUE(missing.contains("cap_emploi"));
  EXPECT_FALSE(missing.contains("aci"));
  EXPECT_FALSE(missing.contains("france_travail"));
}

TEST(DiagnosticRules, RelationshipValidationReportsEveryError) {
  RelationshipValues v;
  auto errors = validate_relationship({"7", "7", "ami", "2024-05-01", "2024-04-01", ""}, v);
  std::set<std::string> fields;
  for (auto& e : errors) fields.insert(e.field);
  EXPECT_EQ(fields, (std::set<std::string>{"to_organisation_id", "kind", "end_date"}));
  EXPECT_TRUE(validate_relationship({"7", "8", "funder", "2024-05-01", "", "Fondation"}, v).empty());
  EXPECT_TRUE(relationship_active("2024-05-01", "", "2026-01-01"));
  EXPECT_FALSE(relationship_active("2024-05-01", "2025-12-31", "2026-01-01"));
  EXPECT_FALSE(relationship_active("2027-01-01", "", "2026-01-01"));
}

class DiagnosticStore : public testing::EngineTest {
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
};

TEST_P(DiagnosticStore, DepartmentPictureFromRows) {
  auto fed = org("Fédération", "federation", std::nullopt, "75011");
  auto pdl = org("Délégation Pays de la Loire", "delegation", fed, "44000");
  auto idf = org("Délégation Île-de-France", "delegation", fed, "75011");
  auto solipass = org("Solipass", "aci", pdl, "44600");
  auto atre = org("ATRE", "ai", pdl, "44000");
  auto ft = org("France Travail Nantes", "france_travail", pdl, "44000");
  auto rebond = org("Rebond 93", "ai", idf, "93200");
  auto rules = load_status_rules(conn());
  auto today = *parse_iso_date("2026-05-10");
  for (auto id : {solipass, atre, rebond})
    create_membership(conn(), {id, 2026, 45000, "2026-01-15", "2026-01-01", "2026-12-31", "2015-01-01"}, rules, today,
                      std::nullopt, "Saisie");
  create_relationship(conn(), {ft, solipass, "partner_prescriber", "2021-01-04", "", ""}, std::nullopt);
  auto ended = create_relationship(conn(), {ft, atre, "partner_prescriber", "2019-01-01", "", ""}, std::nullopt);
  auto r = get_relationship(conn(), {""}, ended);
  end_relationship(conn(), *r, "2020-12-31", std::nullopt);
  EXPECT_EQ(relationship_history(conn(), ended).size(), 2u);

  std::vector<Actor> actors;
  auto d = territorial_diagnostic(conn(), {""}, {"44", ""}, 2026, "2026-05-10", &actors);
  EXPECT_EQ(actors.size(), 3u) << "delegations are not actors of the territory";
  EXPECT_EQ(d.links, 1) << "the ended relationship no longer counts";
  EXPECT_EQ((d.matrix[{"aci", "france_travail"}]), 1);
  ASSERT_EQ(d.members_without_prescriber.size(), 1u);
  EXPECT_EQ(d.members_without_prescriber[0].name, "ATRE");

  auto idf_scope = Scope{get_organisation(conn(), {""}, idf)->path};
  std::vector<Actor> none;
  territorial_diagnostic(conn(), idf_scope, {"44", ""}, 2026, "2026-05-10", &none);
  EXPECT_TRUE(none.empty()) << "outside the caller's scope";
  EXPECT_FALSE(get_relationship(conn(), idf_scope, ended).has_value());
  auto region = territorial_diagnostic(conn(), {""}, {"", "52"}, 2026, "2026-05-10", &actors);
  EXPECT_EQ(actors.size(), 3u) << "Pays de la Loire (52)";
  EXPECT_EQ(list_relationships(conn(), {""}, solipass, 0, 50).size(), 1u);
}

INSTANTIATE_ON_BOTH_ENGINES(DiagnosticStore);

}  // namespace
}  // namespace passerelle::network
