// network/store and network/import on both engines.
#include <set>

#include "network/demo.hpp"
#include "network/import.hpp"
#include "network/store.hpp"
#include "test_db.hpp"

namespace passerelle::network {
namespace {

class NetworkStore : public testing::EngineTest {
 protected:
  std::int64_t org(const std::string& name, const std::string& kind, const std::optional<Organisation>& parent,
                   const std::string& postcode = "75011", const std::string& siret = "") {
    OrganisationInput in;
    in.name = name;
    in.kind = kind;
    in.postcode = postcode;
    in.department = department_of_postcode(postcode).value_or("");
    in.commune = "Paris";
    in.siret = siret;
    return create_organisation(conn(), in, parent);
  }
  Organisation get(std::int64_t id) { return *get_organisation(conn(), {""}, id); }

  // Federation → IDF (Les Jardins de Montreuil, Rebond 93) and PACA (Marseille Recyclage).
  void tree() {
    fed = org("Fédération Passerelle", "federation", std::nullopt);
    idf = org("Délégation Île-de-France", "delegation", get(fed));
    paca = org("Délégation Provence-Alpes-Côte d'Azur", "delegation", get(fed), "13001");
    jardins = org("Les Jardins de Montreuil", "aci", get(idf), "93100");
    rebond = org("Rebond 93", "ai", get(idf), "93200");
    marseille = org("Marseille Recyclage", "ei", get(paca), "13014");
  }
  std::int64_t fed = 0, idf = 0, paca = 0, jardins = 0, rebond = 0, marseille = 0;
};

TEST_P(NetworkStore, PathsFollowTheTree) {
  tree();
  EXPECT_EQ(get(fed).path, "/" + std::to_string(fed) + "/");
  EXPECT_EQ(get(jardins).path, get(idf).path + std::to_string(jardins) + "/");
  EXPECT_EQ(get(jardins).region, "11") << "region filled from the department";
  EXPECT_EQ(get(jardins).parent_name, "Délégation Île-de-France");
}

TEST_P(NetworkStore, ScopeLimitsListsAndReads) {
  tree();
  Scope idf_scope{get(idf).path};
  OrgFilter all;
  auto rows = list_organisations(conn(), idf_scope, all);
  std::set<std::string> names;
  for (auto& o : rows) names.insert(o.name);
  EXPECT_EQ(names, (std::set<std::string>{"Délégation Île-de-France", "Les Jardins de Montreuil", "Rebond 93"}));
  EXPECT_EQ(count_organisations(conn(), idf_scope, all), 3);
  EXPECT_FALSE(get_organisation(conn(), idf_scope, marseille).has_value()) << "outside the scope reads as absent";
  EXPECT_FALSE(get_organisation(conn(), idf_scope, fed).has_value()) << "the parent is outside the subtree";
  EXPECT_TRUE(get_organisation(conn(), idf_scope, rebond).has_value());
  EXPECT_TRUE(list_organisations(conn(), Scope{}, all).empty()) << "no role, nothing visible";
}

TEST_P(NetworkStore, SearchIsAccentAndCaseInsensitiveAndEscapesWildcards) {
  tree();
  OrgFilter f;
  f.q = "ILE-de";
  auto rows = list_organisations(conn(), {""}, f);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].name, "Délégation Île-de-France");
  f.q = "délégation côte";
  EXPECT_EQ(list_organisations(conn(), {""}, f).size(), 1u) << "every word must match";
  f.q = "%";
  EXPECT_TRUE(list_organisations(conn(), {""}, f).empty()) << "% is a character, not a wildcard";
}

TEST_P(NetworkStore, SearchMatchesTheBeginningOfWordsOfNameCommuneAndSiret) {
  tree();
  org("Atelier Vélo", "aci", get(idf), "93200", demo_siret(42));
  auto names = [&](const std::string& q) {
    OrgFilter f;
    f.q = q;
    std::set<std::string> out;
    for (auto& o : list_organisations(conn(), {""}, f)) out.insert(o.name);
    return out;
  };
  EXPECT_EQ(names("jardin montreuil"), (std::set<std::string>{"Les Jardins de Montreuil"}));
  EXPECT_EQ(names("VELO"), (std::set<std::string>{"Atelier Vélo"}));
  EXPECT_EQ(names(demo_siret(42).substr(0, 6)), (std::set<std::string>{"Atelier Vélo"})) << "by SIRET";
  EXPECT_TRUE(names("ontreuil").empty()) << "the middle of a word is not a match";
  // Renaming re-indexes the words.
  auto velo = *find_organisation_by_siret(conn(), {""}, demo_siret(42));
  OrganisationInput in{"Recyclerie du Canal", velo.kind, velo.siret, "", velo.postcode, "", "", velo.department, "",
                       std::to_string(idf), "", "", ""};
  update_organisation(conn(), velo, in, get(idf));
  EXPECT_TRUE(names("velo").empty());
  EXPECT_EQ(names("canal"), (std::set<std::string>{"Recyclerie du Canal"}));
  // An upgraded database without the index gets it rebuilt.
  conn().query("DELETE FROM organisation_words");
  EXPECT_TRUE(names("canal").empty());
  EXPECT_EQ(rebuild_search_words(conn(), true), 7u);
  EXPECT_EQ(names("canal"), (std::set<std::string>{"Recyclerie du Canal"}));
  EXPECT_EQ(rebuild_search_words(conn(), true), 0u) << "nothing missing, nothing rebuilt";
}

TEST_P(NetworkStore, FiltersByKindSiaeDepartmentRegionAndSubtree) {
  tree();
  OrgFilter f;
  f.kind = "siae";
  EXPECT_EQ(count_organisations(conn(), {""}, f), 3);
  f.kind = "aci";
  EXPECT_EQ(count_organisations(conn(), {""}, f), 1);
  OrgFilter d;
  d.department = "93";
  EXPECT_EQ(count_organisations(conn(), {""}, d), 2);
  OrgFilter r;
  r.region = "93";  // Provence-Alpes-Côte d'Azur
  EXPECT_EQ(count_organisations(conn(), {""}, r), 2);
  OrgFilter w;
  w.within = paca;
  EXPECT_EQ(count_organisations(conn(), {""}, w), 2);
}

TEST_P(NetworkStore, KeysetPaginationVisitsEveryRowOnceInEachSort) {
  tree();
  for (int i = 0; i < 23; ++i) org("Structure " + std::to_string(i % 7), "aci", get(idf));  // duplicate names on purpose
  for (auto sort : {OrgSort::name_asc, OrgSort::name_desc, OrgSort::recent}) {
    OrgFilter f;
    f.sort = sort;
    f.limit = 5;
    std::vector<std::int64_t> seen;
    std::string previous_key;
    while (true) {
      auto page = list_organisations(conn(), {""}, f);
      for (auto& o : page) seen.push_back(o.id);
      if (static_cast<int>(page.size()) < f.limit) break;
      f.after_key = sort_key(page.back(), sort);
      f.after_id = page.back().id;
    }
    EXPECT_EQ(seen.size(), 29u);
    EXPECT_EQ(std::set<std::int64_t>(seen.begin(), seen.end()).size(), 29u) << "no duplicates across pages";
  }
}

TEST_P(NetworkStore, MovingAnOrganisationMovesItsSubtree) {
  tree();
  auto antenna = org("Rebond 93 — antenne de Bobigny", "ai", get(rebond), "93000");
  auto current = get(rebond);
  OrganisationInput in{current.name, current.kind, current.siret, current.address, current.postcode, current.commune,
                       current.commune_insee, current.department, current.region, std::to_string(paca), "", "", ""};
  update_organisation(conn(), current, in, get(paca));
  EXPECT_EQ(get(rebond).path, get(paca).path + std::to_string(rebond) + "/");
  EXPECT_EQ(get(antenna).path, get(rebond).path + std::to_string(antenna) + "/");
  Scope paca_scope{get(paca).path};
  EXPECT_TRUE(get_organisation(conn(), paca_scope, antenna).has_value());
  EXPECT_FALSE(get_organisation(conn(), Scope{get(idf).path}, antenna).has_value());
}

TEST_P(NetworkStore, DuplicateSiretIsAConstraintError) {
  tree();
  org("A", "ei", get(idf), "75011", demo_siret(1));
  try {
    org("B", "ei", get(idf), "75011", demo_siret(1));
    FAIL() << "a second organisation with the same SIRET was accepted";
  } catch (const db::Error& e) {
    EXPECT_TRUE(e.constraint());
  }
  EXPECT_TRUE(find_organisation_by_siret(conn(), {""}, demo_siret(1)).has_value());
  EXPECT_FALSE(find_organisation_by_siret(conn(), Scope{get(paca).path}, demo_siret(1)).has_value());
}

TEST_P(NetworkStore, ContactsAreVisibleThroughTheirOrganisations) {
  tree();
  ContactInput in{"Claire", "Martin", "Directrice", "claire@rebond93.fr", "01 23 45 67 89", "1",
                  {std::to_string(rebond), std::to_string(marseille)}};
  auto id = create_contact(conn(), in);
  auto seen_from_idf = get_contact(conn(), Scope{get(idf).path}, id);
  ASSERT_TRUE(seen_from_idf.has_value());
  ASSERT_EQ(seen_from_idf->organisations.size(), 1u) << "only the organisations in scope are shown";
  EXPECT_EQ(seen_from_idf->organisations[0].name, "Rebond 93");
  EXPECT_TRUE(seen_from_idf->mailing_consent);
  EXPECT_FALSE(seen_from_idf->mailing_consent_at.empty());

  // Network staff of IDF relinks the contact to Les Jardins: the PACA link stays.
  ContactInput change = in;
  change.organisation_ids = {std::to_string(jardins)};
  change.mailing_consent = "";
  update_contact(conn(), Scope{get(idf).path}, id, change);
  auto all = get_contact(conn(), {""}, id);
  std::set<std::string> names;
  for (auto& o : all->organisations) names.insert(o.name);
  EXPECT_EQ(names, (std::set<std::string>{"Les Jardins de Montreuil", "Marseille Recyclage"}));
  EXPECT_FALSE(all->mailing_consent);
  EXPECT_TRUE(all->mailing_consent_at.empty());

  ContactFilter f;
  f.q = "claire";
  EXPECT_EQ(list_contacts(conn(), Scope{get(paca).path}, f).size(), 1u);
  f.consent = true;
  EXPECT_EQ(count_contacts(conn(), {""}, f), 0);
  EXPECT_FALSE(get_contact(conn(), Scope{"/999999/"}, id).has_value());
  EXPECT_EQ(contacts_of_organisation(conn(), jardins).size(), 1u);
}

TEST_P(NetworkStore, ImportReportsEachBadLineAndImportsOnlyTheValidOnes) {
  tree();
  auto idf_org = get(idf);
  std::string csv =
      "\xEF\xBB\xBFnom;type;siret;code_postal;departement;parent_siret\n" +
      ("Atelier Vélo Solidaire;aci;" + demo_siret(10) + ";93200;93;\n") +
      ("Antenne Vélo;ACI;" + demo_siret(11) + ";93200;93;" + demo_siret(10) + "\n") +
      "Sans type;;12345678901234;75011;93;\n" + ";inconnu;;;;\n";
  Scope scope{idf_org.path};
  auto plan = plan_organisation_import(conn(), scope, csv, idf_org);
  ASSERT_TRUE(plan.fatal.empty()) << plan.fatal;
  EXPECT_EQ(plan.data_lines, 4u);
  EXPECT_EQ(plan.valid.size(), 2u);
  EXPECT_EQ(plan.rejected_lines(), 2u);
  std::set<std::pair<std::size_t, std::string>> where;
  for (auto& e : plan.errors) where.insert({e.line, e.field});
  EXPECT_TRUE(where.contains({4, "type"}));
  EXPECT_TRUE(where.contains({4, "siret"}));
  EXPECT_TRUE(where.contains({4, "code_postal"}));
  EXPECT_TRUE(where.contains({5, "nom"}));
  EXPECT_EQ(apply_organisation_import(conn(), scope, plan, idf_org), 2u);
  auto antenna = find_organisation_by_siret(conn(), scope, demo_siret(11));
  ASSERT_TRUE(antenna.has_value());
  EXPECT_EQ(antenna->parent_name, "Atelier Vélo Solidaire") << "a parent named earlier in the file";
  EXPECT_EQ(antenna->kind, "aci") << "kind given by its acronym";
}

TEST_P(NetworkStore, ImportRefusesAFileWithoutTheRequiredColumnsOrWithAnOpenQuote) {
  tree();
  auto plan = plan_organisation_import(conn(), {""}, "nom;siret\nA;\n", get(idf));
  EXPECT_NE(plan.fatal.find("« type »"), std::string::npos) << plan.fatal;
  plan = plan_organisation_import(conn(), {""}, "nom;type\n\"A;aci\nB;ei\n", get(idf));
  EXPECT_NE(plan.fatal.find("guillemet"), std::string::npos) << plan.fatal;
}

TEST_P(NetworkStore, DemoDataLoadsOnceWithOneUserPerRole) {
  std::ostringstream out;
  EXPECT_TRUE(load_demo(conn(), out));
  EXPECT_NE(out.str().find("member@demo.passerelle.fr"), std::string::npos);
  EXPECT_EQ(conn().query("SELECT COUNT(*) FROM users").rows[0].integer(0), 7);
  OrgFilter siae;
  siae.kind = "siae";
  EXPECT_GE(count_organisations(conn(), {""}, siae), 10);
  std::ostringstream again;
  EXPECT_FALSE(load_demo(conn(), again)) << "never loaded twice";
}

INSTANTIATE_ON_BOTH_ENGINES(NetworkStore);

}  // namespace
}  // namespace passerelle::network
