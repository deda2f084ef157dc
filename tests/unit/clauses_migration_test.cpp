// migrations/0007_clauses.sql on both engines: the tables of the clauses
// module exist, link together and keep a contract reference unique per buyer.
#include "core/db/database.hpp"
#include "test_db.hpp"

namespace passerelle {
namespace {

class ClausesMigration : public testing::EngineTest {};

std::int64_t insert_org(db::Connection& c, const char* name, const char* kind) {
  return c
      .query(
          "INSERT INTO organisations (name, sort_name, search_text, kind, created_at, updated_at) "
          "VALUES (?, ?, ?, ?, '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z') RETURNING id",
          {name, name, name, kind})
      .rows.at(0)
      .integer(0);
}

TEST_P(ClausesMigration, ContractsHoursAndRuleSetsLinkTogether) {
  auto& c = conn();
  auto mde = insert_org(c, "Maison de l'emploi", "mde");
  auto city = insert_org(c, "Ville", "buyer");
  auto holder = insert_org(c, "Bâtisseurs", "employer");
  auto ei = insert_org(c, "EI Nettoyage", "ei");
  const char* now = "2020-03-01T10:00:00Z";
  auto buyer = c.query(
                    "INSERT INTO public_buyers (organisation_id, buyer_organisation_id, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?) RETURNING id",
                    {mde, city, now, now})
                   .rows.at(0)
                   .integer(0);
  c.query("INSERT INTO purchase_programme_items (buyer_id, year, kind, title, created_at) VALUES (?, 2020, 'meeting', 'Réunion', ?)",
          {buyer, now});
  const char* insert_contract =
      "INSERT INTO public_contracts (organisation_id, buyer_id, reference, sort_reference, search_text, title, sector, "
      "holder_organisation_id, amount_cents, notified_on, start_date, end_date, clause_type, required_minutes, "
      "hours_mode, labour_share_bp, insertion_rate_bp, hourly_cost_cents, status, status_since, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, '', 'Travaux', 'construction', ?, 100000000, '2020-01-10', '2020-02-01', '2021-01-31', "
      "'execution_condition', 48000, 'computed', 4000, 500, 2500, 'active', '2020-01-10', ?, ?) RETURNING id";
  auto contract = c.query(insert_contract, {mde, buyer, "2020-001", "2020-001", holder, now, now}).rows.at(0).integer(0);
  try {
    c.query(insert_contract, {mde, buyer, "2020-001", "2020-001", holder, now, now});
    FAIL() << "a second contract with the same reference for the same buyer was accepted";
  } catch (const db::Error& e) {
    EXPECT_TRUE(e.constraint());
  }
  c.query("INSERT INTO contract_parties (contract_id, organisation_id, role) VALUES (?, ?, 'subcontractor')", {contract, ei});
  c.query(
      "INSERT INTO contract_status_events (contract_id, effective_on, from_status, to_status, reason, legal_reference, at) "
      "VALUES (?, '2020-03-17', 'active', 'suspended', 'Chantier arrêté', 'ordonnance n° 2020-319 du 25 mars 2020', ?)",
      {contract, now});
  auto set = c.query(
                  "INSERT INTO rule_sets (code, version, name, effective_from, effective_to, priority, created_at) "
                  "VALUES ('covid_2020', 1, 'État d''urgence sanitaire 2020', '2020-03-12', '2020-07-23', 10, ?) RETURNING id",
                  {now})
                 .rows.at(0)
                 .integer(0);
  auto rule = c.query(
                   "INSERT INTO rule_set_rules (rule_set_id, position, situation, decision) VALUES (?, 1, 'telework', "
                   "'validated') RETURNING id",
                   {set})
                  .rows.at(0)
                  .integer(0);
  c.query(
      "INSERT INTO insertion_hours (contract_id, person_name, person_key, month, employer_organisation_id, modality, "
      "minutes, situation, eligibility, decision, rule_set_id, rule_set_version, rule_id, counted, created_at, updated_at) "
      "VALUES (?, 'MARTIN Léa', 'martin lea', '2020-04', ?, 'direct_hire', 9000, 'telework', 'rsa', 'validated', ?, 1, ?, 1, ?, ?)",
      {contract, holder, set, rule, now, now});
  auto row = c.query(
                  "SELECT SUM(h.minutes), MAX(r.code), MAX(e.legal_reference) FROM insertion_hours h "
                  "JOIN rule_sets r ON r.id = h.rule_set_id JOIN contract_status_events e ON e.contract_id = h.contract_id "
                  "WHERE h.contract_id = ? AND h.counted = 1",
                  {contract})
                 .rows.at(0);
  EXPECT_EQ(row.integer(0), 9000);
  EXPECT_EQ(row.text(1), "covid_2020");
  EXPECT_EQ(row.text(2), "ordonnance n° 2020-319 du 25 mars 2020");
}

INSTANTIATE_ON_BOTH_ENGINES(ClausesMigration);

}  // namespace
}  // namespace passerelle
