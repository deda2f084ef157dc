#include "clauses/demo.hpp"

#include <chrono>
#include <map>
#include <random>
#include <tuple>

#include <fmt/format.h>

#include "clauses/model.hpp"
#include "clauses/rules.hpp"
#include "clauses/store.hpp"
#include "core/auth/auth.hpp"
#include "core/web/text.hpp"
#include "core/web/words.hpp"
#include "network/store.hpp"

namespace passerelle::clauses {
namespace {

struct Rng {
  std::mt19937_64 gen{20200325};
  std::uint64_t next(std::uint64_t n) { return gen() % n; }
  bool chance(double p) { return static_cast<double>(gen() % 1000000) < p * 1000000.0; }
  template <class T, std::size_t N>
  const T& pick(const T (&arr)[N]) {
    return arr[next(N)];
  }
  // An index chosen by weights.
  std::size_t weighted(std::initializer_list<int> weights) {
    int total = 0;
    for (int w : weights) total += w;
    int r = static_cast<int>(next(total));
    std::size_t i = 0;
    for (int w : weights) {
      if (r < w) return i;
      r -= w;
      ++i;
    }
    return 0;
  }
};

struct DemoBuyer {
  const char* code;  // in references: 2019-VDN-0042
  const char* name;
  const char* contact;
  int weight;        // share of the contracts
};

// Seed 003: "Les acheteurs publics continuent de nous solliciter pour clauser
// de nouveaux marchés publics" — a city, the metropolis, a social landlord, the
// water authority, the department, a hospital.
const DemoBuyer kBuyers[] = {
    {"VDN", "Ville de Nantes", "Direction de la commande publique", 30},
    {"NM", "Nantes Métropole", "Mission clauses sociales", 25},
    {"NMH", "Nantes Métropole Habitat", "Service marchés et achats", 20},
    {"EAU", "Régie de l'eau de Nantes Métropole", "Service travaux réseaux", 10},
    {"D44", "Département de Loire-Atlantique", "Direction des achats", 10},
    {"CHU", "CHU de Nantes", "Direction des achats et de la logistique", 5},
};

struct DemoHolder {
  const char* name;
  const char* sector;
};

const DemoHolder kHolders[] = {
    {"Bâtisseurs de l'Erdre", "construction"},        {"Loire Construction", "construction"},
    {"Atlantique Gros Œuvre", "construction"},        {"Charpentes de l'Ouest", "construction"},
    {"Électricité Nantaise", "construction"},         {"Plomberie du Sillon", "construction"},
    {"TP Océan", "construction"},                     {"Routes et Réseaux 44", "construction"},
    {"Propreté Atlantique", "cleaning"},              {"Net'Ouest Services", "cleaning"},
    {"Clair Nettoyage", "cleaning"},                  {"Restauration collective de l'Estuaire", "catering"},
    {"Saveurs scolaires", "catering"},                {"Garde Océane Sécurité", "security"},
    {"Vigilance 44", "security"},                     {"Eaux et Réseaux de Loire", "water_network"},
    {"Canalisations nantaises", "water_network"},     {"Bureau d'études Cité durable", "intellectual_services"},
    {"Conseil numérique Nantes", "intellectual_services"}, {"Jardins de l'Erdre Paysage", "green_spaces"},
    {"Valorisation Déchets Loire", "waste"},
};

struct SectorProfile {
  const char* code;
  int weight;
  int labour_share_bp;
  const char* titles[4];
};

// Seed 003: building sites, and the service contracts that go on during the
// lockdown ("nettoyage, restauration, sécurité, maintenance réseaux d'eau,
// prestations intellectuelles").
const SectorProfile kSectorProfiles[] = {
    {"construction", 32, 4000,
     {"Réhabilitation du groupe scolaire", "Construction de logements sociaux", "Rénovation thermique de la résidence",
      "Aménagement de la ligne de tramway"}},
    {"cleaning", 18, 8000,
     {"Nettoyage des bâtiments administratifs", "Entretien des parties communes", "Nettoyage des écoles",
      "Vitrerie des équipements sportifs"}},
    {"catering", 10, 5000,
     {"Restauration scolaire", "Portage de repas à domicile", "Restauration du personnel", "Fourniture de repas en liaison froide"}},
    {"security", 8, 8500,
     {"Gardiennage des équipements culturels", "Surveillance des parkings", "Sécurité incendie des bâtiments",
      "Accueil et sûreté des sites"}},
    {"water_network", 12, 4500,
     {"Maintenance des réseaux d'eau potable", "Renouvellement des branchements en plomb", "Curage des réseaux d'assainissement",
      "Entretien des postes de relevage"}},
    {"intellectual_services", 8, 6000,
     {"Assistance à maîtrise d'ouvrage", "Études de circulation", "Accompagnement numérique des usagers",
      "Conseil en rénovation énergétique"}},
    {"green_spaces", 8, 6000,
     {"Entretien des espaces verts", "Élagage des arbres d'alignement", "Gestion différenciée des parcs", "Fauchage des bords de Loire"}},
    {"waste", 4, 5000,
     {"Collecte des encombrants", "Tri des déchets des déchèteries", "Collecte sélective", "Réemploi en recyclerie"}},
};

const char* const kFirstNames[] = {"Léa",   "Moussa", "Awa",   "Jean",  "Thi",     "Karim",  "Fatou",  "Yann",
                                   "Inès",  "Mamadou", "Sofia", "Kevin", "Aïcha",  "Lucas",  "Nadia",  "Bakary",
                                   "Chloé", "Ousmane", "Samira", "Dylan", "Mariam", "Hugo",   "Binta",  "Théo"};
const char* const kLastNames[] = {"MARTIN",  "DIALLO", "SOW",     "PETIT",  "NGUYEN", "BENALI",  "TRAORÉ", "LE GOFF",
                                  "MOREAU",  "KONÉ",   "HAMIDI",  "GUÉRIN", "CAMARA", "LEBRETON", "BARRY", "ROUSSEAU",
                                  "FOFANA",  "GIRAUD", "CISSÉ",   "PERRIN", "KEITA",  "JOLY",    "DIOP",   "TESSIER"};

const char* const kModalityCodes[] = {"direct_hire", "apprenticeship", "temporary_etti", "provision_ai_geiq",
                                      "subcontracting_ei_aci", "training"};
const char* const kEligibilityCodes[] = {"long_term_jobseeker", "rsa", "young_unqualified", "rqth",
                                         "ass_aah", "siae_employee", "senior_50", "partner_opinion"};

std::string iso(Date d) { return followup::format_date(d); }

// The situation of one person's month (seed 003, spring 2020).
const char* situation_for(Rng& rng, const std::string& sector, int month, bool site_stopped) {
  if (month <= 2 || (month == 3 && rng.chance(0.5)))
    return rng.chance(0.9) ? "worked" : (rng.chance(0.5) ? "paid_leave" : "training");
  if (month >= 6) return rng.chance(0.85) ? "worked" : (rng.chance(0.5) ? "telework" : "paid_leave");
  // March (second half) to May: the lockdown.
  if (sector == "construction" || site_stopped) {
    switch (rng.weighted({55, 12, 12, 21})) {
      case 0: return "partial_unemployment";
      case 1: return "sick_leave";
      case 2: return "childcare_leave";
      default: return "worked";
    }
  }
  if (sector == "intellectual_services") {
    switch (rng.weighted({70, 15, 10, 5})) {
      case 0: return "telework";
      case 1: return "childcare_leave";
      case 2: return "partial_unemployment";
      default: return "sick_leave";
    }
  }
  switch (rng.weighted({58, 14, 10, 14, 4})) {
    case 0: return "worked";
    case 1: return "childcare_leave";
    case 2: return "sick_leave";
    case 3: return "partial_unemployment";
    default: return "telework";
  }
}

// Many rows per INSERT: the demo runs at every test server start.
class BulkInsert {
 public:
  BulkInsert(db::Connection& db, std::string head, int columns) : db_(db), head_(std::move(head)), columns_(columns) {}
  ~BulkInsert() { flush(); }
  void add(std::initializer_list<db::Value> values) {
    sql_ += params_.empty() ? "(" : ", (";
    for (int i = 0; i < columns_; ++i) sql_ += i ? ", ?" : "?";
    sql_ += ")";
    for (auto& v : values) params_.push_back(v);
    if (params_.size() >= 900) flush();
  }
  void flush() {
    if (params_.empty()) return;
    db_.query(head_ + " VALUES " + sql_, params_);
    sql_.clear();
    params_.clear();
  }

 private:
  db::Connection& db_;
  std::string head_, sql_;
  int columns_;
  db::Params params_;
};

}  // namespace

void load_demo(db::Connection& db, std::ostream& out) {
  const auto started = std::chrono::steady_clock::now();
  ensure_builtin_rule_sets(db);
  auto mde = db.query("SELECT id, path, parent_id FROM organisations WHERE name = 'Maison de l''emploi de Nantes'");
  if (mde.empty()) {
    out << "Clauses sociales : organisation « Maison de l'emploi de Nantes » absente, données non chargées.\n";
    return;
  }
  const std::int64_t mde_id = mde.rows[0].integer(0);
  if (!db.query("SELECT 1 FROM public_contracts WHERE organisation_id = ? LIMIT 1", {mde_id}).empty()) {
    out << "Clauses sociales : données de démonstration déjà présentes.\n";
    return;
  }
  auto facilitator = auth::find_user_id(db, "facilitator@demo.passerelle.fr");
  const db::Value user = facilitator ? db::Value(*facilitator) : db::Value(nullptr);
  Rng rng;
  const auto now = auth::now_utc();
  auto sets = current_rule_sets(db);

  {
    db::Transaction tx(db);
    // --- Organisations: buyers and holders, outside the federation's tree (they are not
    // members of the network: a city, a social landlord, the companies holding contracts) ---
    auto org_named = [&](const std::string& name, const char* kind) -> std::int64_t {
      auto r = db.query("SELECT id FROM organisations WHERE sort_name = ? LIMIT 1", {text::fold(name)});
      if (!r.empty()) return r.rows[0].integer(0);
      network::OrganisationInput in;
      in.name = name;
      in.kind = kind;
      in.postcode = "44000";
      in.commune = "Nantes";
      in.commune_insee = "44109";
      in.department = "44";
      return network::create_organisation(db, in, std::nullopt);
    };
    std::vector<std::int64_t> buyer_ids;
    std::vector<int> buyer_weights;
    for (auto& b : kBuyers) {
      auto org = org_named(b.name, "buyer");
      buyer_ids.push_back(db.query("INSERT INTO public_buyers (organisation_id, buyer_organisation_id, contact_name, "
                                   "contact_email, notes, created_at, updated_at) VALUES (?, ?, ?, '', '', ?, ?) RETURNING id",
                                   {mde_id, org, b.contact, now, now})
                              .rows.at(0)
                              .integer(0));
      buyer_weights.push_back(b.weight);
    }
    std::map<std::string, std::vector<std::pair<std::int64_t, std::string>>> holders;  // sector → (id, name)
    for (auto& h : kHolders) holders[h.sector].emplace_back(org_named(h.name, "employer"), h.name);

    // --- Contracts: more than 900 active (seed 003: "tous les marchés actifs (plus de 900)") ---
    constexpr int kContracts = 1000;
    BulkInsert contracts(db,
                         "INSERT INTO public_contracts (organisation_id, buyer_id, reference, sort_reference, search_text, "
                         "title, lots, sector, holder_organisation_id, amount_cents, notified_on, start_date, end_date, "
                         "clause_type, required_minutes, hours_mode, labour_share_bp, insertion_rate_bp, "
                         "hourly_cost_cents, status, status_since, created_at, updated_at)",
                         23);
    struct Made {
      std::string reference, sector, holder;
      Date notified, start, end;
      std::size_t buyer = 0;
      std::int64_t holder_id = 0;
      std::string title;
    };
    std::vector<Made> made;
    std::map<std::string, int> serial;
    for (int i = 0; i < kContracts; ++i) {
      std::size_t b = rng.weighted({30, 25, 20, 10, 10, 5});
      // The water authority's contracts are on its networks.
      const SectorProfile& p =
          b == 3 ? kSectorProfiles[rng.chance(0.8) ? 4 : 0]
                 : kSectorProfiles[rng.weighted({32, 18, 10, 8, 12, 8, 8, 4})];
      auto& hs = holders[p.code];
      auto& holder = hs[rng.next(hs.size())];
      Date notified = followup::add_days(Date{2018, 6, 1}, static_cast<std::int64_t>(rng.next(620)));  // to Feb. 2020
      Date start = followup::add_days(notified, static_cast<std::int64_t>(rng.next(45)));
      Date end = followup::add_days(followup::add_months(start, 12 + static_cast<int>(rng.next(4)) * 12), -1);
      auto reference = fmt::format("{}-{}-{:04d}", notified.year, kBuyers[b].code, ++serial[kBuyers[b].code]);
      static const char* const kParts[] = {"secteur nord", "secteur sud", "tranche ferme", "tranche optionnelle"};
      std::string title = fmt::format("{} — {}", p.titles[rng.next(4)], rng.pick(kParts));
      std::int64_t amount = (p.labour_share_bp == 4000 ? 200000 + rng.next(2800000) : 40000 + rng.next(900000)) * 100;
      std::int64_t rate = 500 + 100 * static_cast<std::int64_t>(rng.next(6));
      std::int64_t cost = 2500 + 50 * static_cast<std::int64_t>(rng.next(15));
      bool computed = rng.chance(0.6);
      std::int64_t minutes = required_minutes({amount, p.labour_share_bp, rate, cost});
      if (!computed) minutes = std::max<std::int64_t>(minutes / 6000 * 6000, 6000);  // rounded to 100 h
      const char* clause = p.code == std::string("cleaning") && rng.chance(0.15) ? "reserved"
                           : rng.chance(0.1)                                        ? "award_criterion"
                                                                                    : "execution_condition";
      std::string lots = p.code == std::string("construction") ? "Lot 1 — Gros œuvre; Lot 2 — Second œuvre" : "";
      contracts.add({mde_id, buyer_ids[b], reference, text::fold(reference),
                     text::fold(fmt::format("{} {} {} {} {}", reference, title, lots, holder.second, kBuyers[b].name)),
                     title, lots, p.code, holder.first, amount, iso(notified), iso(start), iso(end), clause, minutes,
                     computed ? "computed" : "entered", computed ? db::Value(p.labour_share_bp) : db::Value(nullptr),
                     computed ? db::Value(rate) : db::Value(nullptr), computed ? db::Value(cost) : db::Value(nullptr),
                     "active", iso(notified), now, now});
      made.push_back({reference, p.code, holder.second, notified, start, end, b, holder.first, title});
    }
    contracts.flush();
    std::map<std::string, std::int64_t> ids;
    for (auto& r : db.query("SELECT sort_reference, id FROM public_contracts WHERE organisation_id = ?", {mde_id}).rows)
      ids[r.text(0)] = r.integer(1);

    // --- Status history: notification, then the lockdown of March 2020 -----------------------
    BulkInsert events(db,
                      "INSERT INTO contract_status_events (contract_id, effective_on, from_status, to_status, reason, "
                      "legal_reference, new_end_date, user_id, at)",
                      9);
    std::map<std::int64_t, std::tuple<std::string, std::string, std::string>> final_status;  // id → status, since, end
    const std::string ordinance(kOrdinance2020_319);
    int suspended = 0, resumed = 0, amended = 0, stopped = 0;
    std::map<std::int64_t, bool> site_stopped;
    for (auto& m : made) {
      auto id = ids[text::fold(m.reference)];
      events.add({id, iso(m.notified), "", "active", "Notification du marché", "", nullptr, user, now});
      bool running = m.start <= Date{2020, 3, 17} && m.end >= Date{2020, 3, 17};
      if (m.sector != "construction" || !running || !rng.chance(0.5)) continue;
      // "Les chantiers de BTP sont tous arrêtés".
      site_stopped[id] = true;
      events.add({id, "2020-03-17", "active", "suspended", "Chantier arrêté pendant le confinement", ordinance, nullptr, user, now});
      ++suspended;
      auto fate = rng.weighted({35, 40, 20, 5});
      if (fate == 0) {
        final_status[id] = {"suspended", "2020-03-17", ""};
      } else if (fate == 1) {
        events.add({id, "2020-05-11", "suspended", "active", "Reprise du chantier après le confinement", ordinance, nullptr, user, now});
        final_status[id] = {"active", "2020-05-11", ""};
        ++resumed;
      } else if (fate == 2) {
        auto new_end = iso(followup::add_months(m.end, 2));
        events.add({id, "2020-05-11", "suspended", "amended_extended",
                    "Avenant de prorogation du délai d'exécution de la durée de la suspension", ordinance, new_end, user, now});
        final_status[id] = {"amended_extended", "2020-05-11", new_end};
        ++amended;
      } else {
        events.add({id, "2020-04-30", "suspended", "stopped", "Marché arrêté : le titulaire ne peut plus l'exécuter", ordinance,
                    nullptr, user, now});
        final_status[id] = {"stopped", "2020-04-30", ""};
        ++stopped;
      }
    }
    events.flush();
    for (auto& [id, st] : final_status)
      db.query("UPDATE public_contracts SET status = ?, status_since = ?, end_date = COALESCE(?, end_date) WHERE id = ?",
               {std::get<0>(st), std::get<1>(st),
                std::get<2>(st).empty() ? db::Value(nullptr) : db::Value(std::get<2>(st)), id});

    // --- Insertion hours, January to June 2020, decided by the rule sets ----------------------
    BulkInsert hours(db,
                     "INSERT INTO insertion_hours (contract_id, person_name, person_key, month, employer_name, modality, "
                     "minutes, situation, eligibility, decision, rule_set_id, rule_set_version, rule_id, review_status, "
                     "review_reason, reviewed_by, reviewed_at, counted, source, created_by, created_at, updated_at)",
                     22);
    std::map<std::tuple<std::string, std::string, std::string>, Evaluation> cache;
    std::int64_t entries = 0, pending = 0;
    for (std::size_t i = 0; i < made.size(); ++i) {
      auto& m = made[i];
      auto id = ids[text::fold(m.reference)];
      const std::string& employer = m.holder;
      int people = 1 + static_cast<int>(rng.next(3));
      for (int p = 0; p < people; ++p) {
        std::string name = fmt::format("{} {}", kLastNames[(i * 7 + p * 5) % std::size(kLastNames)],
                                       kFirstNames[(i * 3 + p * 11) % std::size(kFirstNames)]);
        const char* modality = kModalityCodes[rng.weighted({40, 12, 18, 14, 12, 4})];
        const char* eligibility = kEligibilityCodes[rng.weighted({25, 22, 16, 8, 7, 12, 7, 3})];
        for (int month = 1; month <= 6; ++month) {
          Date first{2020, month, 1}, last{2020, month, followup::days_in_month(2020, month)};
          if (last < m.start || first > m.end) continue;
          auto ym = fmt::format("2020-{:02d}", month);
          const char* situation = situation_for(rng, m.sector, month, site_stopped.contains(id) && month >= 4 && month <= 5);
          std::int64_t minutes = (70 + static_cast<std::int64_t>(rng.next(82))) * 60;  // 70 h to 151 h
          if (std::string(situation) == "training") minutes = (14 + static_cast<std::int64_t>(rng.next(21))) * 60;
          auto key = std::make_tuple(ym, std::string(situation), std::string(eligibility));
          auto it = cache.find(key);
          if (it == cache.end()) it = cache.emplace(key, evaluate(sets, ym, situation, eligibility)).first;
          auto& e = it->second;
          std::string review = review_status_after(e.decision, "");
          std::string reason;
          bool reviewed = review == "pending" && month <= 4 && rng.chance(0.4);
          if (reviewed) {
            review = rng.chance(0.8) ? "accepted" : "refused";
            reason = review == "accepted" ? "Absence prise en charge par la Sécurité sociale : attestation reçue du titulaire."
                                          : "Aucune attestation de prise en charge transmise par le titulaire.";
          }
          if (review == "pending") ++pending;
          hours.add({id, name, text::fold(name), ym, employer, modality, minutes, situation, eligibility, e.decision,
                     e.rule_set_id ? db::Value(e.rule_set_id) : db::Value(nullptr),
                     e.rule_set_id ? db::Value(e.rule_set_version) : db::Value(nullptr),
                     e.rule_id ? db::Value(e.rule_id) : db::Value(nullptr), review, reason,
                     reviewed ? user : db::Value(nullptr), reviewed ? db::Value(now) : db::Value(nullptr),
                     counts(e.decision, review) ? 1 : 0, "demo", user, now, now});
          ++entries;
        }
      }
    }
    hours.flush();
    // --- Co-contractors and subcontractors: the SIAE of the Nantes area on some
    // contracts, a second company of the sector in a grouping on others. Chosen by
    // position, not by the random generator: the data above stays the same.
    std::vector<std::int64_t> siae;
    for (auto name : {"Solipass", "Association intermédiaire Erdre et Loire"})
      for (auto& r : db.query("SELECT id FROM organisations WHERE name = ?", {std::string(name)}).rows) siae.push_back(r.integer(0));
    int parties = 0;
    for (std::size_t i = 0; i < made.size(); ++i) {
      auto& m = made[i];
      auto id = ids[text::fold(m.reference)];
      const bool labour = m.sector == "construction" || m.sector == "cleaning" || m.sector == "green_spaces";
      if (labour && !siae.empty() && i % 9 == 0) {
        db.query("INSERT INTO contract_parties (contract_id, organisation_id, role) VALUES (?, ?, 'subcontractor')",
                 {id, siae[(i / 9) % siae.size()]});
        ++parties;
      }
      auto& peers = holders[m.sector];
      if (i % 13 == 0 && peers.size() > 1) {
        auto& peer = peers[(i / 13) % peers.size()];
        auto other = peer.first == m.holder_id ? peers[((i / 13) + 1) % peers.size()].first : peer.first;
        db.query("INSERT INTO contract_parties (contract_id, organisation_id, role) VALUES (?, ?, 'co_contractor')", {id, other});
        ++parties;
      }
    }

    // --- Purchase programmes 2020 and 2021 (seed 003: "programmations d'achats
    // socialement responsables 2020/2021"), the notified ones linked to their contract ---
    auto last_contract = [&](std::size_t buyer, const char* sector) -> const Made* {
      const Made* out = nullptr;
      for (auto& m : made)
        if (m.buyer == buyer && m.sector == sector && (!out || out->notified < m.notified)) out = &m;
      return out;
    };
    struct DemoItem {
      std::size_t buyer;
      int year;
      const char* kind;
      const char* title;
      const char* sector;
      const char* clause;
      const char* planned_on;
      std::int64_t euros;
      const char* status;
      const char* notes;
      const char* linked_sector;  // the item is the buyer's last notified contract of this sector
    };
    const DemoItem kProgramme[] = {
        {1, 2020, "meeting", "Comité de programmation des achats responsables 2020", "", "", "2020-01-21", 0, "done",
         "Directions acheteuses, Maison de l'emploi et facilitatrice : 14 marchés passés en revue, 6 retenus pour une clause.", nullptr},
        {1, 2020, "meeting", "Rencontre avec les SIAE du territoire : nettoyage et espaces verts", "", "", "2020-02-11", 0, "done",
         "Présentation des futurs marchés aux structures d'insertion pour préparer la sous-traitance.", nullptr},
        {1, 2020, "planned_contract", "Nettoyage des bâtiments administratifs de la métropole", "cleaning", "execution_condition",
         nullptr, 850000, "done", "Clause d'exécution de 5 % des heures.", "cleaning"},
        {1, 2020, "planned_contract", "Entretien des espaces verts du parc de la Chantrerie", "green_spaces", "reserved",
         "2020-06-15", 320000, "dropped", "Reporté en 2021 : consultation suspendue pendant le confinement.", nullptr},
        {1, 2021, "meeting", "Comité de programmation des achats responsables 2021", "", "", "2020-12-08", 0, "done",
         "Bilan des clauses pendant l'état d'urgence sanitaire et programmation 2021.", nullptr},
        {1, 2021, "planned_contract", "Entretien des espaces verts du parc de la Chantrerie", "green_spaces", "reserved",
         "2021-04-01", 320000, "planned", "Marché réservé aux SIAE (art. L2113-13 du code de la commande publique).", nullptr},
        {1, 2021, "planned_contract", "Collecte des encombrants — secteur nord", "waste", "execution_condition", "2021-06-30",
         1200000, "planned", "", nullptr},
        {1, 2021, "meeting", "Comité de suivi des clauses sociales", "", "", "2021-06-15", 0, "planned", "", nullptr},
        {0, 2020, "meeting", "Programmation des achats socialement responsables 2020", "", "", "2020-01-14", 0, "done",
         "Avec la direction de la commande publique.", nullptr},
        {0, 2020, "planned_contract", "Réhabilitation du groupe scolaire", "construction", "execution_condition", nullptr,
         2400000, "done", "", "construction"},
        {0, 2021, "planned_contract", "Nettoyage des écoles — lot réservé aux SIAE", "cleaning", "reserved", "2021-03-01",
         450000, "planned", "", nullptr},
        {0, 2021, "meeting", "Comité de programmation des achats responsables 2021", "", "", "2021-01-19", 0, "planned", "",
         nullptr},
        {2, 2021, "planned_contract", "Rénovation thermique de la résidence Malakoff", "construction", "execution_condition",
         "2021-05-15", 3100000, "planned", "Lots gros œuvre et isolation par l'extérieur.", nullptr},
        {2, 2021, "meeting", "Préparation des clauses avec la Maison de l'emploi", "", "", "2021-02-09", 0, "planned", "", nullptr},
    };
    int programme_items = 0;
    for (auto& it : kProgramme) {
      db::Value contract = nullptr, planned_on = it.planned_on ? db::Value(std::string(it.planned_on)) : db::Value(nullptr);
      std::string title = it.title;
      if (it.linked_sector) {
        auto* m = last_contract(it.buyer, it.linked_sector);
        if (!m || m->notified.year != it.year) continue;
        contract = ids[text::fold(m->reference)];
        planned_on = iso(m->notified);
        title = m->title;
      }
      db.query("INSERT INTO purchase_programme_items (buyer_id, year, kind, title, sector, clause_type, planned_on, "
               "estimated_amount_cents, status, contract_id, notes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               {buyer_ids[it.buyer], it.year, std::string(it.kind), title, std::string(it.sector), std::string(it.clause),
                planned_on, it.euros ? db::Value(it.euros * 100) : db::Value(nullptr), std::string(it.status), contract,
                std::string(it.notes), now});
      ++programme_items;
    }

    // The reviews made in the demo are history rows too.
    db.query("INSERT INTO insertion_hours_reviews (entry_id, outcome, reason, user_id, at) "
             "SELECT id, review_status, review_reason, reviewed_by, reviewed_at FROM insertion_hours "
             "WHERE review_status IN ('accepted', 'refused') AND source = 'demo'");
    tx.commit();
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    out << fmt::format(
        "Clauses sociales : {} acheteurs, {} marchés ({} suspendus le 17/03/2020 selon l'{}, dont {} repris, {} prorogés "
        "par avenant, {} arrêtés), {} lignes d'heures de janvier à juin 2020 dont {} à examiner, {} cotraitants et "
        "sous-traitants, {} lignes de programmation d'achats 2020-2021 ({} ms).\n",
        std::size(kBuyers), made.size(), suspended, ordinance, resumed, amended, stopped, entries, pending, parties,
        programme_items, ms);
  }
  web::rebuild_words(db, "public_contracts", "contract_words", "contract_id", false);
}

}  // namespace passerelle::clauses
