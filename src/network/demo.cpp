#include "network/demo.hpp"

#include <map>
#include <random>

#include <fmt/format.h>

#include "core/auth/audit.hpp"
#include "core/auth/auth.hpp"
#include "core/web/text.hpp"
#include "network/model.hpp"
#include "network/rules.hpp"
#include "network/store.hpp"

namespace passerelle::network {

std::string demo_siret(std::int64_t n) {
  auto base = fmt::format("8{:012d}", n % 1000000000000LL);
  // Luhn check digit: double every second digit from the right of the full number.
  int sum = 0;
  for (int i = 0; i < 13; ++i) {
    int d = base[12 - i] - '0';
    if (i % 2 == 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return base + std::to_string((10 - sum % 10) % 10);
}

namespace {

struct DemoOrg {
  const char* key;
  const char* parent;  // key of the parent, "" for the root
  const char* name;
  const char* kind;
  const char* address;
  const char* postcode;
  const char* commune;
  const char* insee;
};

// Names follow the seeds: Coorace-like federation and delegations, Solipass,
// the EPEC's PLIE in Paris, France Travail, missions locales, E2C…
const DemoOrg kOrgs[] = {
    {"fed", "", "Fédération Passerelle", "federation", "12 rue de la Solidarité", "75011", "Paris", "75111"},
    {"idf", "fed", "Délégation Île-de-France", "delegation", "5 rue des Immeubles-Industriels", "75011", "Paris", "75111"},
    {"cvl", "fed", "Délégation Centre-Val de Loire", "delegation", "8 rue Jeanne-d'Arc", "45000", "Orléans", "45234"},
    {"paca", "fed", "Délégation Provence-Alpes-Côte d'Azur", "delegation", "20 boulevard Longchamp", "13001", "Marseille", "13201"},
    {"pdl", "fed", "Délégation Pays de la Loire", "delegation", "3 quai de Versailles", "44000", "Nantes", "44109"},
    {"hdf", "fed", "Délégation Hauts-de-France", "delegation", "40 rue Nationale", "59000", "Lille", "59350"},
    {"fondation", "fed", "Fondation Agir pour l'inclusion", "funder", "1 place de la République", "75003", "Paris", "75103"},
    // Île-de-France
    {"ai93", "idf", "Rebond 93 — Association intermédiaire", "ai", "14 rue Gabriel-Péri", "93200", "Saint-Denis", "93066"},
    {"aci93", "idf", "Les Jardins de Montreuil", "aci", "2 rue de la Révolution", "93100", "Montreuil", "93048"},
    {"ei75", "idf", "Nettoyage Solidaire Paris", "ei", "31 rue de Charonne", "75011", "Paris", "75111"},
    {"etti75", "idf", "Intérim Insertion Paris", "etti", "7 rue du Faubourg-Saint-Denis", "75010", "Paris", "75110"},
    {"eiti94", "idf", "Les Indépendants solidaires", "eiti", "9 avenue de Paris", "94300", "Vincennes", "94080"},
    {"geiq", "idf", "GEIQ BTP Île-de-France", "geiq", "18 rue de Lagny", "75020", "Paris", "75120"},
    {"ea92", "idf", "Atelier adapté des Hauts-de-Seine", "ea", "4 rue Paul-Vaillant-Couturier", "92000", "Nanterre", "92050"},
    {"plie", "idf", "PLIE de Paris", "plie", "209 rue La Fayette", "75010", "Paris", "75110"},
    {"ft75", "idf", "France Travail Paris 11e", "france_travail", "35 rue de la Roquette", "75011", "Paris", "75111"},
    {"ml75", "idf", "Mission locale de Paris", "mission_locale", "22 rue Pajol", "75018", "Paris", "75118"},
    {"cap75", "idf", "Cap emploi Paris", "cap_emploi", "16 rue Montgolfier", "75003", "Paris", "75103"},
    {"e2c93", "idf", "E2C Seine-Saint-Denis", "e2c", "19 rue Jean-Jaurès", "93200", "Saint-Denis", "93066"},
    {"refugies", "idf", "Association pour l'emploi des réfugiés", "association", "6 rue Ramponeau", "75020", "Paris", "75120"},
    {"paris-achats", "idf", "Ville de Paris — Direction des achats", "buyer", "17 boulevard Morland", "75004", "Paris", "75104"},
    {"btp-durable", "idf", "Bâtiment Durable SAS", "employer", "45 avenue Jean-Jaurès", "93300", "Aubervilliers", "93001"},
    // Centre-Val de Loire
    {"aci37", "cvl", "Loire Chantiers d'insertion", "aci", "12 quai Paul-Bert", "37100", "Tours", "37261"},
    {"ai45", "cvl", "Orléans Services Emploi", "ai", "3 rue Bannier", "45000", "Orléans", "45234"},
    {"ml45", "cvl", "Mission locale de l'Orléanais", "mission_locale", "56 rue du Faubourg-Bannier", "45000", "Orléans", "45234"},
    // Provence-Alpes-Côte d'Azur
    {"ei13", "paca", "Marseille Recyclage", "ei", "110 boulevard de Plombières", "13014", "Marseille", "13214"},
    {"aci13", "paca", "Calanques Nature Insertion", "aci", "8 chemin de Sormiou", "13009", "Marseille", "13209"},
    {"ml13", "paca", "Mission locale de Marseille", "mission_locale", "35 rue de la République", "13002", "Marseille", "13202"},
    // Pays de la Loire
    {"solipass", "pdl", "Solipass", "aci", "10 rue de la Paix", "44600", "Saint-Nazaire", "44184"},
    {"ai44", "pdl", "Association intermédiaire Erdre et Loire", "ai", "2 rue du Port", "44150", "Ancenis-Saint-Géréon", "44003"},
    {"mde44", "pdl", "Maison de l'emploi de Nantes", "mde", "1 rue Bisson", "44100", "Nantes", "44109"},
    {"ft44", "pdl", "France Travail Nantes Centre", "france_travail", "5 allée Duguay-Trouin", "44000", "Nantes", "44109"},
    {"nantes-metropole", "pdl", "Nantes Métropole", "buyer", "2 cours du Champ-de-Mars", "44000", "Nantes", "44109"},
    // Hauts-de-France
    {"etti59", "hdf", "Nord Intérim Insertion", "etti", "75 rue de Douai", "59000", "Lille", "59350"},
    {"geiq59", "hdf", "GEIQ Propreté Hauts-de-France", "geiq", "12 rue Faidherbe", "59800", "Lille", "59350"},
    {"expert59", "hdf", "Cabinet Nord Expertise comptable", "other", "3 place du Théâtre", "59800", "Lille", "59350"},
};

struct DemoUser {
  const char* role;
  const char* name;
  const char* org;
};

const DemoUser kUsers[] = {
    {"admin", "Agnès Administratrice", "fed"},
    {"network", "Nadia Chargée de mission", "idf"},
    {"supervisor", "Samuel Superviseur", "plie"},
    {"referent", "Rachida Référente", "plie"},
    {"facilitator", "Fabien Facilitateur", "mde44"},
    {"partner", "Pauline Partenaire", "ft75"},
    {"member", "Marc Adhérent", "solipass"},
};

struct DemoContact {
  const char* first;
  const char* last;
  const char* function;
  const char* org;
  bool consent;
};

const DemoContact kContacts[] = {
    {"Claire", "Martin", "Directrice", "ai93", true},
    {"Karim", "Benali", "Conseiller en insertion professionnelle", "ai93", true},
    {"Sophie", "Lefèvre", "Encadrante technique", "aci93", false},
    {"Mamadou", "Diallo", "Directeur", "ei75", true},
    {"Hélène", "Rousseau", "Responsable d'agence", "etti75", true},
    {"Thierry", "Garnier", "Gérant", "eiti94", false},
    {"Inès", "Moreau", "Coordinatrice", "geiq", true},
    {"Julien", "Petit", "Directeur", "plie", true},
    {"Fatou", "Sow", "Référente de parcours", "plie", true},
    {"Élodie", "Fontaine", "Conseillère entreprises", "ft75", true},
    {"Lucas", "Girard", "Conseiller", "ml75", false},
    {"Nathalie", "Chevalier", "Chargée de relations entreprises", "cap75", true},
    {"Yacine", "Haddad", "Formateur", "e2c93", true},
    {"Amina", "Traoré", "Chargée d'accompagnement", "refugies", true},
    {"Bruno", "Lambert", "Acheteur public", "paris-achats", false},
    {"Cécile", "Bonnet", "Responsable RH", "btp-durable", false},
    {"Olivier", "Mercier", "Directeur", "aci37", true},
    {"Manon", "Dupuis", "Assistante", "ai45", true},
    {"François", "Blanc", "Directeur", "ei13", true},
    {"Léa", "Guerin", "Encadrante", "aci13", false},
    {"Pierre", "Morel", "Directeur", "solipass", true},
    {"Aurélie", "Fournier", "Chargée de recrutement", "solipass", true},
    {"Sébastien", "Roux", "Facilitateur clauses sociales", "mde44", true},
    {"Camille", "Faure", "Conseillère", "ft44", true},
    {"Antoine", "André", "Directeur", "etti59", true},
    {"Julie", "Mercier", "Expert-comptable (paie)", "expert59", false},
};

}  // namespace

bool load_demo(db::Connection& db, std::ostream& out) {
  if (db.query("SELECT COUNT(*) FROM organisations").rows.at(0).integer(0) > 0) {
    out << "La base contient déjà des organisations : les données de démonstration n'ont pas été chargées.\n";
    return false;
  }
  db::Transaction tx(db);
  std::map<std::string, Organisation> orgs;
  std::int64_t n = 1;
  for (auto& d : kOrgs) {
    OrganisationInput in;
    in.name = d.name;
    in.kind = d.kind;
    in.siret = demo_siret(73282932 + n * 7919);
    in.address = d.address;
    in.postcode = d.postcode;
    in.commune = d.commune;
    in.commune_insee = d.insee;
    in.department = department_of_postcode(d.postcode).value_or("");
    in.email = fmt::format("contact@{}.demo.passerelle.fr", d.key);
    in.phone = fmt::format("01 23 45 {:02d} {:02d}", n / 100, n % 100);
    std::optional<Organisation> parent;
    if (*d.parent) parent = orgs.at(d.parent);
    auto id = create_organisation(db, in, parent);
    orgs[d.key] = *get_organisation(db, {""}, id);
    ++n;
  }
  for (auto& c : kContacts) {
    ContactInput in;
    in.first_name = c.first;
    in.last_name = c.last;
    in.function_title = c.function;
    in.email = text::fold(std::string(c.first) + "." + c.last) + "@" + c.org + ".demo.passerelle.fr";
    for (auto& ch : in.email)
      if (ch == ' ' || ch == '\'') ch = '-';
    in.phone = "06 12 34 56 78";
    in.mailing_consent = c.consent ? "1" : "";
    in.organisation_ids = {std::to_string(orgs.at(c.org).id)};
    create_contact(db, in);
  }
  out << "Données de démonstration chargées : " << std::size(kOrgs) << " organisations, " << std::size(kContacts)
      << " contacts.\n\nComptes de démonstration (mot de passe : " << kDemoPassword << ") :\n";
  for (auto& u : kUsers) {
    auto email = fmt::format("{}@demo.passerelle.fr", u.role);
    auto id = auth::add_user(db, email, u.name, kDemoPassword);
    auth::grant_role(db, id, orgs.at(u.org).id, u.role);
    out << fmt::format("  {:<32} {:<28} {}\n", email, find_role(u.role)->label, orgs.at(u.org).name);
  }
  load_membership_demo(db, out);
  load_relationship_demo(db, out);
  audit::record(db, 0, "create", "demo", 0, "données de démonstration chargées");
  tx.commit();
  return true;
}

namespace {
// The search words of freshly inserted rows (id, search_text), in one statement.
void insert_words(db::Connection& db, const char* table, const char* owner, const db::Result& rows) {
  std::string sql = fmt::format("INSERT INTO {} (word, {}) VALUES ", table, owner);
  db::Params params;
  for (auto& row : rows.rows)
    for (auto& w : search_words(row.text(1))) {
      sql += params.empty() ? "(?, ?)" : ", (?, ?)";
      params.emplace_back(w);
      params.emplace_back(row.integer(0));
    }
  if (!params.empty()) db.query(sql, params);
}
}  // namespace

void load_bench_data(db::Connection& db, std::int64_t organisations, std::int64_t contacts, std::ostream& out) {
  std::mt19937_64 rng(20261125);
  auto pick = [&](auto& arr) -> const auto& { return arr[rng() % std::size(arr)]; };
  static const char* kWords[] = {"Solidaire", "Insertion", "Avenir", "Chantier", "Jardins", "Emploi", "Rebond",
                                 "Horizon", "Services", "Tremplin", "Environnement", "Recyclerie", "Bâtiment",
                                 "Propreté", "Restauration", "Mobilité", "Écologie", "Atelier", "Coopérative", "Élan"};
  static const char* kKinds[] = {"ai", "aci", "ei", "etti", "eiti", "geiq", "ea", "association", "employer", "mission_locale"};
  static const char* kFirst[] = {"Claire", "Karim", "Sophie", "Mamadou", "Hélène", "Inès", "Julien", "Fatou", "Élodie",
                                 "Lucas", "Amina", "Olivier", "Léa", "Pierre", "Aurélie", "Camille", "Antoine", "Zoé"};
  static const char* kLast[] = {"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
                                "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "Diallo", "Traoré"};
  auto delegations = db.query("SELECT id, path, region FROM organisations WHERE kind = 'delegation' ORDER BY id");
  if (delegations.empty()) throw std::runtime_error("chargez d'abord les données de démonstration (passerelle demo)");
  auto now = auth::now_utc();
  auto departments = kDepartments;
  std::int64_t base_siret = db.query("SELECT COUNT(*) FROM organisations").rows.at(0).integer(0) + 5000000;

  const int batch = 500;
  for (std::int64_t done = 0; done < organisations;) {
    db::Transaction tx(db);
    std::string sql =
        "INSERT INTO organisations (name, sort_name, search_text, kind, siret, address, postcode, commune, commune_insee, "
        "department, region, parent_id, path, created_at, updated_at) VALUES ";
    db::Params params;
    int rows = 0;
    for (; rows < batch && done < organisations; ++rows, ++done) {
      auto& parent = delegations.rows[rng() % delegations.rows.size()];
      auto& dep = departments[rng() % departments.size()];
      auto name = fmt::format("{} {} {}", pick(kWords), pick(kWords), done + 1);
      auto commune = fmt::format("Commune {}", dep.name);
      std::string postcode = std::string(dep.code) + "000";
      if (dep.code == std::string_view("2A")) postcode = "20000";
      if (dep.code == std::string_view("2B")) postcode = "20200";
      if (dep.code.size() == 3) postcode = std::string(dep.code) + "00";
      auto siret = demo_siret(base_siret + done);
      sql += rows ? ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?)" : "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?)";
      for (db::Value v : std::initializer_list<db::Value>{
               name, text::fold(name), text::fold(name + " " + commune + " " + siret), pick(kKinds), siret,
               "1 rue de la République", postcode, commune, "", std::string(dep.code), std::string(dep.region_code),
               parent.integer(0), now, now})
        params.push_back(v);
    }
    auto ids = db.query(sql + " RETURNING id, search_text", params);
    insert_words(db, "organisation_words", "organisation_id", ids);
    tx.commit();
  }
  // Paths of the new organisations: parent path + own id.
  db.query(
      "UPDATE organisations SET path = (SELECT p.path FROM organisations p WHERE p.id = organisations.parent_id) "
      "|| CAST(id AS TEXT) || '/' WHERE path = ''");
  out << organisations << " organisations créées.\n";

  auto ids = db.query("SELECT id FROM organisations WHERE kind <> 'delegation' AND kind <> 'federation'");
  for (std::int64_t done = 0; done < contacts;) {
    db::Transaction tx(db);
    std::string sql =
        "INSERT INTO contacts (first_name, last_name, sort_name, search_text, function_title, email, phone, "
        "mailing_consent, created_at, updated_at) VALUES ";
    db::Params params;
    std::vector<std::int64_t> orgs_of_batch;
    int rows = 0;
    for (; rows < batch && done < contacts; ++rows, ++done) {
      std::string first = pick(kFirst), last = pick(kLast);
      auto email = fmt::format("contact{}@bench.passerelle.fr", done);
      sql += rows ? ", (?, ?, ?, ?, 'Chargé·e de mission', ?, '', ?, ?, ?)" : "(?, ?, ?, ?, 'Chargé·e de mission', ?, '', ?, ?, ?)";
      for (db::Value v : std::initializer_list<db::Value>{first, last, text::fold(last + " " + first),
                                                          text::fold(last + " " + first + " " + email), email,
                                                          static_cast<int>(rng() % 2), now, now})
        params.push_back(v);
      orgs_of_batch.push_back(ids.rows[rng() % ids.rows.size()].integer(0));
    }
    auto r = db.query(sql + " RETURNING id, search_text", params);
    insert_words(db, "contact_words", "contact_id", r);
    std::string link = "INSERT INTO contact_organisations (contact_id, organisation_id) VALUES ";
    db::Params link_params;
    for (std::size_t i = 0; i < r.rows.size(); ++i) {
      link += i ? ", (?, ?)" : "(?, ?)";
      link_params.push_back(r.rows[i].integer(0));
      link_params.push_back(orgs_of_batch[i]);
    }
    db.query(link, link_params);
    tx.commit();
  }
  out << contacts << " contacts créés.\n";
}

}  // namespace passerelle::network
