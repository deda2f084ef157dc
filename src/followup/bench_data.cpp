// Benchmark data of the follow-up module (issue 3, "Benchmark"): participants
// spread over PLIE-like organisations under the demo delegations (one PLIE per
// ~5 000 people), referent accounts (real users/user_roles rows), one active
// enrolment per participant in its PLIE's programme (cadence 15 days), and
// interactions over the last 6 months (~75 % reached). Each enrolment's
// follow-up columns are computed here with the rules (as demo.cpp does) and
// inserted directly. Multi-row INSERTs in transactions, no per-row round trip.
//
// Accounts (one Argon2id hash computed once, shared by every bench account;
// password kBenchPassword):
//   bench.referent.<k>@bench.passerelle.fr      k = 1..R, referent of one PLIE
//   bench.supervisor.plie.<k>@bench.passerelle.fr  supervisor of PLIE k
//   bench.supervisor.national@bench.passerelle.fr  supervisor at the federation root
// Deterministic (fixed seed).
#include <algorithm>
#include <charconv>
#include <chrono>
#include <random>
#include <stdexcept>

#include <fmt/format.h>

#include "core/auth/auth.hpp"
#include "core/web/text.hpp"
#include "core/web/words.hpp"
#include "followup/demo.hpp"
#include "followup/model.hpp"
#include "followup/rules.hpp"
#include "followup/store.hpp"
#include "network/demo.hpp"
#include "network/store.hpp"

namespace passerelle::followup {
namespace {

struct Rng {
  std::mt19937_64 gen{20261125};
  std::uint64_t next(std::uint64_t n) { return n ? gen() % n : 0; }
  bool chance(double p) { return static_cast<double>(gen() % 1000000) < p * 1000000.0; }
};

std::int64_t epoch_of(const DateTime& t) {
  return to_days(t.date) * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
}
DateTime from_epoch(std::int64_t s) {
  const std::int64_t days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
  const std::int64_t rest = s - days * 86400;
  return {from_days(days), static_cast<int>(rest / 3600), static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60)};
}

// Multi-row INSERT by `batch` rows.
class Inserter {
 public:
  Inserter(db::Connection& db, std::string head, int columns, std::string returning = "", int batch = 500)
      : db_(db), head_(std::move(head)), returning_(std::move(returning)), batch_(batch) {
    tuple_ = "(?";
    for (int i = 1; i < columns; ++i) tuple_.append(", ?");
    tuple_.push_back(')');
  }
  template <class... V>
  void add(V&&... values) {
    (params_.emplace_back(std::forward<V>(values)), ...);
    if (++rows_ == batch_) flush();
  }
  void flush() {
    if (rows_ == 0) return;
    if (rows_ != sql_rows_) {
      sql_ = head_ + " VALUES ";
      for (int i = 0; i < rows_; ++i) {
        if (i) sql_ += ", ";
        sql_ += tuple_;
      }
      if (!returning_.empty()) sql_ += " RETURNING " + returning_;
      sql_rows_ = rows_;
    }
    auto r = db_.query(sql_, params_);
    for (auto& row : r.rows) returned.push_back(std::move(row));
    params_.clear();
    rows_ = 0;
  }
  std::vector<db::Row> returned;

 private:
  db::Connection& db_;
  std::string head_, tuple_, returning_, sql_;
  int batch_, sql_rows_ = -1;
  db::Params params_;
  int rows_ = 0;
};

// The store's own computation, so that generated data matches logged data.
FollowUp follow_up(Date entry, int cadence, const std::vector<InteractionAttempt>& attempts, Date today) {
  return follow_up_of(entry, cadence, attempts, today);
}

db::Value opt_date(const std::optional<Date>& d) { return d ? db::Value(format_date(*d)) : db::Value(nullptr); }

const char* kFirst[] = {"Fatoumata", "Aïcha", "Mariam", "Nadia", "Sandrine", "Isabelle", "Khadija", "Sophie",
                        "Mamadou", "Mohamed", "Karim", "Jean", "Moussa", "Ibrahim", "Sébastien", "Youssef",
                        "Awa", "Nathalie", "Yasmina", "Céline", "Abdoulaye", "Christophe", "Samir", "Ousmane"};
const char* kLast[] = {"Diallo", "Traoré", "Martin", "Benali", "Koné", "Bernard", "Camara", "Dubois", "Sissoko",
                       "Haddad", "Petit", "Cissé", "Mendy", "Lefèvre", "Bensaïd", "Keïta", "Moreau", "Touré",
                       "Ndiaye", "Girard", "Sow", "Amrani", "Fofana", "Laurent", "Boukhari", "Kanté", "Rousseau"};
const char* kChannels[] = {"phone", "phone", "phone", "phone", "sms", "email", "whatsapp", "whatsapp", "visio", "in_person"};
const char* kFailed[] = {"no_answer", "no_answer", "no_answer", "message_left", "message_left", "wrong_number",
                         "language_barrier"};
const char* kNotes[] = {"", "", "", "Point sur la situation.", "Actualisation France Travail faite ensemble.",
                        "CV mis à jour.", "Rappeler en fin de semaine."};

}  // namespace

void load_followup_bench_data(db::Connection& db, std::int64_t participants, std::int64_t interactions,
                              std::int64_t referent_count, std::ostream& out) {
  using clock = std::chrono::steady_clock;
  const auto started = clock::now();
  auto lap = [&] { return std::chrono::duration<double>(clock::now() - started).count(); };
  if (participants <= 0) throw std::runtime_error("--participants doit être positif");
  if (referent_count <= 0) referent_count = std::max<std::int64_t>(1, participants / 71);
  auto delegations = db.query("SELECT id, path FROM organisations WHERE kind = 'delegation' ORDER BY id");
  auto federation = db.query("SELECT id FROM organisations WHERE kind = 'federation' ORDER BY id LIMIT 1");
  if (delegations.empty() || federation.empty())
    throw std::runtime_error("chargez d'abord les données de démonstration (passerelle demo)");
  if (!db.query("SELECT 1 FROM users WHERE email = 'bench.supervisor.national@bench.passerelle.fr'").empty())
    throw std::runtime_error("données de mesure du suivi déjà chargées dans cette base");

  // SQLite: a page cache that holds the indexes being filled (participant_words,
  // interactions_at take their keys in random order: with the default cache every
  // insert at national scale read pages back from the file, and the generation
  // slowed down as the tables grew). Benchmark data only.
  if (db.engine() == db::Engine::sqlite) db.execute_script("PRAGMA cache_size=-4000000;");

  Rng rng;
  const std::string now = auth::now_utc();
  const Date today = paris_today();
  const std::int64_t plies = std::max<std::int64_t>(1, (participants + 4999) / 5000);
  referent_count = std::max(referent_count, plies);  // at least one referent per PLIE

  // --- PLIE organisations and their programmes ---------------------------------------------
  std::vector<std::int64_t> plie_org(plies), programme(plies);
  {
    db::Transaction tx(db);
    const std::int64_t base_siret = db.query("SELECT COUNT(*) FROM organisations").rows.at(0).integer(0) + 900000000;
    Inserter ins(db,
                 "INSERT INTO organisations (name, sort_name, search_text, kind, siret, address, postcode, commune, "
                 "department, region, parent_id, path, created_at, updated_at)",
                 14, "id, search_text", 200);
    for (std::int64_t k = 0; k < plies; ++k) {
      auto& parent = delegations.rows[k % delegations.rows.size()];
      const auto name = fmt::format("PLIE de mesure {}", k + 1);
      const auto siret = network::demo_siret(base_siret + k);
      ins.add(name, text::fold(name), text::fold(name + " " + siret), "plie", siret, "1 place de la Mairie", "75000",
              "Paris", "75", "11", parent.integer(0), "", now, now);
    }
    ins.flush();
    for (std::size_t k = 0; k < ins.returned.size(); ++k) plie_org[k] = ins.returned[k].integer(0);
    db.query(
        "UPDATE organisations SET path = (SELECT p.path FROM organisations p WHERE p.id = organisations.parent_id) "
        "|| CAST(id AS TEXT) || '/' WHERE path = ''");
    Inserter words(db, "INSERT INTO organisation_words (word, organisation_id)", 2);
    for (auto& r : ins.returned)
      for (auto& w : network::search_words(r.text(1))) words.add(w, r.integer(0));
    words.flush();
    Inserter prog(db,
                  "INSERT INTO programmes (organisation_id, name, kind, cadence_days, max_duration_months, created_at)",
                  6, "id, organisation_id", 200);
    for (std::int64_t k = 0; k < plies; ++k)
      prog.add(plie_org[k], fmt::format("PLIE de mesure {} — accompagnement renforcé", k + 1), "plie",
               kPlieCadenceDays, kPlieMaxDurationMonths, now);
    prog.flush();
    for (std::size_t k = 0; k < prog.returned.size(); ++k) programme[k] = prog.returned[k].integer(0);
    tx.commit();
  }

  // --- Accounts: one hash for all ------------------------------------------------------------
  std::vector<std::int64_t> referents(referent_count);
  {
    const std::string hash = auth::hash_password(kBenchPassword);
    db::Transaction tx(db);
    Inserter users(db, "INSERT INTO users (email, display_name, password_hash, disabled, created_at)", 5, "id, email",
                   500);
    for (std::int64_t r = 0; r < referent_count; ++r)
      users.add(fmt::format("bench.referent.{}@bench.passerelle.fr", r + 1),
                fmt::format("{} {} (mesure {})", kFirst[r % std::size(kFirst)], kLast[r % std::size(kLast)], r + 1),
                hash, 0, now);
    for (std::int64_t k = 0; k < plies; ++k)
      users.add(fmt::format("bench.supervisor.plie.{}@bench.passerelle.fr", k + 1),
                fmt::format("Superviseur PLIE de mesure {}", k + 1), hash, 0, now);
    users.add(std::string("bench.supervisor.national@bench.passerelle.fr"), std::string("Superviseur national (mesure)"),
              hash, 0, now);
    users.flush();
    if (users.returned.size() != static_cast<std::size_t>(referent_count + plies + 1))
      throw std::runtime_error("comptes de mesure : nombre de lignes inattendu");
    auto number = [](const std::string& email, std::string_view prefix) {
      std::int64_t n = 0;
      std::from_chars(email.data() + prefix.size(), email.data() + email.size(), n);
      return n;
    };
    Inserter roles(db, "INSERT INTO user_roles (user_id, organisation_id, role)", 3, "", 500);
    for (auto& row : users.returned) {
      const std::string email = row.text(1);
      if (email.starts_with("bench.referent.")) {
        const auto r = number(email, "bench.referent.") - 1;
        referents[r] = row.integer(0);
        roles.add(row.integer(0), plie_org[r % plies], "referent");
      } else if (email.starts_with("bench.supervisor.plie.")) {
        const auto k = number(email, "bench.supervisor.plie.") - 1;
        roles.add(row.integer(0), plie_org[k], "supervisor");
      } else {
        roles.add(row.integer(0), federation.rows[0].integer(0), "supervisor");
      }
    }
    roles.flush();
    tx.commit();
  }
  out << fmt::format("{} PLIE, {} référent·es, {} superviseur·es créé·es ({:.1f} s).\n", plies, referent_count, plies + 1,
                     lap());

  // --- Interactions per participant: a multinomial draw of M over N ----------------------------
  std::vector<std::uint32_t> count(participants, 0);
  for (std::int64_t i = 0; i < interactions; ++i) ++count[rng.next(participants)];

  // --- Participants, enrolments, interactions, by chunks of one transaction ---------------------
  const std::int64_t six_months_ago = epoch_of({add_days(today, -182), 7, 0, 0});
  const std::int64_t now_s = epoch_of(*parse_datetime(now));
  const std::int64_t chunk = 20000;
  std::int64_t inserted_interactions = 0, reached_total = 0, unreachable_total = 0, overdue_total = 0;
  for (std::int64_t from = 0; from < participants; from += chunk) {
    const std::int64_t to = std::min(participants, from + chunk);
    db::Transaction tx(db);
    std::vector<std::int64_t> ids(to - from, 0);
    std::vector<Date> entry(to - from);
    std::vector<std::string> search_texts(to - from);
    {
      Inserter ins(db,
                   "INSERT INTO participants (organisation_id, first_name, last_name, sort_name, search_text, "
                   "birth_date, gender, email, phone, address, postcode, commune, commune_insee, languages, "
                   "labour_status, education_level, benefits, rqth, qpv, housing, consent_at, created_at, updated_at)",
                   23, "id, email", 500);
      for (std::int64_t i = from; i < to; ++i) {
        const std::int64_t r = i % referent_count;
        const bool female = rng.chance(0.56);
        const std::string first = kFirst[rng.next(std::size(kFirst))], last = kLast[rng.next(std::size(kLast))];
        const auto birth = format_date({1960 + static_cast<int>(rng.next(43)), 1 + static_cast<int>(rng.next(12)),
                                        1 + static_cast<int>(rng.next(28))});
        const auto email = fmt::format("p{}@bench.example.org", i);
        const auto phone = fmt::format("06 {:02d} {:02d} {:02d} {:02d}", i / 1000000 % 100, i / 10000 % 100,
                                       i / 100 % 100, i % 100);
        entry[i - from] = add_days(today, -static_cast<std::int64_t>(20 + rng.next(1000)));
        const auto created = format_date(entry[i - from]) + "T09:30:00Z";
        static const char* labour[] = {"unemployed_registered", "unemployed_long_term", "unemployed_unregistered",
                                       "inactive"};
        search_texts[i - from] = text::fold(fmt::format("{} {} {} {} {}", last, first, email, phone, birth));
        ins.add(plie_org[r % plies], first, last, text::fold(last + " " + first), search_texts[i - from], birth,
                std::string(female ? "female" : "male"), email, phone, std::string("1 rue de la Paix"),
                std::string("75019"), std::string("Paris"), std::string("75119"), std::string("français"),
                std::string(labour[rng.next(4)]), std::string("level_3"),
                std::string(rng.chance(0.48) ? "rsa" : ""), rng.chance(0.08) ? 1 : 0, rng.chance(0.45) ? 1 : 0,
                std::string("tenant"), format_date(entry[i - from]), created, created);
      }
      ins.flush();
      for (auto& row : ins.returned) {
        const std::string email = row.text(1);
        std::int64_t i = 0;
        std::from_chars(email.data() + 1, email.data() + email.size(), i);
        ids.at(i - from) = row.integer(0);
      }
      // The search words of these participants (as the store writes them).
      Inserter words(db, "INSERT INTO participant_words (word, participant_id)", 2, "", 500);
      for (std::size_t k = 0; k < ids.size(); ++k)
        for (auto& w : web::split_words(search_texts[k])) words.add(w, ids[k]);
      words.flush();
    }
    Inserter enrol(db,
                   "INSERT INTO enrolments (participant_id, programme_id, organisation_id, referent_id, status, "
                   "entry_date, esf_entry, last_reached_on, failed_streak, next_due_on, unreachable_on, created_at, "
                   "updated_at)",
                   13, "", 500);
    Inserter inter(db,
                   "INSERT INTO interactions (participant_id, at, channel, outcome, level, notes, author_id, "
                   "created_at)",
                   8, "", 1000);
    std::vector<std::int64_t> times;
    std::vector<InteractionAttempt> attempts;
    for (std::int64_t i = from; i < to; ++i) {
      const std::int64_t r = i % referent_count;
      const Date e = entry[i - from];
      // One person in ten is hard to reach (30 %), the others 80.5 %: ~75 % overall.
      const double p_reached = rng.chance(0.10) ? 0.30 : 0.805;
      const std::int64_t lo = std::max(six_months_ago, epoch_of({e, 8, 0, 0}));
      times.clear();
      for (std::uint32_t c = 0; c < count[i]; ++c) {
        std::int64_t t = lo + static_cast<std::int64_t>(rng.next(static_cast<std::uint64_t>(std::max<std::int64_t>(1, now_s - lo))));
        // Working hours, Paris (roughly): 07:00–17:00 UTC.
        const std::int64_t day = t - (t % 86400);
        t = day + 7 * 3600 + (t % 36000);
        if (t > now_s) t = now_s - static_cast<std::int64_t>(rng.next(3600));
        times.push_back(t);
      }
      std::ranges::sort(times);
      attempts.clear();
      for (auto t : times) {
        const bool reached = rng.chance(p_reached);
        const DateTime at = from_epoch(t);
        const char* outcome = reached ? "reached" : kFailed[rng.next(std::size(kFailed))];
        attempts.push_back({at, outcome});
        const auto iso = format_datetime(at);
        inter.add(ids[i - from], iso, std::string(kChannels[rng.next(std::size(kChannels))]), std::string(outcome),
                  reached && rng.chance(0.4) ? 2 : 1, std::string(kNotes[rng.next(std::size(kNotes))]), referents[r],
                  iso);
        reached_total += reached;
        ++inserted_interactions;
      }
      const FollowUp f = follow_up(e, kPlieCadenceDays, attempts, today);
      if (f.unreachable_on) ++unreachable_total;
      if (f.next_due < today) ++overdue_total;
      const auto created = format_date(e) + "T10:00:00Z";
      enrol.add(ids[i - from], programme[r % plies], plie_org[r % plies], referents[r], std::string("active"),
                format_date(e), std::string(""), opt_date(f.last_reached), f.failed_streak, format_date(f.next_due),
                opt_date(f.unreachable_on), created, created);
    }
    enrol.flush();
    inter.flush();
    tx.commit();
    if ((from / chunk) % 10 == 9 || to == participants)
      out << fmt::format("  {} participants, {} interactions ({:.1f} s)\n", to, inserted_interactions, lap()) << std::flush;
  }
  out << fmt::format(
      "Suivi (mesure) : {} participants dans {} PLIE, {} référent·es, {} interactions ({} % joint·es) ; "
      "{} en retard, {} injoignables ; {:.1f} s.\n"
      "Comptes : bench.referent.1@bench.passerelle.fr … bench.referent.{}@…, bench.supervisor.plie.1@… , "
      "bench.supervisor.national@bench.passerelle.fr (mot de passe : {}).\n",
      participants, plies, referent_count, inserted_interactions,
      inserted_interactions ? reached_total * 100 / inserted_interactions : 0, overdue_total, unreachable_total, lap(),
      referent_count, kBenchPassword);
}

}  // namespace passerelle::followup
