// Demo data of the employment module (seed 003, "Accompagnement Clauses",
// spring 2020): "13 offres traitées pour l'instant / 4 embauches réalisées /
// positionnements en cours sur 9 postes en alternance. Environ 50 orientations
// réalisées par nos partenaires sur ces offres et pour la CVthèque", "+100
// profils disponibles" in the CV library launched in September 2019, and the
// trades the seed names (cleaning, catering, security, water-network
// maintenance; building sites stopped by the lockdown).
//
// Rows go through the store (validation, history rows, search words), then
// their dates are set back to the seed's period.
#include "employment/demo.hpp"

#include <array>
#include <chrono>
#include <vector>

#include <fmt/format.h>

#include "core/auth/auth.hpp"
#include "employment/store.hpp"
#include "network/demo.hpp"
#include "network/store.hpp"

namespace passerelle::employment {
namespace {

template <class T>
T must(std::expected<T, web::Errors> r, std::string_view what) {
  if (!r) throw std::runtime_error(fmt::format("démo emploi ({}) : {} — {}", what, r.error().front().field,
                                               r.error().front().message));
  if constexpr (!std::is_void_v<T>) return std::move(*r);
}

std::int64_t id_of(db::Connection& db, std::string_view sql, std::string_view key) {
  auto r = db.query(sql, {key});
  if (r.empty()) throw std::runtime_error(fmt::format("démo emploi : « {} » introuvable", key));
  return r.rows[0].integer(0);
}

struct DemoEmployer {
  const char *name, *postcode, *commune, *insee;
};
constexpr DemoEmployer kEmployers[] = {
    {"Propreté Atlantique", "44100", "Nantes", "44109"},
    {"Restauration collective de l'Erdre", "44300", "Nantes", "44109"},
    {"Bâtiments Ligériens", "44400", "Rezé", "44143"},
    {"Sécurité Océane", "44800", "Saint-Herblain", "44162"},
    {"Eaux de Loire Maintenance", "44000", "Nantes", "44109"},
    {"Logistique Nantes Sud", "44340", "Bouguenais", "44020"},
    {"Jardins et Paysages de Sèvre", "44120", "Vertou", "44215"},
};

struct DemoOffer {
  int employer;
  const char *title, *rome, *contract, *hours;
  int positions;
  const char *status, *start, *end;
};
// 4 filled + 5 open + 4 closed = 13 processed; a draft and a cancelled one are not.
// Open work-study offers: 4 + 3 + 2 = 9 posts.
constexpr DemoOffer kOffers[] = {
    {0, "Agent·e de propreté — nettoyage des écoles", "K2204", "cddi", "26", 1, "filled", "2020-01-06", "2020-07-03"},
    {1, "Commis de cuisine — restauration scolaire", "G1602", "cdd", "35", 1, "filled", "2020-01-20", "2020-07-17"},
    {2, "Maçon·ne VRD — chantier du tramway", "F1703", "temporary", "35", 1, "filled", "2020-02-03", "2020-03-27"},
    {3, "Agent·e de sécurité — équipements municipaux", "K2503", "cdi", "35", 1, "filled", "2020-03-02", ""},
    {4, "Apprenti·e canalisateur — maintenance des réseaux d'eau", "F1705", "apprenticeship", "35", 4, "open", "2020-09-01", "2022-08-31"},
    {1, "Apprenti·e cuisinier·ère en restauration collective", "G1602", "apprenticeship", "35", 3, "open", "2020-09-01", "2022-08-31"},
    {6, "Jardinier·ère paysagiste en contrat de professionnalisation", "A1203", "professionalisation", "35", 2, "open", "2020-09-14", "2021-09-13"},
    {0, "Agent·e de nettoyage de locaux — centre hospitalier", "K2204", "cddi", "24", 2, "open", "2020-05-11", "2020-11-10"},
    {5, "Préparateur·rice de commandes", "N1103", "temporary", "35", 3, "open", "2020-05-04", "2020-07-31"},
    {2, "Peintre en bâtiment — réhabilitation de logements sociaux", "F1606", "cdd", "35", 1, "closed", "2020-03-16", "2020-09-15"},
    {2, "Manœuvre de travaux publics — voirie", "F1704", "temporary", "35", 2, "closed", "2020-03-23", "2020-06-19"},
    {3, "Agent·e de sûreté — salles de spectacle", "K2503", "cdd", "35", 2, "closed", "2020-04-01", "2020-09-30"},
    {1, "Plongeur·se — cuisine centrale", "G1605", "cddi", "30", 1, "closed", "2020-03-30", "2020-09-29"},
    {5, "Cariste — plateforme logistique", "N1101", "cdi", "35", 1, "draft", "2020-06-01", ""},
    {0, "Agent·e de propreté urbaine", "K2303", "cdd", "35", 1, "cancelled", "2020-04-06", "2020-10-05"},
};

constexpr std::array<const char*, 28> kFirstNames{
    "Aïcha", "Mamadou", "Sandrine", "Kevin", "Fatoumata", "Julien", "Nadia", "Oumar", "Céline", "Youssef",
    "Mélanie", "Ibrahima", "Sophie", "Abdel", "Laetitia", "Moussa", "Élodie", "Karim", "Aurélie", "Samba",
    "Jessica", "Thierry", "Awa", "Dylan", "Hawa", "Grégory", "Zohra", "Anthony"};
constexpr std::array<const char*, 31> kLastNames{
    "Traoré", "Le Goff", "Diallo", "Martin", "Benali", "Guérin", "Koné", "Ménard", "Camara", "Lebreton",
    "Haddad", "Rousseau", "Sow", "Pichon", "Mbaye", "Le Roux", "Cissé", "Hervé", "Bouzid", "Tessier",
    "Keita", "Rivière", "Ndiaye", "Chevalier", "Sylla", "Gauthier", "Fofana", "Moreau", "Belkacem", "Jégou", "Barry"};
struct Commune {
  const char *name, *postcode;
};
constexpr std::array<Commune, 8> kCommunes{{{"Nantes", "44000"}, {"Nantes", "44300"}, {"Rezé", "44400"},
                                            {"Saint-Herblain", "44800"}, {"Orvault", "44700"}, {"Bouguenais", "44340"},
                                            {"Vertou", "44120"}, {"Saint-Sébastien-sur-Loire", "44230"}}};
struct Trade {
  const char *code, *skills;
};
constexpr std::array<Trade, 16> kTrades{{
    {"K2204", "Autolaveuse, monobrosse, protocoles de bionettoyage"},
    {"G1602", "Préparations froides, HACCP, liaison froide"},
    {"G1603", "Service en self, mise en place, plonge"},
    {"F1703", "Coffrage, parpaing, lecture de plan"},
    {"F1705", "Pose de canalisations, terrassement, signalisation de chantier"},
    {"K2503", "Carte professionnelle CNAPS, SSIAP 1, rondes"},
    {"N1103", "Préparation de commandes, scanner, CACES 1"},
    {"A1203", "Tonte, taille de haies, débroussaillage"},
    {"K2301", "Relevés de compteurs, entretien des réseaux, astreintes"},
    {"F1606", "Préparation des supports, peinture, papier peint"},
    {"G1605", "Plonge, entretien de la cuisine"},
    {"K1304", "Repassage, ménage chez les particuliers"},
    {"N1105", "Manutention, port de charges, tri"},
    {"F1704", "Terrassement, aide maçon VRD"},
    {"K2303", "Balayage, collecte des dépôts sauvages"},
    {"M1602", "Accueil, saisie, classement, bureautique"},
}};

// The 62 positionings: 50 oriented by the partners of the "Comité technique
// emploi", 12 by the clauses team itself.
constexpr std::array<const char*, 6> kKinds{"mission_locale", "e2c", "refugee_association", "france_travail_iae",
                                            "cap_emploi", "facilitator"};
constexpr std::array<int, 6> kKindCounts{14, 9, 8, 11, 8, 12};

struct PlannedPositioning {
  int offer;           // index in kOffers, -1 for a profile pushed without an offer
  const char* path;    // the transitions that lead to its state
};

std::vector<PlannedPositioning> plan() {
  std::vector<PlannedPositioning> out;
  // Filled offers: one hire each (4 hires), two not retained.
  for (int o = 0; o < 4; ++o) {
    out.push_back({o, "send interview hire"});
    out.push_back({o, "send interview reject"});
    out.push_back({o, "send reject"});
  }
  // Work-study offers: the positionings in progress (seed: "9 postes en alternance").
  for (auto path : {"", "", "send", "send", "send interview", "send interview"}) out.push_back({4, path});
  for (auto path : {"", "send", "send", "send interview", "send interview"}) out.push_back({5, path});
  for (auto path : {"send", "send", "send interview", "withdraw"}) out.push_back({6, path});
  // Other open offers: candidates turned down or withdrawn so far.
  for (auto path : {"send reject", "send interview reject", "withdraw"}) out.push_back({7, path});
  for (auto path : {"send reject", "send withdraw"}) out.push_back({8, path});
  // Closed offers (building sites stopped in March 2020).
  for (int o = 9; o < 13; ++o)
    for (auto path : {"send reject", "withdraw", "send withdraw"}) out.push_back({o, path});
  // Profiles pushed to companies without an offer (the CV library).
  for (int i = 0; i < 18; ++i)
    out.push_back({-1, i < 4 ? "send" : i < 14 ? "send reject" : "send withdraw"});
  return out;
}

std::string demo_pdf(const std::string& name) {
  return fmt::format(
      "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> "
      "endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n% CV de démonstration : {}\n"
      "trailer << /Root 1 0 R >>\n%%EOF\n",
      name);
}

// 2019-09-16 + n days, as an ISO instant at 09:00 UTC.
std::string demo_instant(int days) {
  auto d = followup::add_days(followup::Date{2019, 9, 16}, days);
  return followup::format_date(d) + "T09:00:00Z";
}

}  // namespace

void load_demo(db::Connection& db, std::ostream& out) {
  const auto started = std::chrono::steady_clock::now();
  db::Transaction tx(db);
  const auto mde = id_of(db, "SELECT id FROM organisations WHERE name = ?", "Maison de l'emploi de Nantes");
  const auto facilitator = id_of(db, "SELECT id FROM users WHERE email = ?", "facilitator@demo.passerelle.fr");
  const auto partner = id_of(db, "SELECT id FROM users WHERE email = ?", "partner@demo.passerelle.fr");
  auto org = [&](const char* name) { return id_of(db, "SELECT id FROM organisations WHERE name = ?", name); };
  const std::array<std::int64_t, 6> partner_orgs{org("Mission locale de Paris"), org("E2C Seine-Saint-Denis"),
                                                 org("Association pour l'emploi des réfugiés"),
                                                 org("France Travail Paris 11e"), org("Cap emploi Paris"), 0};
  auto mde_org = network::get_organisation(db, {""}, mde);
  const Viewer fac{{mde_org->path}, std::nullopt};

  // Employers, under the Maison de l'emploi (its subtree: the facilitator's scope).
  std::vector<std::int64_t> employers;
  int n = 0;
  for (auto& e : kEmployers) {
    network::OrganisationInput in;
    in.name = e.name;
    in.kind = "employer";
    in.siret = network::demo_siret(944000 + ++n);
    in.postcode = e.postcode;
    in.commune = e.commune;
    in.commune_insee = e.insee;
    in.department = "44";
    in.region = "52";
    employers.push_back(network::create_organisation(db, in, mde_org));
  }

  std::vector<std::int64_t> offers;
  for (std::size_t i = 0; i < std::size(kOffers); ++i) {
    auto& o = kOffers[i];
    OfferInput in;
    in.employer_id = std::to_string(employers[o.employer]);
    in.title = o.title;
    in.rome_code = o.rome;
    in.contract_type = o.contract;
    in.weekly_hours = o.hours;
    in.positions = std::to_string(o.positions);
    in.place = kEmployers[o.employer].commune;
    in.department = "44";
    in.start_date = o.start;
    in.end_date = o.end;
    in.status = o.status;
    offers.push_back(must(create_offer(db, fac.scope, mde, in, facilitator), "offre"));
    db.query("UPDATE job_offers SET created_at = ?, updated_at = ? WHERE id = ?",
             {demo_instant(40 + static_cast<int>(i) * 12), demo_instant(60 + static_cast<int>(i) * 12), offers.back()});
  }

  // 112 profiles: 12 recommended by the demo partner, 50 by the other
  // partners, the rest added by the clauses team; 8 without consent yet.
  std::vector<std::int64_t> profiles, partner_profiles, consenting;
  const auto today = followup::format_date(paris_today());
  for (int i = 0; i < 112; ++i) {
    ProfileInput in;
    in.first_name = kFirstNames[i % kFirstNames.size()];
    in.last_name = kLastNames[(i * 7) % kLastNames.size()];
    auto& c = kCommunes[i % kCommunes.size()];
    in.commune = c.name;
    in.postcode = c.postcode;
    in.department = "44";
    auto& t = kTrades[i % kTrades.size()];
    auto& t2 = kTrades[(i * 5 + 3) % kTrades.size()];
    in.target_trades = {t.code};
    if (i % 3 == 0 && std::string_view(t2.code) != t.code) in.target_trades.push_back(t2.code);
    in.skills = t.skills;
    in.languages = i % 4 == 1 ? "Français, wolof" : i % 4 == 2 ? "Français, arabe" : "Français";
    in.qualifications = i % 5 == 0 ? "CAP" : i % 5 == 1 ? "Sans diplôme" : i % 5 == 2 ? "Titre professionnel" : "";
    in.driving_licence = i % 3 == 0 ? "1" : "";
    in.vehicle = i % 6 == 0 ? "1" : "";
    in.radius_km = std::to_string(10 + (i % 4) * 10);
    if (i % 5 == 3) in.available_from = followup::format_date(followup::add_days(followup::Date{2020, 5, 4}, (i % 7) * 14));
    const bool consent = i % 14 != 13;
    if (consent) {
      in.consent = "1";
      in.consent_date = followup::format_date(followup::add_days(followup::Date{2019, 9, 20}, static_cast<int>(i * 1.8)));
      if (in.consent_date > today) in.consent_date = today;
    }
    bool by_partner = false;
    if (i < 12) {
      in.recommended_by_id = std::to_string(partner_orgs[3]);
      in.recommended_contact = "Pauline Partenaire — équipe IAE";
      by_partner = true;
    } else if (i < 62) {
      in.recommended_by_id = std::to_string(partner_orgs[i % 5 == 3 ? 0 : i % 5]);
      in.recommended_contact = "Conseiller·ère référent·e";
    }
    auto id = must(create_profile(db, mde, in, by_partner ? partner : facilitator, by_partner), "profil");
    if (i % 4 == 0) must(store_cv(db, id, fmt::format("CV {} {}.pdf", in.first_name, in.last_name),
                                  demo_pdf(in.first_name + " " + in.last_name), facilitator), "CV");
    db.query("UPDATE cv_profiles SET created_at = ?, updated_at = ? WHERE id = ?",
             {demo_instant(static_cast<int>(i * 1.8)), demo_instant(static_cast<int>(i * 1.8)), id});
    profiles.push_back(id);
    if (by_partner && consent) partner_profiles.push_back(id);
    else if (consent) consenting.push_back(id);
  }

  // Positionings, walked through the state machine (history rows).
  auto planned = plan();
  std::vector<int> kinds;
  for (std::size_t k = 0; k < kKinds.size(); ++k)
    for (int j = 0; j < kKindCounts[k]; ++j) kinds.push_back(static_cast<int>(k));
  // Spread the kinds over the plan (not all of one partner on one offer).
  std::size_t next_partner_profile = 0, next_profile = 0;
  for (std::size_t i = 0; i < planned.size(); ++i) {
    auto& p = planned[i];
    int k = kinds[(i * 37) % kinds.size()];
    // Make the stride a permutation: 37 and 62 are coprime.
    const bool by_demo_partner = std::string_view(kKinds[k]) == "france_travail_iae";
    auto profile = by_demo_partner ? partner_profiles[next_partner_profile++ % partner_profiles.size()]
                                   : consenting[(next_profile++ * 11) % consenting.size()];
    PositioningInput in;
    in.profile_id = std::to_string(profile);
    if (p.offer >= 0) in.offer_id = std::to_string(offers[p.offer]);
    else in.employer_id = std::to_string(employers[i % employers.size()]);
    in.partner_kind = kKinds[k];
    if (partner_orgs[k]) in.partner_organisation_id = std::to_string(partner_orgs[k]);
    // Offers are positioned while open; those filled or closed since are reopened for a moment.
    std::string status;
    if (p.offer >= 0 && kOffers[p.offer].status != std::string_view("open")) {
      status = kOffers[p.offer].status;
      db.query("UPDATE job_offers SET status = 'open' WHERE id = ?", {offers[p.offer]});
    }
    auto id = must(create_positioning(db, fac, in, by_demo_partner ? partner : facilitator), "positionnement");
    std::string_view path = p.path;
    int step = 0;
    while (!path.empty()) {
      auto sp = path.find(' ');
      auto t = path.substr(0, sp);
      path = sp == std::string_view::npos ? std::string_view{} : path.substr(sp + 1);
      auto g = *get_positioning(db, fac, id);
      if (t == "interview")
        must(log_preparation_call(db, g, "Préparation à l'entretien par téléphone : présentation, tenue, trajet.", facilitator),
             "appel");
      HireInput hire;
      if (t == "hire") hire = {kOffers[p.offer].contract, kOffers[p.offer].start, kOffers[p.offer].hours};
      must(change_positioning_state(db, *get_positioning(db, fac, id), t, hire, "", facilitator), "état");
      ++step;
    }
    if (!status.empty()) db.query("UPDATE job_offers SET status = ? WHERE id = ?", {status, offers[p.offer]});
    // Back to the seed's period: from November 2019 to mid-April 2020.
    const int day = 50 + static_cast<int>(i) * 2;
    db.query("UPDATE positionings SET created_at = ?, updated_at = ? WHERE id = ?",
             {demo_instant(day), demo_instant(day + step * 4), id});
    auto events = db.query("SELECT id FROM positioning_events WHERE positioning_id = ? ORDER BY id", {id});
    for (std::size_t e = 0; e < events.rows.size(); ++e)
      db.query("UPDATE positioning_events SET at = ? WHERE id = ?",
               {demo_instant(day + static_cast<int>(e) * 4), events.rows[e].integer(0)});
    db.query("UPDATE positionings SET preparation_call_at = (SELECT MAX(ev.at) FROM positioning_events ev WHERE "
             "ev.positioning_id = positionings.id AND ev.transition = 'preparation_call') "
             "WHERE id = ? AND preparation_call_at IS NOT NULL",
             {id});
  }
  db.query("UPDATE job_offer_events SET at = (SELECT created_at FROM job_offers f WHERE f.id = job_offer_events.offer_id)");
  tx.commit();
  out << "Emploi : " << std::size(kOffers) << " offres (13 traitées), " << profiles.size()
      << " profils en CVthèque, " << planned.size() << " positionnements (50 orientations par les partenaires) ("
      << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count()
      << " ms).\n";
}

}  // namespace passerelle::employment
