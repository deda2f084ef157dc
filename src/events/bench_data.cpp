// Benchmark data of events (issue 5, "Benchmark": 50,000 events and 1,000,000
// registrations), after `passerelle demo` and a network of organisations and
// contacts (`bench-data --organisations N --contacts M`). Multi-row INSERTs of
// the columns the store writes: events spread over 2014–2027 (past ones done,
// a few cancelled; coming ones published and open), organised by the
// delegations for their region (a national one now and then), a third with
// sessions; registrations by the network's contacts with the statuses a year
// of use leaves (present, absent, cancelled; coming events registered up to
// their capacity, then waitlisted). Status history rows are not generated:
// nothing reads them in the measured pages.
#include <fmt/format.h>

#include <map>
#include <optional>
#include <random>
#include <ctime>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/auth/auth.hpp"
#include "core/web/text.hpp"
#include "events/demo.hpp"
#include "events/model.hpp"
#include "events/rules.hpp"

namespace passerelle::events {
namespace {

constexpr const char* kThemes[] = {"PASS IAE", "formation", "modèle économique", "recrutement", "prescripteurs",
                                   "paie", "crise sanitaire", "participation", "achats responsables", "mobilité"};
constexpr const char* kTitles[] = {"Journée des adhérents", "Webinaire thématique", "Atelier des encadrants",
                                   "Café-débat", "Table ronde", "World café", "Réunion des directions",
                                   "Plénière régionale"};

std::string iso_utc(std::int64_t epoch) {
  std::time_t t = epoch;
  std::tm d{};
  gmtime_r(&t, &d);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:00Z", d.tm_year + 1900, d.tm_mon + 1, d.tm_mday, d.tm_hour, d.tm_min);
}

}  // namespace

void load_bench_data(db::Connection& db, std::int64_t events, std::int64_t registrations, std::ostream& out) {
  std::mt19937_64 rng(20261207);
  // A large page cache while filling (SQLite): the indexes stay in memory.
  if (db.engine() == db::Engine::sqlite) db.execute_script("PRAGMA cache_size=-2000000;");
  auto delegations = db.query("SELECT id, region FROM organisations WHERE kind = 'delegation' ORDER BY id");
  auto federation = db.query("SELECT id FROM organisations WHERE kind = 'federation' ORDER BY id LIMIT 1");
  if (delegations.empty() || federation.empty())
    throw std::runtime_error("chargez d'abord les données de démonstration (passerelle demo)");
  // One organisation per contact (its first), grouped by region so that an
  // event's registrants mostly come from its region.
  auto pool = db.query(
      "SELECT co.contact_id, MIN(co.organisation_id), MIN(o.region) FROM contact_organisations co "
      "JOIN organisations o ON o.id = co.organisation_id WHERE o.kind NOT IN ('federation', 'delegation') "
      "GROUP BY co.contact_id ORDER BY MIN(o.region), co.contact_id");
  if (pool.rows.size() < 100) throw std::runtime_error("trop peu de contacts : bench-data --organisations N --contacts M d'abord");
  std::vector<std::string> all_regions;
  for (auto& d : delegations.rows) all_regions.push_back(d.text(1));
  std::map<std::string, std::pair<std::size_t, std::size_t>> by_region;  // region → [begin, end) of the pool
  for (std::size_t i = 0; i < pool.rows.size(); ++i) {
    auto [it, fresh] = by_region.try_emplace(pool.rows[i].text(2), i, i + 1);
    if (!fresh) it->second.second = i + 1;
  }

  const std::int64_t first = 1388534400;  // 2014-01-01
  const std::int64_t last = 1830297600;   // 2028-01-01
  const auto now = auth::now_utc();
  const auto created = now;
  const double per_event = events ? static_cast<double>(registrations) / static_cast<double>(events) : 0;
  std::int64_t made_events = 0, made_regs = 0, open_events = 0;
  const int batch = 400;

  struct Pending {
    std::int64_t contact = 0, organisation = 0;
    std::string status;
  };
  for (std::int64_t done = 0; done < events;) {
    db::Transaction tx(db);
    std::string sql =
        "INSERT INTO events (kind, title, description, starts_at, ends_at, venue, visio_url, organiser_id, capacity, "
        "offer_hours, themes, search_text, status, created_at, updated_at, open_to_all) VALUES ";
    db::Params params;
    struct Made {
      std::string region, starts_at, status;
      bool national = false;
      std::optional<std::int64_t> capacity;
      int sessions = 0;
    };
    std::vector<Made> made;
    for (int rows = 0; rows < batch && done < events; ++rows, ++done) {
      bool national = rng() % 50 == 0;
      auto& d = delegations.rows[rng() % delegations.rows.size()];
      auto kind = kEventKinds[rng() % kEventKinds.size()].code;
      auto start = first + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(last - first));
      start -= start % 1800;
      auto starts = iso_utc(start), ends = iso_utc(start + 3600 * (2 + static_cast<std::int64_t>(rng() % 6)));
      std::string status = starts > now ? "published" : (rng() % 20 == 0 ? "cancelled" : "done");
      std::optional<std::int64_t> capacity;
      if (rng() % 5) capacity = 15 + static_cast<std::int64_t>(rng() % 46);
      auto title = fmt::format("{} n° {} — {}", kTitles[rng() % std::size(kTitles)], done + 1,
                               kThemes[rng() % std::size(kThemes)]);
      std::string themes = fmt::format("{}, {}", kThemes[rng() % std::size(kThemes)], kThemes[rng() % std::size(kThemes)]);
      bool visio = kind == std::string_view("webinar") || kind == std::string_view("videoconference");
      std::string venue = visio ? "" : fmt::format("Salle {}", 1 + rng() % 40);
      std::string visio_url = visio ? fmt::format("https://visio.passerelle.fr/{}", done + 1) : "";
      // Open to all: the generated organisations hold no membership.
      sql += rows ? ", (?, ?, '', ?, ?, ?, ?, ?, ?, 48, ?, ?, ?, ?, ?, 1)" : "(?, ?, '', ?, ?, ?, ?, ?, ?, 48, ?, ?, ?, ?, ?, 1)";
      for (db::Value v : std::initializer_list<db::Value>{
               std::string(kind), title, starts, ends, venue, visio_url,
               national ? federation.rows[0].integer(0) : d.integer(0), capacity, themes,
               text::fold(title + " " + themes + " " + venue), status, created, created})
        params.push_back(v);
      made.push_back({d.text(1), starts, status, national, capacity, rng() % 3 == 0 ? 2 + static_cast<int>(rng() % 2) : 0});
    }
    auto ids = db.query(sql + " RETURNING id", params);
    // Regions, sessions, registrations of these events.
    std::string rsql = "INSERT INTO event_regions (event_id, region) VALUES ";
    db::Params rparams;
    std::string ssql = "INSERT INTO event_sessions (event_id, title, theme, capacity, position) VALUES ";
    db::Params sparams;
    std::vector<std::vector<Pending>> regs(made.size());
    bool any_session = false;
    for (std::size_t i = 0; i < made.size(); ++i) {
      auto id = ids.rows[i].integer(0);
      auto& m = made[i];
      auto regions = m.national ? all_regions : std::vector<std::string>{m.region};
      for (auto& r : regions) {
        rsql += rparams.empty() ? "(?, ?)" : ", (?, ?)";
        rparams.push_back(id);
        rparams.push_back(r);
      }
      for (int s = 1; s <= m.sessions; ++s) {
        ssql += any_session ? ", (?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?)";
        any_session = true;
        for (db::Value v : std::initializer_list<db::Value>{id, fmt::format("Table ronde {}", s),
                                                            std::string(kThemes[rng() % std::size(kThemes)]),
                                                            m.capacity ? db::Value(*m.capacity / 2 + 5) : db::Value(),
                                                            s})
          sparams.push_back(v);
      }
      if (m.status == "published") ++open_events;
      // Registrants: a run of the pool, in the event's region when it has contacts there.
      // Around the mean, the running total kept on `registrations` (the last event takes the rest).
      auto index = made_events + static_cast<std::int64_t>(i) + 1;
      auto due = static_cast<std::int64_t>(static_cast<double>(registrations) * static_cast<double>(index) /
                                           static_cast<double>(events));
      auto jitter = index == events ? 0
                                    : static_cast<std::int64_t>(per_event * (static_cast<double>(rng() % 1001) / 1000.0 - 0.5));
      auto want = std::max<std::int64_t>(0, due - made_regs + jitter);
      want = std::min<std::int64_t>(want, static_cast<std::int64_t>(pool.rows.size()));
      std::size_t start = rng() % pool.rows.size();
      if (auto it = by_region.find(m.region); !m.national && it != by_region.end()) {
        auto [b, e] = it->second;
        if (static_cast<std::int64_t>(e - b) > want) start = b + rng() % (e - b - static_cast<std::size_t>(want) + 1);
      }
      std::int64_t seats = 0;
      for (std::int64_t k = 0; k < want; ++k) {
        auto& c = pool.rows[(start + static_cast<std::size_t>(k)) % pool.rows.size()];
        std::string status;
        auto roll = rng() % 100;
        if (m.status == "published") {
          status = seat_decision(m.capacity, seats);
          if (roll < 5) status = "cancelled";
        } else if (m.status == "cancelled") {
          status = "cancelled";
        } else {
          status = roll < 72 ? "attended" : roll < 84 ? "no_show" : roll < 96 ? "cancelled" : "expired";
        }
        if (uses_seat(status)) ++seats;
        regs[i].push_back({c.integer(0), c.integer(1), status});
      }
      made_regs += want;
    }
    db.query(rsql, rparams);
    if (any_session) db.query(ssql, sparams);
    // Registrations, 1,000 rows a statement.
    std::string gsql;
    db::Params gparams;
    int grows = 0;
    auto flush = [&] {
      if (!grows) return;
      db.query("INSERT INTO registrations (event_id, contact_id, organisation_id, status, created_at, updated_at) VALUES " +
                   gsql,
               gparams);
      gsql.clear();
      gparams.clear();
      grows = 0;
    };
    for (std::size_t i = 0; i < made.size(); ++i)
      for (auto& r : regs[i]) {
        gsql += grows ? ", (?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?)";
        for (db::Value v : std::initializer_list<db::Value>{ids.rows[i].integer(0), r.contact, r.organisation, r.status,
                                                            created, created})
          gparams.push_back(v);
        if (++grows == 1000) flush();
      }
    flush();
    tx.commit();
    made_events += static_cast<std::int64_t>(made.size());
    if (made_events % 10000 == 0 || made_events == events)
      out << fmt::format("Événements de mesure : {} / {}, inscriptions : {}\n", made_events, events, made_regs) << std::flush;
  }
  out << fmt::format("Événements de mesure : {} événements (dont {} ouverts aux inscriptions), {} inscriptions.\n",
                     made_events, open_events, made_regs);
}

}  // namespace passerelle::events
