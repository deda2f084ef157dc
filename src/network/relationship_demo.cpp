// Demo relationships between organisations, after seed 002 (Pays de la Loire:
// Solipass works with France Travail; the intermediate association had no
// link with prescribers before) and the Île-de-France directory.
#include "network/demo.hpp"
#include "network/diagnostic_store.hpp"

namespace passerelle::network {

namespace {
struct DemoRelationship {
  const char* from;
  const char* kind;
  const char* to;
  const char* start;
  const char* end;  // "" = running
  const char* note;
};

const DemoRelationship kRelationships[] = {
    {"France Travail Nantes Centre", "partner_prescriber", "Solipass", "2021-01-04", "",
     "Action commune de sensibilisation des conseillers et du public éligible à l'IAE"},
    {"Nantes Métropole", "buyer", "Solipass", "2022-03-01", "", "Marché d'entretien des espaces verts, clause sociale"},
    {"Maison de l'emploi de Nantes", "partner_prescriber", "Association intermédiaire Erdre et Loire", "2019-01-01",
     "2020-12-31", "Convention non reconduite"},
    {"Solipass", "member_of", "Délégation Pays de la Loire", "2013-01-01", "", ""},
    {"France Travail Paris 11e", "partner_prescriber", "Rebond 93 — Association intermédiaire", "2018-09-01", "", ""},
    {"Mission locale de Paris", "partner_prescriber", "Les Jardins de Montreuil", "2019-02-01", "", ""},
    {"E2C Seine-Saint-Denis", "partner_prescriber", "Les Jardins de Montreuil", "2021-09-01", "", ""},
    {"Ville de Paris — Direction des achats", "buyer", "Nettoyage Solidaire Paris", "2020-06-01", "", ""},
    {"Nettoyage Solidaire Paris", "subcontractor", "Bâtiment Durable SAS", "2023-04-01", "", "Nettoyage de fin de chantier"},
    {"Fondation Agir pour l'inclusion", "funder", "Rebond 93 — Association intermédiaire", "2022-01-01", "", ""},
    {"Mission locale de Marseille", "partner_prescriber", "Calanques Nature Insertion", "2020-03-01", "", ""},
};
}  // namespace

void load_relationship_demo(db::Connection& db, std::ostream& out) {
  int count = 0;
  for (auto& d : kRelationships) {
    auto from = db.query("SELECT id FROM organisations WHERE name = ?", {d.from});
    auto to = db.query("SELECT id FROM organisations WHERE name = ?", {d.to});
    if (from.empty() || to.empty()) continue;
    RelationshipValues v{from.rows[0].integer(0), to.rows[0].integer(0), d.kind, d.start, d.end, d.note};
    create_relationship(db, v, std::nullopt);
    ++count;
  }
  out << "Relations entre organisations de démonstration : " << count << ".\n";
}

}  // namespace passerelle::network
