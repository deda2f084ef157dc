// Benchmark data of the hotline (issue 6, "Benchmark": 200,000 questions),
// after `passerelle demo` and a network of organisations and contacts
// (`bench-data --organisations N --contacts M`). Multi-row INSERTs of the
// columns the store writes: questions spread over 2024–2025 on working hours,
// asked by the member organisations, in the demo's categories; most answered
// then closed (first response and resolution stamped, in business minutes,
// from the calendar), the most recent ones still new, open or waiting. Replies,
// history rows and search words are not generated: the measured report reads
// none of them.
#include <fmt/format.h>

#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "hotline/demo.hpp"
#include "hotline/rules.hpp"
#include "hotline/store.hpp"

namespace passerelle::hotline {

void load_bench_data(db::Connection& db, std::int64_t questions, std::ostream& out) {
  std::mt19937_64 rng(20261207);
  if (db.engine() == db::Engine::sqlite) db.execute_script("PRAGMA cache_size=-1000000;");
  auto cats = list_categories(db);
  if (cats.empty()) throw std::runtime_error("chargez d'abord les données de démonstration (passerelle demo)");
  auto orgs = db.query("SELECT id FROM organisations WHERE kind NOT IN ('federation', 'delegation') ORDER BY id");
  if (orgs.rows.size() < 10) throw std::runtime_error("trop peu d'organisations : bench-data --organisations N d'abord");
  auto cal = load_calendar(db);
  const std::int64_t first = *parse_utc("2024-01-01T00:00:00Z"), span = 2 * 365 * 86400;
  const char* channels[] = {"phone", "email", "form", "form"};
  const char* priorities[] = {"normal", "normal", "normal", "high", "urgent"};
  const int batch = 300;
  std::int64_t done = 0, open = 0;
  db::Transaction tx(db);  // one transaction: no sync per batch
  while (done < questions) {
    std::string sql =
        "INSERT INTO questions (organisation_id, category_id, channel, priority, subject, body, state, created_at, "
        "updated_at, first_response_due, resolution_due, first_response_at, first_response_minutes, resolved_at, "
        "resolution_minutes, next_due, search_text) VALUES ";
    db::Params params;
    for (int rows = 0; rows < batch && done < questions; ++rows, ++done) {
      // A working-hours instant: a random day, then 1 to 400 business minutes after its midnight.
      auto day = format_utc(first + static_cast<std::int64_t>(rng() % span) / 86400 * 86400);
      auto created = add_business_minutes(cal, day, 1 + static_cast<std::int64_t>(rng() % 420));
      auto& cat = cats[rng() % cats.size()];
      auto first_due = add_business_minutes(cal, created, cat.first_response_minutes);
      auto resolution_due = add_business_minutes(cal, created, cat.resolution_minutes);
      bool recent = created > "2025-12-15";
      std::string state = recent ? std::vector<std::string>{"new", "open", "waiting", "answered"}[rng() % 4]
                                 : (rng() % 10 ? "closed" : "answered");
      std::optional<std::string> first_at, resolved_at;
      std::optional<std::int64_t> first_minutes, resolution_minutes;
      if (state != "new") {
        first_minutes = 5 + static_cast<std::int64_t>(rng() % (cat.first_response_minutes * 2));
        first_at = add_business_minutes(cal, created, *first_minutes);
      }
      if (is_resolved(state)) {
        resolution_minutes = *first_minutes + static_cast<std::int64_t>(rng() % (cat.resolution_minutes * 2));
        resolved_at = add_business_minutes(cal, created, *resolution_minutes);
      } else {
        ++open;
      }
      auto subject = fmt::format("Question n° {} — {}", done + 1, cat.label);
      sql += rows ? ", (?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')"
                  : "(?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')";
      for (db::Value v : std::initializer_list<db::Value>{
               orgs.rows[rng() % orgs.rows.size()].integer(0), cat.id, channels[rng() % 4], priorities[rng() % 5],
               subject, state, created, resolved_at.value_or(first_at.value_or(created)), first_due, resolution_due,
               first_at, first_minutes, resolved_at, resolution_minutes,
               next_due(state, first_at, first_due, resolution_due)})
        params.push_back(v);
    }
    db.query(sql, params);
  }
  tx.commit();
  out << fmt::format("Hotline : {} questions de mesure (2024–2025), dont {} non résolues.\n", done, open);
}

}  // namespace passerelle::hotline
