// Benchmark data of the employment module: a national CV library (issue 4,
// "Benchmark": 200,000 CV profiles) searched by text and two filters.
// Multi-row INSERTs of the same columns the store writes (profile, trades,
// search words, trade words), so that a search sees what it would see in use.
#include <chrono>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/auth/auth.hpp"
#include "core/web/text.hpp"
#include "core/web/words.hpp"
#include "employment/demo.hpp"
#include "employment/rules.hpp"
#include "employment/store.hpp"

namespace passerelle::employment {
namespace {

struct BenchTrade {
  const char *code, *label, *skills;
};
constexpr BenchTrade kBenchTrades[] = {
    {"K2204", "Nettoyage de locaux", "Autolaveuse, monobrosse, bionettoyage"},
    {"G1602", "Personnel de cuisine", "Préparations froides, HACCP, liaison froide"},
    {"G1603", "Personnel polyvalent en restauration", "Service en self, mise en place"},
    {"G1605", "Plonge en restauration", "Plonge, entretien de la cuisine"},
    {"F1703", "Maçonnerie", "Coffrage, parpaing, lecture de plan"},
    {"F1705", "Pose de canalisations", "Terrassement, signalisation de chantier"},
    {"K2503", "Sécurité et surveillance privées", "Carte professionnelle, SSIAP 1, rondes"},
    {"N1103", "Magasinage et préparation de commandes", "Scanner, CACES 1, préparation de commandes"},
    {"A1203", "Aménagement et entretien des espaces verts", "Tonte, taille de haies, débroussaillage"},
    {"K2301", "Distribution et assainissement d'eau", "Relevés de compteurs, entretien des réseaux"},
    {"F1606", "Peinture en bâtiment", "Préparation des supports, peinture"},
    {"K1304", "Services domestiques", "Repassage, ménage chez les particuliers"},
};
constexpr const char* kBenchFirst[] = {"Aïcha", "Mamadou", "Sandrine", "Kevin", "Fatoumata", "Julien", "Nadia",
                                       "Oumar", "Céline", "Youssef", "Mélanie", "Ibrahima", "Sophie", "Abdel"};
constexpr const char* kBenchLast[] = {"Traoré", "Le Goff", "Diallo", "Martin", "Benali", "Guérin", "Koné",
                                      "Ménard", "Camara", "Lebreton", "Haddad", "Rousseau", "Sow", "Pichon", "Mbaye"};
struct BenchPlace {
  const char *department, *commune, *postcode;
};
constexpr BenchPlace kBenchPlaces[] = {{"44", "Nantes", "44000"},    {"75", "Paris", "75011"},
                                       {"93", "Saint-Denis", "93200"}, {"13", "Marseille", "13002"},
                                       {"69", "Lyon", "69003"},       {"59", "Lille", "59000"},
                                       {"33", "Bordeaux", "33000"},   {"31", "Toulouse", "31000"}};

// Rows of one table, flushed as one INSERT every `per` rows.
class Batch {
 public:
  Batch(db::Connection& db, std::string head, std::size_t columns)
      : db_(db), head_(std::move(head)), columns_(columns) {}
  void add(db::Params row) {
    sql_ += params_.empty() ? "(" : ", (";
    for (std::size_t i = 0; i < columns_; ++i) sql_ += i ? ", ?" : "?";
    sql_ += ")";
    for (auto& v : row) params_.push_back(std::move(v));
    if (params_.size() >= 900) flush();
  }
  void flush() {
    if (params_.empty()) return;
    db_.query(head_ + sql_, params_);
    sql_.clear();
    params_.clear();
  }

 private:
  db::Connection& db_;
  std::string head_, sql_;
  std::size_t columns_;
  db::Params params_;
};

}  // namespace

void load_bench_data(db::Connection& db, std::int64_t profiles, std::ostream& out) {
  const auto started = std::chrono::steady_clock::now();
  auto r = db.query("SELECT id FROM organisations WHERE name = ?", {"Maison de l'emploi de Nantes"});
  if (r.empty()) throw std::runtime_error("bench-data --cv-profiles : chargez d'abord la démo (passerelle demo)");
  const auto mde = r.rows[0].integer(0);
  const auto at = auth::now_utc();
  Batch trades(db, "INSERT INTO cv_profile_trades (profile_id, rome_code) VALUES ", 2);
  const std::int64_t per_insert = 200;
  for (std::int64_t done = 0; done < profiles;) {
    db::Transaction tx(db);
    const auto n = std::min<std::int64_t>(per_insert, profiles - done);
    std::string sql =
        "INSERT INTO cv_profiles (organisation_id, first_name, last_name, postcode, commune, department, skills, "
        "driving_licence, vehicle, radius_km, consent, consent_date, search_text, trade_text, created_at, updated_at) "
        "VALUES ";
    db::Params params;
    std::vector<std::vector<const BenchTrade*>> chosen;
    for (std::int64_t k = 0; k < n; ++k) {
      const auto i = done + k;
      ProfileInput in;
      in.first_name = kBenchFirst[i % std::size(kBenchFirst)];
      in.last_name = kBenchLast[(i / 3) % std::size(kBenchLast)];
      auto& place = kBenchPlaces[(i / 7) % std::size(kBenchPlaces)];
      in.commune = place.commune;
      in.postcode = place.postcode;
      std::vector<const BenchTrade*> t{&kBenchTrades[i % std::size(kBenchTrades)]};
      if (i % 3 == 0) t.push_back(&kBenchTrades[(i / 5 + 1) % std::size(kBenchTrades)]);
      if (t.size() == 2 && t[0] == t[1]) t.pop_back();
      std::vector<std::string> labels;
      for (auto* x : t) {
        in.target_trades.push_back(x->code);
        labels.push_back(x->label);
      }
      in.skills = t[0]->skills;
      auto search = profile_search_text(in, labels);
      auto trade_text = profile_trade_text(in.target_trades, labels);
      sql += k ? ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
      for (db::Value v : {db::Value(mde), db::Value(in.first_name), db::Value(in.last_name), db::Value(in.postcode),
                          db::Value(in.commune), db::Value(place.department), db::Value(in.skills),
                          db::Value(i % 3 == 0), db::Value(i % 6 == 0), db::Value(20), db::Value(i % 10 != 9),
                          i % 10 != 9 ? db::Value("2020-01-15") : db::Value(nullptr), db::Value(search),
                          db::Value(trade_text), db::Value(at), db::Value(at)})
        params.push_back(std::move(v));
      chosen.push_back(std::move(t));
    }
    sql += " RETURNING id";
    auto ids = db.query(sql, params);
    std::vector<std::int64_t> new_ids;
    for (std::size_t k = 0; k < ids.rows.size(); ++k) {
      const auto id = ids.rows[k].integer(0);
      for (auto* x : chosen[k]) trades.add({id, x->code});
      new_ids.push_back(id);
    }
    trades.flush();
    index_profiles(db, new_ids);
    tx.commit();
    done += n;
  }
  out << "CVthèque de mesure : " << profiles << " profils à la Maison de l'emploi de Nantes ("
      << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count()
      << " ms).\n";
}

}  // namespace passerelle::employment
