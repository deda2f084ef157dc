#pragma once
// Network module: organisation kinds, roles and the French territory, each as
// one table of stable code (stored in the database, used in URLs and the API)
// and French label (shown to users). Add a row here and nowhere else.
#include <algorithm>
#include <array>
#include <span>
#include <string_view>
#include <vector>

namespace passerelle::network {

struct Label {
  std::string_view code;
  std::string_view label;
};

// Kinds of organisation (PRODUCT.md, "Core: organisations").
inline constexpr std::array<Label, 24> kOrganisationKinds{{
    {"federation", "Fédération"},
    {"delegation", "Délégation régionale"},
    {"ai", "Association intermédiaire (AI)"},
    {"aci", "Atelier et chantier d'insertion (ACI)"},
    {"ei", "Entreprise d'insertion (EI)"},
    {"etti", "Entreprise de travail temporaire d'insertion (ETTI)"},
    {"eiti", "Entreprise d'insertion par le travail indépendant (EITI)"},
    {"geiq", "GEIQ"},
    {"ea", "Entreprise adaptée (EA)"},
    {"plie", "PLIE"},
    {"mde", "Maison de l'emploi"},
    {"facilitator", "Structure de facilitation des clauses"},
    {"france_travail", "France Travail"},
    {"mission_locale", "Mission locale"},
    {"cap_emploi", "Cap emploi"},
    {"e2c", "École de la deuxième chance (E2C)"},
    {"departement", "Conseil départemental"},
    {"ccas", "CCAS"},
    {"spip", "SPIP"},
    {"association", "Association"},
    {"employer", "Employeur"},
    {"buyer", "Acheteur public"},
    {"funder", "Financeur"},
    {"other", "Autre"},
}};

// Structures de l'insertion par l'activité économique (Code du travail,
// art. L5132-4): the kinds that hold PASS IAE pathways. GEIQ and EA are not SIAE.
inline constexpr std::array<std::string_view, 5> kSiaeKinds{"ai", "aci", "ei", "etti", "eiti"};

// Kinds that orient people (prescribers, "partner" in code).
inline constexpr std::array<std::string_view, 8> kPrescriberKinds{
    "france_travail", "mission_locale", "cap_emploi", "e2c", "departement", "ccas", "spip", "association"};

// Roles a user holds in an organisation; scope is the organisation's subtree.
inline constexpr std::array<Label, 7> kRoles{{
    {"admin", "Administrateur"},
    {"network", "Chargé·e de mission réseau"},
    {"supervisor", "Superviseur"},
    {"referent", "Référent·e"},
    {"facilitator", "Facilitateur·rice clauses"},
    {"partner", "Partenaire prescripteur"},
    {"member", "Adhérent"},
}};

struct Region {
  std::string_view code;  // INSEE code, e.g. "11", "01"
  std::string_view name;
};

struct Department {
  std::string_view code;  // INSEE code, e.g. "01", "2A", "971"
  std::string_view name;
  std::string_view region_code;
};

// Regions since 1 January 2016 (loi n° 2015-29 du 16 janvier 2015): 13 in
// metropolitan France, 5 overseas.
inline constexpr std::array<Region, 18> kRegions{{
    {"01", "Guadeloupe"},
    {"02", "Martinique"},
    {"03", "Guyane"},
    {"04", "La Réunion"},
    {"06", "Mayotte"},
    {"11", "Île-de-France"},
    {"24", "Centre-Val de Loire"},
    {"27", "Bourgogne-Franche-Comté"},
    {"28", "Normandie"},
    {"32", "Hauts-de-France"},
    {"44", "Grand Est"},
    {"52", "Pays de la Loire"},
    {"53", "Bretagne"},
    {"75", "Nouvelle-Aquitaine"},
    {"76", "Occitanie"},
    {"84", "Auvergne-Rhône-Alpes"},
    {"93", "Provence-Alpes-Côte d'Azur"},
    {"94", "Corse"},
}};

// The 101 departments (INSEE code officiel géographique), in code order.
inline constexpr std::array<Department, 101> kDepartments{{
    {"01", "Ain", "84"},
    {"02", "Aisne", "32"},
    {"03", "Allier", "84"},
    {"04", "Alpes-de-Haute-Provence", "93"},
    {"05", "Hautes-Alpes", "93"},
    {"06", "Alpes-Maritimes", "93"},
    {"07", "Ardèche", "84"},
    {"08", "Ardennes", "44"},
    {"09", "Ariège", "76"},
    {"10", "Aube", "44"},
    {"11", "Aude", "76"},
    {"12", "Aveyron", "76"},
    {"13", "Bouches-du-Rhône", "93"},
    {"14", "Calvados", "28"},
    {"15", "Cantal", "84"},
    {"16", "Charente", "75"},
    {"17", "Charente-Maritime", "75"},
    {"18", "Cher", "24"},
    {"19", "Corrèze", "75"},
    {"2A", "Corse-du-Sud", "94"},
    {"2B", "Haute-Corse", "94"},
    {"21", "Côte-d'Or", "27"},
    {"22", "Côtes-d'Armor", "53"},
    {"23", "Creuse", "75"},
    {"24", "Dordogne", "75"},
    {"25", "Doubs", "27"},
    {"26", "Drôme", "84"},
    {"27", "Eure", "28"},
    {"28", "Eure-et-Loir", "24"},
    {"29", "Finistère", "53"},
    {"30", "Gard", "76"},
    {"31", "Haute-Garonne", "76"},
    {"32", "Gers", "76"},
    {"33", "Gironde", "75"},
    {"34", "Hérault", "76"},
    {"35", "Ille-et-Vilaine", "53"},
    {"36", "Indre", "24"},
    {"37", "Indre-et-Loire", "24"},
    {"38", "Isère", "84"},
    {"39", "Jura", "27"},
    {"40", "Landes", "75"},
    {"41", "Loir-et-Cher", "24"},
    {"42", "Loire", "84"},
    {"43", "Haute-Loire", "84"},
    {"44", "Loire-Atlantique", "52"},
    {"45", "Loiret", "24"},
    {"46", "Lot", "76"},
    {"47", "Lot-et-Garonne", "75"},
    {"48", "Lozère", "76"},
    {"49", "Maine-et-Loire", "52"},
    {"50", "Manche", "28"},
    {"51", "Marne", "44"},
    {"52", "Haute-Marne", "44"},
    {"53", "Mayenne", "52"},
    {"54", "Meurthe-et-Moselle", "44"},
    {"55", "Meuse", "44"},
    {"56", "Morbihan", "53"},
    {"57", "Moselle", "44"},
    {"58", "Nièvre", "27"},
    {"59", "Nord", "32"},
    {"60", "Oise", "32"},
    {"61", "Orne", "28"},
    {"62", "Pas-de-Calais", "32"},
    {"63", "Puy-de-Dôme", "84"},
    {"64", "Pyrénées-Atlantiques", "75"},
    {"65", "Hautes-Pyrénées", "76"},
    {"66", "Pyrénées-Orientales", "76"},
    {"67", "Bas-Rhin", "44"},
    {"68", "Haut-Rhin", "44"},
    {"69", "Rhône", "84"},
    {"70", "Haute-Saône", "27"},
    {"71", "Saône-et-Loire", "27"},
    {"72", "Sarthe", "52"},
    {"73", "Savoie", "84"},
    {"74", "Haute-Savoie", "84"},
    {"75", "Paris", "11"},
    {"76", "Seine-Maritime", "28"},
    {"77", "Seine-et-Marne", "11"},
    {"78", "Yvelines", "11"},
    {"79", "Deux-Sèvres", "75"},
    {"80", "Somme", "32"},
    {"81", "Tarn", "76"},
    {"82", "Tarn-et-Garonne", "76"},
    {"83", "Var", "93"},
    {"84", "Vaucluse", "93"},
    {"85", "Vendée", "52"},
    {"86", "Vienne", "75"},
    {"87", "Haute-Vienne", "75"},
    {"88", "Vosges", "44"},
    {"89", "Yonne", "27"},
    {"90", "Territoire de Belfort", "27"},
    {"91", "Essonne", "11"},
    {"92", "Hauts-de-Seine", "11"},
    {"93", "Seine-Saint-Denis", "11"},
    {"94", "Val-de-Marne", "11"},
    {"95", "Val-d'Oise", "11"},
    {"971", "Guadeloupe", "01"},
    {"972", "Martinique", "02"},
    {"973", "Guyane", "03"},
    {"974", "La Réunion", "04"},
    {"976", "Mayotte", "06"},
}};

// Look-ups: nullptr when the code is unknown. The tables are small; a linear
// scan is as fast as a map and keeps them usable in constant expressions.

constexpr const Label* find_label(std::span<const Label> table, std::string_view code) {
  for (const auto& row : table)
    if (row.code == code) return &row;
  return nullptr;
}

constexpr const Label* find_kind(std::string_view code) { return find_label(kOrganisationKinds, code); }

constexpr const Label* find_role(std::string_view code) { return find_label(kRoles, code); }

constexpr const Region* find_region(std::string_view code) {
  for (const auto& r : kRegions)
    if (r.code == code) return &r;
  return nullptr;
}

constexpr const Department* find_department(std::string_view code) {
  for (const auto& d : kDepartments)
    if (d.code == code) return &d;
  return nullptr;
}

// Departments of a region, in code order; empty for an unknown region.
inline std::vector<const Department*> departments_of_region(std::string_view region_code) {
  std::vector<const Department*> out;
  for (const auto& d : kDepartments)
    if (d.region_code == region_code) out.push_back(&d);
  return out;
}

constexpr bool is_siae_kind(std::string_view kind) {
  return std::ranges::find(kSiaeKinds, kind) != kSiaeKinds.end();
}

constexpr bool is_prescriber_kind(std::string_view kind) {
  return std::ranges::find(kPrescriberKinds, kind) != kPrescriberKinds.end();
}

}  // namespace passerelle::network
