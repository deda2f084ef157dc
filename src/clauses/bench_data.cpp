// Benchmark data of the clauses module (issue 4, "Benchmark"): contracts and
// insertion hours at national scale, written many rows per INSERT.
#include <chrono>
#include <map>
#include <random>
#include <tuple>

#include <fmt/format.h>

#include "clauses/demo.hpp"
#include "clauses/model.hpp"
#include "clauses/rules.hpp"
#include "clauses/store.hpp"
#include "core/auth/auth.hpp"
#include "core/web/text.hpp"
#include "core/web/words.hpp"

namespace passerelle::clauses {
namespace {

void insert_rows(db::Connection& db, const std::string& head, int columns, int rows, const db::Params& params) {
  std::string row = "(";
  for (int i = 0; i < columns; ++i) row += i ? ", ?" : "?";
  row += ")";
  std::string sql = head + " VALUES ";
  for (int i = 0; i < rows; ++i) sql += i ? ", " + row : row;
  db.query(sql, params);
}

}  // namespace

void load_clauses_bench_data(db::Connection& db, std::int64_t contracts, std::int64_t entries, std::ostream& out) {
  const auto started = std::chrono::steady_clock::now();
  auto mde = db.query("SELECT id FROM organisations WHERE name = 'Maison de l''emploi de Nantes'");
  if (mde.empty()) throw std::runtime_error("bench-data --contracts : lancez d'abord « passerelle demo »");
  const std::int64_t mde_id = mde.rows[0].integer(0);
  std::vector<std::pair<std::int64_t, std::string>> buyers;
  for (auto& r : db.query("SELECT b.id, bo.name FROM public_buyers b JOIN organisations bo ON bo.id = b.buyer_organisation_id "
                          "WHERE b.organisation_id = ? ORDER BY b.id",
                          {mde_id})
                     .rows)
    buyers.emplace_back(r.integer(0), r.text(1));
  std::vector<std::pair<std::int64_t, std::string>> holders;
  for (auto& r : db.query("SELECT DISTINCT c.holder_organisation_id, ho.name FROM public_contracts c "
                          "JOIN organisations ho ON ho.id = c.holder_organisation_id WHERE c.organisation_id = ? "
                          "ORDER BY c.holder_organisation_id",
                          {mde_id})
                     .rows)
    holders.emplace_back(r.integer(0), r.text(1));
  if (buyers.empty() || holders.empty()) throw std::runtime_error("bench-data --contracts : données de démonstration absentes");
  std::mt19937_64 rng(50000);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  const auto now = auth::now_utc();
  auto sets = current_rule_sets(db);
  std::vector<std::int64_t> ids;
  {
    db::Transaction tx(db);
    const std::string head =
        "INSERT INTO public_contracts (organisation_id, buyer_id, reference, sort_reference, search_text, title, lots, "
        "sector, holder_organisation_id, amount_cents, notified_on, start_date, end_date, clause_type, required_minutes, "
        "hours_mode, labour_share_bp, insertion_rate_bp, hourly_cost_cents, status, status_since, created_at, updated_at)";
    db::Params params;
    int rows = 0;
    for (std::int64_t i = 0; i < contracts; ++i) {
      auto& b = buyers[pick(buyers.size())];
      auto& h = holders[pick(holders.size())];
      auto& sector = kSectors[pick(kSectors.size() - 1)];
      auto reference = fmt::format("BENCH-{:06d}", i + 1);
      auto title = fmt::format("{} — marché de mesure n° {}", sector.label, i + 1);
      std::int64_t amount = (50000 + static_cast<std::int64_t>(pick(3000000))) * 100;
      std::int64_t minutes = required_minutes({amount, 5000, 700, 2700});
      for (auto& v : {db::Value(mde_id), db::Value(b.first), db::Value(reference), db::Value(text::fold(reference)),
                      db::Value(text::fold(reference + " " + title + " " + h.second + " " + b.second)), db::Value(title),
                      db::Value(""), db::Value(sector.code), db::Value(h.first), db::Value(amount), db::Value("2019-12-15"),
                      db::Value("2020-01-01"), db::Value("2021-12-31"), db::Value("execution_condition"), db::Value(minutes),
                      db::Value("computed"), db::Value(5000), db::Value(700), db::Value(2700), db::Value("active"),
                      db::Value("2019-12-15"), db::Value(now), db::Value(now)})
        params.push_back(v);
      if (++rows == 40) {
        insert_rows(db, head, 23, rows, params);
        params.clear();
        rows = 0;
      }
    }
    if (rows) insert_rows(db, head, 23, rows, params);
    tx.commit();
  }
  for (auto& r : db.query("SELECT id FROM public_contracts WHERE sort_reference >= 'bench-' AND sort_reference < 'bench.'").rows)
    ids.push_back(r.integer(0));
  if (ids.empty()) throw std::runtime_error("bench-data : aucun marché de mesure");
  std::map<std::tuple<std::string, std::string, std::string>, Evaluation> cache;
  const std::string head =
      "INSERT INTO insertion_hours (contract_id, person_name, person_key, month, employer_name, modality, minutes, "
      "situation, eligibility, decision, rule_set_id, rule_set_version, rule_id, review_status, counted, source, "
      "created_at, updated_at)";
  std::int64_t done = 0;
  while (done < entries) {  // one transaction per 100,000 rows
    db::Transaction tx(db);
    db::Params params;
    int rows = 0;
    for (std::int64_t k = 0; k < 100000 && done < entries; ++k, ++done) {
      auto contract = ids[static_cast<std::size_t>(done) % ids.size()];
      auto month = fmt::format("2020-{:02d}", 1 + pick(12));
      auto situation = kSituations[pick(kSituations.size())].code;
      auto eligibility = kEligibilities[pick(kEligibilities.size())].code;
      auto key = std::make_tuple(month, std::string(situation), std::string(eligibility));
      auto it = cache.find(key);
      if (it == cache.end()) it = cache.emplace(key, evaluate(sets, month, situation, eligibility)).first;
      auto& e = it->second;
      auto review = review_status_after(e.decision, "");
      auto name = fmt::format("PERSONNE {}", done % 200000);
      for (auto& v : {db::Value(contract), db::Value(name), db::Value(text::fold(name)), db::Value(month),
                      db::Value("Employeur de mesure"), db::Value("direct_hire"), db::Value(static_cast<std::int64_t>((20 + pick(130)) * 60)),
                      db::Value(situation), db::Value(eligibility), db::Value(e.decision),
                      e.rule_set_id ? db::Value(e.rule_set_id) : db::Value(nullptr),
                      e.rule_set_id ? db::Value(e.rule_set_version) : db::Value(nullptr),
                      e.rule_id ? db::Value(e.rule_id) : db::Value(nullptr), db::Value(review),
                      db::Value(counts(e.decision, review) ? 1 : 0), db::Value("demo"), db::Value(now), db::Value(now)})
        params.push_back(v);
      if (++rows == 50) {
        insert_rows(db, head, 18, rows, params);
        params.clear();
        rows = 0;
      }
    }
    if (rows) insert_rows(db, head, 18, rows, params);
    tx.commit();
  }
  web::rebuild_words(db, "public_contracts", "contract_words", "contract_id", false);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  out << fmt::format("Clauses (mesure) : {} marchés et {} lignes d'heures ajoutés ({} ms).\n", ids.size(), done, ms);
}

}  // namespace passerelle::clauses
