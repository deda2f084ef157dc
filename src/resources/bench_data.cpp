// Benchmark data of the resource library (issue 6, "Benchmark": 20,000
// resources), after `passerelle demo`: published resources of the demo's
// delegations and federation, every kind and audience, dated 2015–2026, each
// about one of 40 subjects (its title and themes) with a body of common words
// of the field, written through the store so that the word index is the one
// the application keeps.
#include <fmt/format.h>

#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "resources/demo.hpp"
#include "resources/store.hpp"

namespace passerelle::resources {

namespace {
const char* kSubjects[][2] = {
    {"Aide alimentaire et épiceries solidaires", "alimentation"},
    {"Plaidoyer auprès de la Direccte", "plaidoyer"},
    {"Lettre de motivation et CV", "recherche d'emploi"},
    {"Formation numérique des salariés", "numérique"},
    {"Activité partielle des salariés en insertion", "paie"},
    {"Prolongation des PASS IAE", "règles IAE"},
    {"Mesures sanitaires sur les chantiers", "mesures sanitaires"},
    {"Soutien psychologique des participants", "santé"},
    {"Garde d'enfants et continuité scolaire", "famille"},
    {"Actualisation CAF et fin de droits ARE", "droits"},
    {"Appui juridique gratuit", "accès au droit"},
    {"Clauses sociales des marchés publics", "clauses sociales"},
    {"Reprise d'activité après le confinement", "reprise"},
    {"Financement du Fonds départemental d'insertion", "financements"},
    {"Mobilité et permis de conduire", "mobilité"},
    {"Logement et hébergement d'urgence", "logement"},
    {"Illettrisme et apprentissage du français", "langue"},
    {"Égalité femmes-hommes dans l'IAE", "égalité"},
    {"Gouvernance associative et conseil d'administration", "gouvernance"},
    {"Comptabilité et trésorerie des structures", "gestion"},
    {"Entretien professionnel et évaluation", "ressources humaines"},
    {"Recrutement dans la grande distribution", "métiers"},
    {"Métiers du bâtiment et des travaux publics", "BTP"},
    {"Espaces verts et maraîchage biologique", "environnement"},
    {"Services à la personne et aide à domicile", "services"},
    {"Prévention des risques professionnels", "santé au travail"},
    {"Télétravail des permanents", "organisation"},
    {"Visioconférence et outils collaboratifs", "outils"},
    {"Comité technique d'animation", "pilotage"},
    {"Dialogue de gestion avec l'État", "conventionnement"},
    {"Subvention régionale et appel à projets", "appels à projets"},
    {"Fonds social européen", "FSE"},
    {"Parcours emploi compétences", "PEC"},
    {"Plan local pour l'insertion et l'emploi", "PLIE"},
    {"Groupement d'employeurs GEIQ", "GEIQ"},
    {"Entreprise de travail temporaire d'insertion", "ETTI"},
    {"Chantier d'insertion et encadrement technique", "ACI"},
    {"Protection des données personnelles RGPD", "RGPD"},
    {"Webinaire des délégations régionales", "webinaire"},
    {"Synthèse des remontées du réseau", "synthèse"},
};
const char* kCommon[] = {
    "structure",    "insertion",  "salarié",      "accompagnement", "réseau",      "adhérent",    "délégation",
    "région",       "département", "partenaire",  "emploi",         "parcours",    "projet",      "action",
    "public",       "personne",   "équipe",       "encadrant",      "conseiller",  "entreprise",  "territoire",
    "commune",      "mission",    "service",      "activité",       "contrat",     "durée",       "semaine",
    "mois",         "année",      "réunion",      "échange",        "pratique",    "outil",       "document",
    "information",  "question",   "réponse",      "situation",      "besoin",      "difficulté",  "solution",
    "démarche",     "dossier",    "demande",      "dispositif",     "objectif",    "résultat",    "bilan",
    "perspective",  "priorité",   "moyen",        "budget",         "coût",        "charge",      "aide",
    "soutien",      "conseil",    "orientation",  "suivi",          "relation",    "contact",     "téléphone",
    "courriel",     "site",       "plateforme",   "calendrier",     "date",        "période",     "crise",
    "confinement",  "sanitaire",  "urgence",      "mesure",         "règle",       "texte",       "décret",
    "ordonnance",   "circulaire", "instruction",  "note",           "courrier",    "fiche",       "modèle",
};
}  // namespace

void load_bench_data(db::Connection& db, std::int64_t resources, std::ostream& out) {
  std::mt19937_64 rng(20261207);
  if (db.engine() == db::Engine::sqlite) db.execute_script("PRAGMA cache_size=-1000000;");
  auto authors = db.query("SELECT id FROM organisations WHERE kind IN ('federation', 'delegation') ORDER BY id");
  if (authors.empty()) throw std::runtime_error("chargez d'abord les données de démonstration (passerelle demo)");
  const char* audiences[] = {"public", "public", "members", "members", "members", "region", "staff"};
  const char* regions[] = {"11", "24", "52", "32", "93"};
  db::Transaction tx(db);
  for (std::int64_t n = 0; n < resources; ++n) {
    auto& subject = kSubjects[rng() % std::size(kSubjects)];
    ResourceValues v;
    v.kind = std::string(kKinds[rng() % kKinds.size()].code);
    v.title = fmt::format("{} — {} n° {}", subject[0], label_of(kKinds, v.kind), n + 1);
    v.audience = audiences[rng() % std::size(audiences)];
    if (v.audience == "region") v.region = regions[rng() % std::size(regions)];
    v.themes = {subject[1], kSubjects[rng() % std::size(kSubjects)][1]};
    if (v.themes[0] == v.themes[1]) v.themes.pop_back();
    for (int w = 0; w < 20; ++w) v.summary += std::string(kCommon[rng() % std::size(kCommon)]) + " ";
    for (int w = 0; w < 120; ++w) v.body += std::string(kCommon[rng() % std::size(kCommon)]) + (w % 12 ? " " : ".\n\n");
    if (v.kind == "video") v.video_url = "https://video.exemple.fr/ressource";
    if (rng() % 5 == 0) {
      v.pedagogical = true;
      v.topic = std::string(kTopics[rng() % kTopics.size()].code);
    }
    v.published_on = fmt::format("{:04d}-{:02d}-{:02d}", 2015 + rng() % 12, 1 + rng() % 12, 1 + rng() % 28);
    v.author_organisation_id = authors.rows[rng() % authors.rows.size()].integer(0);
    create_resource(db, v, std::nullopt, v.published_on + "T08:00:00Z", true);
  }
  tx.commit();
  out << fmt::format("Ressources : {} ressources de mesure (2015–2026).\n", resources);
}

}  // namespace passerelle::resources
