// clauses/store on both engines: buyers and contracts in the facilitator's
// scope, status history and bulk changes, hours decided by the rule sets, the
// review queue, a rule-set change with its preview and recompute, imports,
// progress.
#include <algorithm>

#include <fmt/format.h>

#include "clauses/model.hpp"
#include "clauses/store.hpp"
#include "core/auth/auth.hpp"
#include "network/store.hpp"
#include "test_db.hpp"

namespace passerelle::clauses {
namespace {

template <class T>
T ok(std::expected<T, web::Errors> r) {
  if (!r) {
    std::string all;
    for (auto& e : r.error()) all += e.field + ": " + e.message + "\n";
    throw std::runtime_error("unexpected errors:\n" + all);
  }
  if constexpr (!std::is_void_v<T>) return std::move(*r);
}

std::string message_of(const web::Errors& errors, const std::string& field) {
  const auto* e = web::find_error(errors, field);
  return e ? e->message : std::string("<no error on ") + field + ">";
}

class ClausesStore : public testing::EngineTest {
 protected:
  // The dashboard's totals (kept by triggers, migration 0027) against the entries
  // themselves: per organisation, month, modality and situation, row for row.
  void expect_totals_match_entries() {
    auto rows = [&](const std::string& sql) {
      std::vector<std::string> out;
      for (auto& r : conn().query(sql).rows) {
        std::string line;
        for (std::size_t i = 0; i < r.size(); ++i) line += r.text(i) + "|";
        out.push_back(line);
      }
      return out;
    };
    auto entries = rows(
        "SELECT c.organisation_id, h.month, h.modality, h.situation, COUNT(*), SUM(h.minutes), "
        "SUM(CASE WHEN h.counted = 1 THEN h.minutes ELSE 0 END), "
        "SUM(CASE WHEN h.review_status = 'pending' THEN h.minutes ELSE 0 END) FROM insertion_hours h "
        "JOIN public_contracts c ON c.id = h.contract_id GROUP BY c.organisation_id, h.month, h.modality, h.situation "
        "ORDER BY 1, 2, 3, 4");
    auto totals = rows(
        "SELECT organisation_id, month, modality, situation, entries, minutes, counted_minutes, pending_minutes "
        "FROM insertion_hours_totals WHERE entries <> 0 ORDER BY 1, 2, 3, 4");
    EXPECT_FALSE(entries.empty());
    EXPECT_EQ(totals, entries);
    EXPECT_TRUE(rows("SELECT 1 FROM insertion_hours_totals WHERE entries = 0 AND (minutes <> 0 OR counted_minutes <> 0 "
                     "OR pending_minutes <> 0)")
                    .empty());
  }

  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped()) return;
    ensure_builtin_rule_sets(conn());
    mde = org("Maison de l'emploi de Nantes", "mde", std::nullopt);
    other = org("Maison de l'emploi de Brest", "mde", std::nullopt);
    city = org("Ville de Nantes", "buyer", std::nullopt);
    landlord = org("Nantes Métropole Habitat", "buyer", std::nullopt);
    holder = org("Bâtisseurs de l'Erdre", "employer", std::nullopt);
    cleaner = org("Propreté Atlantique", "employer", std::nullopt);
    facilitator = user("Camille Facilitatrice", mde, "facilitator");
    scope = {network::get_organisation(conn(), {""}, mde)->path};
    other_scope = {network::get_organisation(conn(), {""}, other)->path};
    city_buyer = ok(create_buyer(conn(), mde, city, "Service de la commande publique", "achats@nantes.fr", ""));
    landlord_buyer = ok(create_buyer(conn(), mde, landlord, "", "", ""));
    brest_buyer = ok(create_buyer(conn(), other, city, "", "", ""));
  }

  std::int64_t org(const std::string& name, const std::string& kind, const std::optional<network::Organisation>& parent) {
    network::OrganisationInput in;
    in.name = name;
    in.kind = kind;
    in.postcode = "44000";
    in.department = "44";
    in.commune = "Nantes";
    return network::create_organisation(conn(), in, parent);
  }

  std::int64_t user(const std::string& name, std::int64_t organisation, const std::string& role) {
    auto id = conn()
                  .query("INSERT INTO users (email, display_name, password_hash, disabled, created_at) "
                         "VALUES (?, ?, 'x', 0, ?) RETURNING id",
                         {"f" + std::to_string(organisation) + "@test.fr", name, auth::now_utc()})
                  .rows.at(0)
                  .integer(0);
    auth::grant_role(conn(), id, organisation, role);
    return id;
  }

  ContractInput contract_input(const std::string& reference, std::int64_t buyer, const std::string& sector = "construction") {
    ContractInput in;
    in.reference = reference;
    in.title = "Rénovation du groupe scolaire Jules-Verne";
    in.lots = "Lot 1 — Gros œuvre";
    in.sector = sector;
    in.clause_type = "execution_condition";
    in.buyer_id = std::to_string(buyer);
    in.holder_organisation_id = std::to_string(holder);
    in.amount = "1 000 000";
    in.notified_on = "2020-01-10";
    in.start_date = "2020-02-01";
    in.end_date = "2021-01-31";
    in.hours_mode = "computed";
    in.labour_share = "40";
    in.insertion_rate = "5";
    in.hourly_cost = "25";
    return in;
  }

  Contract contract(std::int64_t id) { return *get_contract(conn(), scope, id); }

  HoursInput hours(const std::string& name, const std::string& month, const std::string& situation,
                   const std::string& h = "100", const std::string& eligibility = "rsa") {
    return {name, "", month, "Bâtisseurs de l'Erdre", "direct_hire", situation, eligibility, h};
  }

  std::int64_t mde = 0, other = 0, city = 0, landlord = 0, holder = 0, cleaner = 0, facilitator = 0;
  std::int64_t city_buyer = 0, landlord_buyer = 0, brest_buyer = 0;
  Scope scope, other_scope;
};

TEST_P(ClausesStore, BuiltinRuleSetsAreTheOnesOfTheRules) {
  auto sets = current_rule_sets(conn());
  ASSERT_EQ(sets.size(), 2u);
  EXPECT_EQ(sets[0].code, "covid_2020");  // highest priority first
  EXPECT_EQ(sets[0].effective_from, (Date{2020, 3, 12}));
  EXPECT_EQ(sets[0].effective_to, (Date{2020, 7, 23}));
  EXPECT_EQ(sets[0].rules.size(), covid_2020_rule_set().rules.size());
  EXPECT_EQ(sets[1].code, "default");
  EXPECT_FALSE(sets[1].effective_from);
  ensure_builtin_rule_sets(conn());  // twice: nothing added
  EXPECT_EQ(current_rule_sets(conn()).size(), 2u);
}

TEST_P(ClausesStore, ContractsAreCreatedInTheBuyersScopeAndListedWithSearchFiltersAndKeyset) {
  auto id = ok(create_contract(conn(), scope, contract_input("2020-DPE-0142", city_buyer), facilitator));
  auto c = contract(id);
  EXPECT_EQ(c.required_minutes, 800 * 60);
  EXPECT_EQ(c.status, "active");
  EXPECT_EQ(c.buyer_name, "Ville de Nantes");
  EXPECT_EQ(c.holder_name, "Bâtisseurs de l'Erdre");
  EXPECT_EQ(c.organisation_id, mde);
  // Another facilitator does not see it; a buyer of another scope is refused.
  EXPECT_FALSE(get_contract(conn(), other_scope, id));
  auto refused = create_contract(conn(), scope, contract_input("X-1", brest_buyer), facilitator);
  ASSERT_FALSE(refused);
  EXPECT_EQ(message_of(refused.error(), "buyer_id"), "Cet acheteur public n'existe pas dans votre périmètre.");
  auto dup = create_contract(conn(), scope, contract_input("2020-dpe-0142 ", city_buyer), facilitator);
  ASSERT_FALSE(dup);
  EXPECT_EQ(message_of(dup.error(), "reference"), "Un marché de cet acheteur porte déjà cette référence.");

  for (int i = 1; i <= 5; ++i)
    ok(create_contract(conn(), scope, contract_input("2020-NET-00" + std::to_string(i), landlord_buyer, "cleaning"),
                       facilitator));
  ContractFilter f;
  f.sector = "cleaning";
  f.limit = 2;
  auto page = contract_page(conn(), scope, f, 1000);
  EXPECT_EQ(page.total, 5);
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].reference, "2020-NET-001");
  f.after_key = page.items[1].sort_reference;
  f.after_id = page.items[1].id;
  auto next = list_contracts(conn(), scope, f);
  ASSERT_EQ(next.size(), 2u);
  EXPECT_EQ(next[0].reference, "2020-NET-003");
  ContractFilter search;
  search.q = "jules verne dpe";
  auto found = list_contracts(conn(), scope, search);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, id);
  search.q = "habitat";  // the buyer's name
  EXPECT_EQ(list_contracts(conn(), scope, search).size(), 5u);
  EXPECT_TRUE(list_contracts(conn(), other_scope, {}).empty());

  auto edit = contract_input("2020-DPE-0142", city_buyer);
  edit.hours_mode = "entered";
  edit.required_hours = "1 000";
  ok(update_contract(conn(), scope, id, edit));
  EXPECT_EQ(contract(id).required_minutes, 60000);
  EXPECT_FALSE(contract(id).labour_share_bp);
}

TEST_P(ClausesStore, StatusChangesAreHistoryRowsAndBulkChangesAllOrNothing) {
  auto a = ok(create_contract(conn(), scope, contract_input("A-1", city_buyer), facilitator));
  auto b = ok(create_contract(conn(), scope, contract_input("A-2", city_buyer), facilitator));
  auto c = ok(create_contract(conn(), scope, contract_input("A-3", city_buyer), facilitator));
  StatusChange suspend{"suspend", "2020-03-17", "Chantiers arrêtés (confinement)", std::string(kOrdinance2020_319), ""};
  EXPECT_EQ(ok(change_status(conn(), c, {"complete", "2020-03-01", "", "", ""}, facilitator)), "completed");
  std::vector<std::int64_t> ids{a, b, c};
  auto r = bulk_change_status(conn(), scope, ids, suspend, facilitator);
  EXPECT_EQ(r.changed, 0u);
  ASSERT_EQ(r.refused.size(), 1u);
  EXPECT_EQ(r.refused[0].reference, "A-3");
  EXPECT_EQ(r.refused[0].message, "Un marché au statut « Terminé » ne peut pas être suspendu.");
  EXPECT_EQ(contract(a).status, "active");
  ids = {a, b};
  r = bulk_change_status(conn(), scope, ids, suspend, facilitator);
  EXPECT_EQ(r.changed, 2u);
  EXPECT_EQ(contract(a).status, "suspended");
  EXPECT_EQ(contract(b).status_since, "2020-03-17");
  auto history = status_history(conn(), a);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].to_status, "suspended");
  EXPECT_EQ(history[0].from_status, "active");
  EXPECT_EQ(history[0].legal_reference, "ordonnance n° 2020-319 du 25 mars 2020");
  EXPECT_EQ(history[0].user_name, "Camille Facilitatrice");
  EXPECT_EQ(history[1].to_status, "active");
  // A form error is reported once; an id of another scope is refused.
  r = bulk_change_status(conn(), scope, ids, {"resume", "", "", "", ""}, facilitator);
  EXPECT_EQ(message_of(r.errors, "effective_on"), "Saisissez la date d'effet du changement.");
  auto brest = ok(create_contract(conn(), other_scope, contract_input("B-1", brest_buyer), std::nullopt));
  std::vector<std::int64_t> foreign{brest};
  r = bulk_change_status(conn(), scope, foreign, suspend, facilitator);
  ASSERT_EQ(r.refused.size(), 1u);
  EXPECT_EQ(get_contract(conn(), other_scope, brest)->status, "active");
  // An amendment moves the end date.
  ok(change_status(conn(), a, {"amend_extend", "2020-05-11", "Avenant n° 1 de prorogation", std::string(kOrdinance2020_319),
                               "2021-04-30"},
                   facilitator));
  EXPECT_EQ(contract(a).end_date, "2021-04-30");
  EXPECT_EQ(contract(a).status, "amended_extended");
}

TEST_P(ClausesStore, HoursAreDecidedByTheRuleSetsAndFacilitatorDecidesEntriesAreReviewed) {
  auto id = ok(create_contract(conn(), scope, contract_input("2020-DPE-0142", city_buyer), facilitator));
  auto c = contract(id);
  ok(add_hours(conn(), scope, c, hours("MARTIN Léa", "2020-02", "worked", "151,67"), facilitator));
  ok(add_hours(conn(), scope, c, hours("MARTIN Léa", "2020-04", "telework", "120"), facilitator));
  auto sick = ok(add_hours(conn(), scope, c, hours("DIALLO Moussa", "2020-04", "sick_leave", "80"), facilitator));
  ok(add_hours(conn(), scope, c, hours("NGUYEN Thi", "2020-04", "partial_unemployment", "60"), facilitator));
  auto over = add_hours(conn(), scope, c, hours("NGUYEN Thi", "2021-03", "worked", "60"), facilitator);
  ASSERT_FALSE(over);
  EXPECT_TRUE(web::find_error(over.error(), "month"));

  auto entries = hours_of(conn(), id);
  ASSERT_EQ(entries.size(), 4u);
  auto by_name = [&](const std::string& situation) {
    for (auto& e : entries)
      if (e.situation == situation) return e;
    throw std::runtime_error("no entry " + situation);
  };
  EXPECT_EQ(by_name("telework").decision, "validated");
  EXPECT_EQ(by_name("telework").rule_set_name, "État d'urgence sanitaire 2020");
  EXPECT_EQ(by_name("telework").rule_set_version, 1);
  EXPECT_EQ(by_name("telework").rule_position, 1);
  EXPECT_EQ(by_name("worked").rule_set_name, "Règles ordinaires");
  EXPECT_EQ(by_name("sick_leave").decision, "facilitator_decides");
  EXPECT_EQ(by_name("sick_leave").review_status, "pending");
  EXPECT_EQ(by_name("partial_unemployment").decision, "not_validated");
  EXPECT_FALSE(by_name("partial_unemployment").counted);
  EXPECT_EQ(contract(id).counted_minutes, 9100 + 7200);

  auto queue = review_queue(conn(), scope, {});
  ASSERT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue[0].id, sick);
  EXPECT_TRUE(review_queue(conn(), other_scope, {}).empty());
  EXPECT_EQ(count_pending_reviews(conn(), scope), 1);
  auto no_reason = review_hours(conn(), sick, "accepted", " ", facilitator);
  ASSERT_FALSE(no_reason);
  EXPECT_EQ(message_of(no_reason.error(), "reason"),
            "Indiquez le motif de votre décision (exemple : attestation de la CPAM reçue).");
  ok(review_hours(conn(), sick, "accepted", "Arrêt indemnisé par la CPAM, attestation reçue", facilitator));
  EXPECT_EQ(contract(id).counted_minutes, 9100 + 7200 + 4800);
  EXPECT_TRUE(review_queue(conn(), scope, {}).empty());
  ok(review_hours(conn(), sick, "refused", "Attestation finalement non conforme", facilitator));
  EXPECT_EQ(contract(id).counted_minutes, 9100 + 7200);
  auto history = review_history(conn(), sick);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].outcome, "refused");
  EXPECT_EQ(history[1].reason, "Arrêt indemnisé par la CPAM, attestation reçue");
  // The rules decided the others: no review.
  EXPECT_FALSE(review_hours(conn(), by_name("telework").id, "refused", "Non", facilitator));

  auto totals = contract_totals(conn(), id);
  EXPECT_EQ(totals.counted_minutes, 9100 + 7200);
  EXPECT_EQ(totals.people, 3);
  EXPECT_EQ(totals.refused_minutes, 4800);
  auto months = monthly_totals(conn(), id);
  ASSERT_EQ(months.size(), 2u);
  EXPECT_EQ(months[1].month, "2020-04");
  EXPECT_EQ(months[1].counted_minutes, 7200);
  auto buyers = progress_by_buyer(conn(), scope);
  ASSERT_EQ(buyers.size(), 1u);  // only buyers with contracts
  EXPECT_EQ(buyers[0].required_minutes, 48000);
  EXPECT_EQ(buyers[0].counted_minutes, 9100 + 7200);
  auto holders = progress_by_holder(conn(), scope);
  ASSERT_EQ(holders.size(), 1u);
  EXPECT_EQ(holders[0].name, "Bâtisseurs de l'Erdre");
}

TEST_P(ClausesStore, ARuleSetChangeIsPreviewedThenRecomputesTheAffectedEntries) {
  auto id = ok(create_contract(conn(), scope, contract_input("2020-DPE-0142", city_buyer), facilitator));
  auto c = contract(id);
  ok(add_hours(conn(), scope, c, hours("MARTIN Léa", "2020-06", "partial_unemployment", "60"), facilitator));
  ok(add_hours(conn(), scope, c, hours("DIALLO Moussa", "2020-06", "childcare_leave", "80"), facilitator));
  auto june_sick = ok(add_hours(conn(), scope, c, hours("KONE Ali", "2020-06", "sick_leave", "50"), facilitator));
  auto sick = ok(add_hours(conn(), scope, c, hours("SOW Awa", "2020-04", "sick_leave", "40"), facilitator));
  ok(review_hours(conn(), sick, "accepted", "Attestation reçue", facilitator));
  EXPECT_EQ(count_pending_reviews(conn(), scope), 2);
  std::int64_t covid = 0;
  for (auto& s : current_rule_sets(conn()))
    if (s.code == "covid_2020") covid = s.id;
  // The emergency ends on 31 May instead of 23 July: June goes back to the default set.
  auto plan = ok(plan_rule_set_dates(conn(), covid, {"2020-03-12", "2020-05-31"}));
  EXPECT_EQ(plan.next.version, 2);
  EXPECT_EQ(plan.preview.entries, 3);            // the three entries of June, re-decided by the default set
  EXPECT_EQ(plan.preview.decisions_changed, 1);  // of which sick leave: facilitator decides → not validated
  ASSERT_EQ(plan.preview.changes.size(), 3u);
  for (auto& ch : plan.preview.changes) {
    EXPECT_EQ(ch.month, "2020-06");
    if (ch.situation == "sick_leave") {
      EXPECT_EQ(ch.from_decision, "facilitator_decides");
      EXPECT_EQ(ch.to_decision, "not_validated");
      EXPECT_EQ(ch.minutes, 3000);
    }
  }
  EXPECT_EQ(hours_of(conn(), id).size(), 4u);  // a preview writes nothing
  EXPECT_EQ(current_rule_sets(conn())[0].version, 1);
  auto bad = plan_rule_set_dates(conn(), covid, {"2020-03-12", "2020-02-01"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(message_of(bad.error(), "effective_to"), "La fin d'effet ne peut pas précéder le début.");

  auto done = ok(apply_rule_set_dates(conn(), covid, {"2020-03-12", "2020-05-31"}, facilitator));
  EXPECT_GT(done.new_rule_set_id, covid);
  EXPECT_EQ(done.decisions_changed, 1);
  EXPECT_EQ(done.entries_updated, 4);  // the three of June, and April's now under version 2
  for (auto& e : hours_of(conn(), id)) {
    if (e.id == sick) {
      EXPECT_EQ(e.rule_set_version, 2);
      EXPECT_EQ(e.review_status, "accepted");  // the review holds
      EXPECT_TRUE(e.counted);
    } else {
      EXPECT_EQ(e.rule_set_name, "Règles ordinaires");
    }
    if (e.id == june_sick) {
      EXPECT_EQ(e.decision, "not_validated");
      EXPECT_EQ(e.review_status, "");
    }
  }
  EXPECT_EQ(count_pending_reviews(conn(), scope), 1);  // June's childcare leave still waits
  // The retired version stays, and cannot be edited.
  auto all = all_rule_sets(conn());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_FALSE(all.back().retired_at.empty());
  EXPECT_EQ(all.back().set.version, 1);
  EXPECT_FALSE(plan_rule_set_dates(conn(), covid, {"", ""}));
  EXPECT_EQ(recompute_all(conn()), 0);  // nothing left to change
  expect_totals_match_entries();  // after a review and a recompute
}

TEST_P(ClausesStore, StatementImportReportsEachBadLineInFrench) {
  ok(create_contract(conn(), scope, contract_input("2020-DPE-0142", city_buyer), facilitator));
  ok(create_contract(conn(), other_scope, contract_input("BREST-1", brest_buyer), std::nullopt));
  std::string csv =
      "reference_marche;nom;mois;heures;modalite;situation;eligibilite;employeur\n"
      "2020-DPE-0142;MARTIN Léa;2020-04;120;direct_hire;Télétravail;rsa;Bâtisseurs de l'Erdre\n"
      "2020-DPE-9999;DIALLO Moussa;2020-04;80;direct_hire;worked;rsa;\n"
      "2020-DPE-0142;SOW Awa;2020-04;250;direct_hire;worked;rsa;\n"
      "2020-DPE-0142;NGUYEN Thi;2021-05;20;direct_hire;worked;rsa;\n"
      "BREST-1;KERGUELEN Yann;2020-04;20;direct_hire;worked;rsa;\n"
      "2020-dpe-0142;PETIT Jean;2020-05;35,5;Embauche directe;sick_leave;rqth;\n";
  auto plan = plan_statement_import(conn(), scope, csv);
  EXPECT_TRUE(plan.fatal.empty());
  EXPECT_EQ(plan.data_lines, 6u);
  ASSERT_EQ(plan.valid.size(), 2u);
  ASSERT_EQ(plan.errors.size(), 4u);
  EXPECT_EQ(plan.errors[0].line, 3u);
  EXPECT_EQ(plan.errors[0].message, "reference_marche : aucun marché « 2020-DPE-9999 » dans votre périmètre.");
  EXPECT_EQ(plan.errors[1].line, 4u);
  EXPECT_EQ(plan.errors[1].message,
            "heures : 250 h en avril 2020 : c'est plus que les 220 h possibles dans le mois (10 h par jour ouvré).");
  EXPECT_EQ(plan.errors[2].message,
            "mois : Le mois de mai 2021 est en dehors de l'exécution du marché (du 01/02/2020 au 31/01/2021).");
  EXPECT_EQ(plan.errors[3].message, "reference_marche : aucun marché « BREST-1 » dans votre périmètre.");
  EXPECT_EQ(apply_statement_import(conn(), plan, facilitator, std::nullopt), 2u);
  auto c = contracts_by_reference(conn(), scope, "2020-DPE-0142").at(0);
  auto entries = hours_of(conn(), c.id);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].minutes, 2130);
  EXPECT_EQ(entries[0].decision, "facilitator_decides");
  EXPECT_EQ(entries[0].source, "import");
  EXPECT_EQ(entries[1].decision, "validated");
  expect_totals_match_entries();  // after an import

  auto fatal = plan_statement_import(conn(), scope, "nom;heures\nX;1\n");
  EXPECT_TRUE(fatal.fatal.starts_with(
      "Colonnes obligatoires absentes de la première ligne : reference_marche, mois, modalite, situation, eligibilite."))
      << fatal.fatal;
}

TEST_P(ClausesStore, ContractsTableImportCreatesAndUpdatesWithALineReport) {
  std::string csv =
      "reference;acheteur;objet;lots;secteur;titulaire;montant;notification;debut;fin;type_clause;heures_exigees;"
      "part_main_oeuvre;taux_insertion;cout_horaire;statut\n"
      "2020-NET-001;Nantes Métropole Habitat;Nettoyage des parties communes;;Nettoyage;Propreté Atlantique;250 000,00;"
      "2020-01-15;2020-02-01;2022-01-31;Condition d'exécution;;35;7;26,50;actif\n"
      "2020-NET-002;Nantes Métropole Habitat;Nettoyage des bureaux;;cleaning;Propreté Atlantique;80 000;2020-01-15;"
      "2020-02-01;2021-01-31;execution_condition;300;;;;\n"
      "2020-NET-003;Bailleur inconnu;Nettoyage;;cleaning;Propreté Atlantique;-5;2020-01-15;2020-02-01;2021-01-31;"
      "execution_condition;300;;;;\n"
      "2020-NET-001;Nantes Métropole Habitat;Doublon;;cleaning;Propreté Atlantique;1;2020-01-15;2020-02-01;2021-01-31;"
      "execution_condition;300;;;;\n";
  auto plan = plan_contracts_import(conn(), scope, csv);
  ASSERT_TRUE(plan.fatal.empty()) << plan.fatal;
  EXPECT_EQ(plan.data_lines, 4u);
  ASSERT_EQ(plan.valid.size(), 2u);
  ASSERT_EQ(plan.errors.size(), 3u);
  EXPECT_EQ(plan.errors[0].line, 4u);
  EXPECT_EQ(plan.errors[0].message, "acheteur : l'acheteur « Bailleur inconnu » n'est pas suivi dans votre périmètre.");
  EXPECT_EQ(plan.errors[1].message, "montant : Le montant ne peut pas être négatif.");
  EXPECT_EQ(plan.errors[2].line, 5u);
  EXPECT_EQ(apply_contracts_import(conn(), scope, plan, facilitator), 2u);
  auto net = contracts_by_reference(conn(), scope, "2020-NET-001").at(0);
  EXPECT_EQ(net.required_minutes, 13868);
  EXPECT_EQ(net.holder_name, "Propreté Atlantique");
  // The same file again updates: no duplicate.
  auto again = plan_contracts_import(conn(), scope, csv);
  ASSERT_EQ(again.valid.size(), 2u);
  EXPECT_TRUE(again.valid[0].existing_id);
  apply_contracts_import(conn(), scope, again, facilitator);
  ContractFilter all;
  EXPECT_EQ(list_contracts(conn(), scope, all).size(), 2u);
}

TEST_P(ClausesStore, ContractsTableImportReplacesThePartiesOfTheRolesItsColumnsName) {
  auto siae = org("Solipass", "aci", std::nullopt);
  std::string head =
      "reference;acheteur;objet;lots;secteur;titulaire;montant;notification;debut;fin;type_clause;heures_exigees;"
      "part_main_oeuvre;taux_insertion;cout_horaire;statut;cotraitants;sous_traitants\n";
  std::string line = "2020-NET-001;Nantes Métropole Habitat;Nettoyage;;cleaning;Propreté Atlantique;80 000;2020-01-15;"
                     "2020-02-01;2021-01-31;execution_condition;300;;;;;";
  auto plan = plan_contracts_import(conn(), scope, head + line + "Bâtisseurs de l'Erdre;\"solipass; SOLIPASS\"\n" + 
                                                       "2020-NET-002" + line.substr(12) + "Inconnue SA;Propreté Atlantique\n");
  ASSERT_TRUE(plan.fatal.empty()) << plan.fatal;
  ASSERT_EQ(plan.valid.size(), 1u);
  ASSERT_EQ(plan.errors.size(), 2u);
  EXPECT_EQ(plan.errors[0].message, "cotraitants : « Inconnue SA » n'est pas dans l'annuaire.");
  EXPECT_EQ(plan.errors[1].message, "sous_traitants : « Propreté Atlantique » est le titulaire du marché.");
  EXPECT_EQ(apply_contracts_import(conn(), scope, plan, facilitator), 1u);
  auto id = contracts_by_reference(conn(), scope, "2020-NET-001").at(0).id;
  auto parties = contract_parties(conn(), id);
  ASSERT_EQ(parties.size(), 2u);
  EXPECT_EQ(parties[0].organisation_name, "Bâtisseurs de l'Erdre");
  EXPECT_EQ(parties[0].role, "co_contractor");
  EXPECT_EQ(parties[1].organisation_id, siae);  // named twice, added once
  EXPECT_EQ(parties[1].role, "subcontractor");

  // A file without the columns leaves the parties; an empty cell in a column clears that role.
  std::string old_head = head.substr(0, head.find(";cotraitants")) + "\n";
  auto without = plan_contracts_import(conn(), scope, old_head + line.substr(0, line.size() - 1) + "\n");
  ASSERT_EQ(without.valid.size(), 1u) << (without.errors.empty() ? "" : without.errors[0].message);
  apply_contracts_import(conn(), scope, without, facilitator);
  EXPECT_EQ(contract_parties(conn(), id).size(), 2u);
  auto cleared = plan_contracts_import(conn(), scope, head + line + ";Solipass\n");
  apply_contracts_import(conn(), scope, cleared, facilitator);
  parties = contract_parties(conn(), id);
  ASSERT_EQ(parties.size(), 1u);
  EXPECT_EQ(parties[0].role, "subcontractor");
}

TEST_P(ClausesStore, AContractsHoursArePagedNewestMonthFirstAndFilteredByMonthOrSituation) {
  auto id = ok(create_contract(conn(), scope, contract_input("2020-DPE-0142", city_buyer), facilitator));
  auto c = contract(id);
  std::vector<std::pair<std::string, std::int64_t>> made;  // month, id
  for (int i = 0; i < 11; ++i) {
    auto month = fmt::format("2020-{:02d}", 3 + i % 3);
    made.emplace_back(month, ok(add_hours(conn(), scope, c, hours(fmt::format("PERSONNE {}", i), month,
                                                                i % 2 ? "telework" : "worked", "10"), facilitator)));
  }
  std::ranges::sort(made, [](auto& a, auto& b) { return a.first != b.first ? a.first > b.first : a.second > b.second; });
  HoursFilter f;
  f.limit = 4;
  std::vector<std::pair<std::string, std::int64_t>> walked;
  for (int page = 0; page < 10; ++page) {
    auto rows = hours_page(conn(), id, f);
    for (auto& e : rows) walked.emplace_back(e.month, e.id);
    if (static_cast<int>(rows.size()) < f.limit) break;
    f.after_month = rows.back().month;
    f.after_id = rows.back().id;
  }
  EXPECT_EQ(walked, made);  // every entry once, in order
  EXPECT_EQ(count_hours(conn(), id, {}), 11);
  HoursFilter april;
  april.month = "2020-04";
  auto rows = hours_page(conn(), id, april);
  EXPECT_EQ(rows.size(), 4u);
  for (auto& e : rows) EXPECT_EQ(e.month, "2020-04");
  EXPECT_EQ(count_hours(conn(), id, april), 4);
  HoursFilter telework;
  telework.situation = "telework";
  EXPECT_EQ(count_hours(conn(), id, telework), 5);
  for (auto& e : hours_page(conn(), id, telework)) EXPECT_EQ(e.situation, "telework");
  HoursFilter both = telework;
  both.month = "2020-04";
  EXPECT_EQ(count_hours(conn(), id, both), static_cast<std::int64_t>(hours_page(conn(), id, both).size()));
}

TEST_P(ClausesStore, DashboardCountsContractsByStatusOnThePeriodsLastDayAndHoursByModalityAndSituation) {
  auto a = ok(create_contract(conn(), scope, contract_input("2020-DPE-0001", city_buyer), facilitator));
  auto b = ok(create_contract(conn(), scope, contract_input("2020-DPE-0002", landlord_buyer), facilitator));
  auto later = contract_input("2022-DPE-0003", city_buyer);  // starts after the period
  later.notified_on = "2022-01-03";
  later.start_date = "2022-02-01";
  later.end_date = "2022-12-31";
  ok(create_contract(conn(), scope, later, facilitator));
  auto brest = ok(create_contract(conn(), other_scope, contract_input("2020-BREST-01", brest_buyer), facilitator));
  // b is suspended from 1 April 2020 under the ordinance.
  ok(change_status(conn(), b, {"suspend", "2020-04-01", "Confinement", std::string(kOrdinance2020_319), ""}, facilitator));

  auto hire = [&](std::int64_t id, const std::string& name, const std::string& month, const std::string& situation,
                  const std::string& h, const std::string& modality) {
    auto in = hours(name, month, situation, h);
    in.modality = modality;
    auto c = id == brest ? *get_contract(conn(), other_scope, id) : contract(id);
    return ok(add_hours(conn(), id == brest ? other_scope : scope, c, in, facilitator));
  };
  hire(a, "MARTIN Léa", "2020-03", "worked", "100", "direct_hire");
  hire(a, "DIALLO Moussa", "2020-03", "telework", "50", "temporary_etti");
  auto sick = hire(b, "SOW Awa", "2020-04", "sick_leave", "40", "direct_hire");  // covid set: facilitator decides
  hire(b, "KONE Ali", "2020-06", "partial_unemployment", "30", "temporary_etti");  // not validated
  hire(a, "MARTIN Léa", "2020-09", "worked", "70", "direct_hire");  // after the period
  hire(brest, "LE GALL Yann", "2020-03", "worked", "90", "direct_hire");  // another territory

  auto d = dashboard(conn(), scope, "2020-03-01", "2020-06-30");
  EXPECT_EQ(d.contracts, 2);
  EXPECT_EQ(d.required_minutes, 2 * 48000);
  EXPECT_EQ(d.contracts_by_status, (std::vector<std::pair<std::string, std::int64_t>>{{"active", 1}, {"suspended", 1}}));
  EXPECT_EQ(d.entries, 4);
  EXPECT_EQ(d.minutes, (100 + 50 + 40 + 30) * 60);
  EXPECT_EQ(d.counted_minutes, (100 + 50) * 60);
  EXPECT_EQ(d.pending_minutes, 40 * 60);
  ASSERT_EQ(d.by_modality.size(), 2u);
  EXPECT_EQ(d.by_modality[0].code, "direct_hire");  // in the order of kModalities
  EXPECT_EQ(d.by_modality[0].entries, 2);
  EXPECT_EQ(d.by_modality[0].minutes, 140 * 60);
  EXPECT_EQ(d.by_modality[0].counted_minutes, 100 * 60);
  EXPECT_EQ(d.by_modality[1].code, "temporary_etti");
  EXPECT_EQ(d.by_modality[1].minutes, 80 * 60);
  EXPECT_EQ(d.by_modality[1].counted_minutes, 50 * 60);
  std::vector<std::string> situations;
  for (auto& h : d.by_situation) situations.push_back(h.code);
  EXPECT_EQ(situations, (std::vector<std::string>{"worked", "telework", "sick_leave", "partial_unemployment"}));
  EXPECT_EQ(d.by_situation[3].counted_minutes, 0);

  // A review counts the hours; before the suspension, b was active.
  ok(review_hours(conn(), sick, "accepted", "Attestation de la CPAM reçue", facilitator));
  auto march = dashboard(conn(), scope, "2020-03-01", "2020-03-31");
  EXPECT_EQ(march.contracts_by_status, (std::vector<std::pair<std::string, std::int64_t>>{{"active", 2}}));
  EXPECT_EQ(march.minutes, 150 * 60);
  EXPECT_EQ(dashboard(conn(), scope, "2020-03-01", "2020-06-30").counted_minutes, (100 + 50 + 40) * 60);
  // Brest sees its own contract and hours only.
  auto other_d = dashboard(conn(), other_scope, "2020-03-01", "2020-06-30");
  EXPECT_EQ(other_d.contracts, 1);
  EXPECT_EQ(other_d.minutes, 90 * 60);
  EXPECT_EQ(first_contract_start(conn(), scope), "2020-02-01");
  EXPECT_EQ(dashboard(conn(), scope, "2023-01-01", "2023-12-31").contracts, 0);
  expect_totals_match_entries();

  // A contract handed to another facilitating organisation takes its hours along;
  // an entry deleted leaves the totals.
  conn().query("UPDATE public_contracts SET organisation_id = ? WHERE id = ?", {other, a});
  expect_totals_match_entries();
  EXPECT_EQ(dashboard(conn(), other_scope, "2020-03-01", "2020-06-30").minutes, (90 + 100 + 50) * 60);
  conn().query("DELETE FROM insertion_hours_reviews WHERE entry_id = ?", {sick});
  conn().query("DELETE FROM insertion_hours WHERE id = ?", {sick});
  expect_totals_match_entries();
  EXPECT_EQ(dashboard(conn(), scope, "2020-03-01", "2020-06-30").minutes, 30 * 60);
}

TEST_P(ClausesStore, PartiesAreAddedOncePerRoleListedAndRemoved) {
  auto id = ok(create_contract(conn(), scope, contract_input("2020-DPE-0142", city_buyer), facilitator));
  auto siae = org("Solipass", "aci", std::nullopt);
  auto c = contract(id);
  auto added = ok(add_party(conn(), c, {std::to_string(siae), "subcontractor"}));
  EXPECT_EQ(added.organisation_name, "Solipass");
  ok(add_party(conn(), c, {std::to_string(cleaner), "co_contractor"}));
  // The same organisation may hold both roles, but each once.
  ok(add_party(conn(), c, {std::to_string(siae), "co_contractor"}));
  auto dup = add_party(conn(), c, {std::to_string(siae), "subcontractor"});
  ASSERT_FALSE(dup);
  EXPECT_EQ(message_of(dup.error(), "organisation_id"), "Solipass est déjà sous-traitant de ce marché.");
  auto unknown = add_party(conn(), c, {"987654", "subcontractor"});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(message_of(unknown.error(), "organisation_id"), "Cette organisation n'existe pas dans l'annuaire.");
  auto holder_again = add_party(conn(), c, {std::to_string(holder), "co_contractor"});
  ASSERT_FALSE(holder_again);
  EXPECT_EQ(message_of(holder_again.error(), "organisation_id"),
            "Bâtisseurs de l'Erdre est le titulaire du marché : choisissez une autre organisation.");
  auto bad_role = add_party(conn(), c, {std::to_string(siae), "mandataire"});
  ASSERT_FALSE(bad_role);
  EXPECT_EQ(message_of(bad_role.error(), "role"), "Ce rôle n'existe pas : choisissez cotraitant ou sous-traitant.");

  // Co-contractors first, then subcontractors, by name.
  auto parties = contract_parties(conn(), id);
  ASSERT_EQ(parties.size(), 3u);
  EXPECT_EQ(parties[0].organisation_name, "Propreté Atlantique");
  EXPECT_EQ(parties[0].role, "co_contractor");
  EXPECT_EQ(parties[1].organisation_name, "Solipass");
  EXPECT_EQ(parties[1].role, "co_contractor");
  EXPECT_EQ(parties[2].role, "subcontractor");
  auto other_id = ok(create_contract(conn(), scope, contract_input("2020-DPE-0143", city_buyer), facilitator));
  std::vector<std::int64_t> both{id, other_id};
  auto by_contract = parties_of(conn(), both);
  EXPECT_EQ(by_contract[id].size(), 3u);
  EXPECT_FALSE(by_contract.contains(other_id));

  EXPECT_TRUE(remove_party(conn(), id, siae, "co_contractor"));
  EXPECT_FALSE(remove_party(conn(), id, siae, "co_contractor"));  // already gone
  EXPECT_FALSE(remove_party(conn(), other_id, siae, "subcontractor"));
  parties = contract_parties(conn(), id);
  ASSERT_EQ(parties.size(), 2u);
  EXPECT_EQ(parties[1].organisation_name, "Solipass");
  EXPECT_EQ(parties[1].role, "subcontractor");
}

TEST_P(ClausesStore, ProgrammeItemsByYearLinkedToTheBuyersContractsOnly) {
  auto city_contract = ok(create_contract(conn(), scope, contract_input("2020-DPE-0142", city_buyer, "cleaning"), facilitator));
  auto landlord_contract = ok(create_contract(conn(), scope, contract_input("NMH-2020-7", landlord_buyer), facilitator));
  auto brest_contract = ok(create_contract(conn(), other_scope, contract_input("B-1", brest_buyer), std::nullopt));
  auto city = *get_buyer(conn(), scope, city_buyer);
  ProgrammeItemInput cleaning{"2020", "planned_contract", "Nettoyage des écoles", "cleaning", "reserved", "15/01/2020",
                              "12 500,50", "done", std::to_string(city_contract), "Lot réservé aux SIAE"};
  auto a = ok(create_programme_item(conn(), scope, city, cleaning));
  ok(create_programme_item(conn(), scope, city,
                           {"2021", "meeting", "Comité de programmation des achats responsables 2021", "", "", "08/12/2020",
                            "", "", "", ""}));
  ok(create_programme_item(conn(), scope, city,
                           {"2021", "planned_contract", "Entretien des espaces verts", "green_spaces", "", "", "", "", "", ""}));
  ok(create_programme_item(conn(), scope, city,
                           {"2021", "planned_contract", "Collecte des encombrants", "waste", "", "2021-06-30", "", "", "", ""}));

  auto item = *get_programme_item(conn(), city_buyer, a);
  EXPECT_EQ(item.year, 2020);
  EXPECT_EQ(item.planned_on, "2020-01-15");
  EXPECT_EQ(item.estimated_amount_cents, 1250050);
  EXPECT_EQ(item.status, "done");
  EXPECT_EQ(item.contract_id, city_contract);
  EXPECT_EQ(item.contract_reference, "2020-DPE-0142");
  EXPECT_FALSE(get_programme_item(conn(), landlord_buyer, a));  // another buyer's item

  // By year, most recent first; in a year by date, undated last.
  auto all = programme_of(conn(), city_buyer);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].title, "Comité de programmation des achats responsables 2021");
  EXPECT_EQ(all[1].title, "Collecte des encombrants");
  EXPECT_EQ(all[2].title, "Entretien des espaces verts");
  EXPECT_EQ(all[3].title, "Nettoyage des écoles");
  EXPECT_EQ(programme_of(conn(), city_buyer, 2020).size(), 1u);
  EXPECT_EQ(programme_years(conn(), city_buyer), (std::vector<int>{2021, 2020}));
  EXPECT_TRUE(programme_of(conn(), landlord_buyer).empty());

  // A contract of another buyer, or outside the scope, is refused in French.
  auto other = cleaning;
  other.contract_id = std::to_string(landlord_contract);
  auto refused = create_programme_item(conn(), scope, city, other);
  ASSERT_FALSE(refused);
  EXPECT_EQ(message_of(refused.error(), "contract_id"),
            "Le marché NMH-2020-7 est un marché de Nantes Métropole Habitat, pas de Ville de Nantes : choisissez un marché "
            "de cet acheteur.");
  other.contract_id = std::to_string(brest_contract);
  other.estimated_amount = "-1";
  refused = create_programme_item(conn(), scope, city, other);
  ASSERT_FALSE(refused);
  EXPECT_EQ(message_of(refused.error(), "contract_id"), "Ce marché n'existe pas dans votre périmètre.");
  EXPECT_EQ(message_of(refused.error(), "estimated_amount"), "Le montant estimé ne peut pas être négatif.");
  EXPECT_EQ(programme_of(conn(), city_buyer).size(), 4u);

  // An edit keeps the row: dropped, unlinked, no amount.
  auto edit = cleaning;
  edit.status = "dropped";
  edit.contract_id = "";
  edit.estimated_amount = "";
  ok(update_programme_item(conn(), scope, city, a, edit));
  item = *get_programme_item(conn(), city_buyer, a);
  EXPECT_EQ(item.status, "dropped");
  EXPECT_FALSE(item.contract_id);
  EXPECT_FALSE(item.estimated_amount_cents);
  edit.contract_id = std::to_string(landlord_contract);
  EXPECT_FALSE(update_programme_item(conn(), scope, city, a, edit));
  EXPECT_FALSE(get_programme_item(conn(), city_buyer, a)->contract_id);
}

INSTANTIATE_ON_BOTH_ENGINES(ClausesStore);

}  // namespace
}  // namespace passerelle::clauses
