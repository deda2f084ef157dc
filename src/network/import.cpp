#include "network/import.hpp"

#include <map>
#include <set>

#include <fmt/format.h>

#include "core/web/csv.hpp"
#include "core/web/text.hpp"
#include "network/model.hpp"

namespace passerelle::network {
namespace {

// Header names accepted for each field (folded: lower case, no accents).
struct Column {
  const char* field;
  std::vector<std::string> names;
  bool required;
};

const std::vector<Column>& columns() {
  static const std::vector<Column> all = {
      {"name", {"nom", "name", "raison sociale", "raison_sociale"}, true},
      {"kind", {"type", "kind", "type d'organisation"}, true},
      {"siret", {"siret"}, false},
      {"address", {"adresse", "address"}, false},
      {"postcode", {"code_postal", "code postal", "cp", "postcode"}, false},
      {"commune", {"commune", "ville"}, false},
      {"commune_insee", {"code_insee", "code insee", "insee", "commune_insee"}, false},
      {"department", {"departement", "department", "dep"}, false},
      {"region", {"region"}, false},
      {"parent_siret", {"parent_siret", "siret parent", "siret_parent"}, false},
      {"email", {"email", "e-mail", "courriel"}, false},
      {"phone", {"telephone", "tel", "phone"}, false},
      {"website", {"site_web", "site web", "site", "website"}, false},
  };
  return all;
}

// Accepts a kind code ("aci") or its French label ("Atelier et chantier d'insertion (ACI)")
// or the acronym alone ("ACI").
std::string kind_code(std::string_view value) {
  auto v = text::fold(text::trim(value));
  for (auto& k : kOrganisationKinds) {
    if (v == k.code || v == text::fold(k.label)) return std::string(k.code);
    auto label = text::fold(k.label);
    auto open = label.find('(');
    if (open != std::string::npos && v == label.substr(open + 1, label.size() - open - 2)) return std::string(k.code);
  }
  return std::string(value);
}

// A department written "6" or "06", or a region written by name.
std::string department_code(std::string_view value) {
  auto v = text::trim(value);
  if (v.size() == 1 && std::isdigit(static_cast<unsigned char>(v[0]))) return "0" + v;
  for (char& c : v) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return v;
}

std::string region_code(std::string_view value) {
  auto v = text::trim(value);
  for (auto& r : kRegions)
    if (text::fold(v) == text::fold(r.name)) return std::string(r.code);
  return v;
}

}  // namespace

std::size_t ImportPlan::rejected_lines() const {
  std::set<std::size_t> lines;
  for (auto& e : errors) lines.insert(e.line);
  return lines.size();
}

ImportPlan plan_organisation_import(db::Connection& db, const Scope& scope, std::string_view data,
                                    const std::optional<Organisation>& default_parent) {
  ImportPlan plan;
  auto parsed = csv::parse(data);
  if (auto* err = std::get_if<csv::ParseError>(&parsed)) {
    plan.fatal = err->message;
    return plan;
  }
  auto& table = std::get<csv::Table>(parsed);
  auto& header = table.records.at(0).fields;

  // Map file columns to fields.
  std::map<std::string, std::size_t> index;
  std::map<std::string, std::string> header_name;
  for (std::size_t i = 0; i < header.size(); ++i) {
    auto h = text::fold(text::trim(header[i]));
    bool known = false;
    for (auto& col : columns())
      for (auto& n : col.names)
        if (h == n && !index.contains(col.field)) {
          index[col.field] = i;
          header_name[col.field] = text::trim(header[i]);
          known = true;
        }
    if (!known && !h.empty()) plan.ignored_columns.push_back(text::trim(header[i]));
  }
  std::vector<std::string> missing;
  for (auto& col : columns())
    if (col.required && !index.contains(col.field)) missing.push_back(col.names[0]);
  if (!missing.empty()) {
    plan.fatal = fmt::format("Colonne obligatoire absente : « {} ». La première ligne doit nommer les colonnes, par exemple : {}",
                             fmt::join(missing, " », « "), kImportHeader);
    return plan;
  }

  std::map<std::string, std::size_t> sirets_in_file;  // siret → line
  for (std::size_t r = 1; r < table.records.size(); ++r) {
    auto& rec = table.records[r];
    plan.data_lines++;
    auto get = [&](const char* field) -> std::string {
      auto it = index.find(field);
      if (it == index.end() || it->second >= rec.fields.size()) return {};
      return rec.fields[it->second];
    };
    auto name_of = [&](const std::string& field) {
      auto it = header_name.find(field);
      return it == header_name.end() ? field : it->second;
    };
    std::size_t errors_before = plan.errors.size();
    if (rec.fields.size() != header.size()) {
      plan.errors.push_back({rec.line, "",
                             fmt::format("La ligne compte {} colonnes au lieu de {}.", rec.fields.size(), header.size())});
      continue;
    }
    ImportRow row;
    row.line = rec.line;
    auto& in = row.input;
    in.name = get("name");
    in.kind = kind_code(get("kind"));
    in.siret = normalize_siret(get("siret"));
    in.address = get("address");
    in.postcode = text::trim(get("postcode"));
    in.commune = get("commune");
    in.commune_insee = text::trim(get("commune_insee"));
    in.department = department_code(get("department"));
    in.region = region_code(get("region"));
    in.email = text::trim(get("email"));
    in.phone = text::trim(get("phone"));
    in.website = text::trim(get("website"));
    row.parent_siret = normalize_siret(get("parent_siret"));
    if (in.department.empty() && !in.postcode.empty())
      if (auto d = department_of_postcode(in.postcode)) in.department = *d;

    static const std::map<std::string, std::string> field_of = {
        {"name", "name"}, {"kind", "kind"}, {"siret", "siret"}, {"address", "address"}, {"postcode", "postcode"},
        {"commune", "commune"}, {"commune_insee", "commune_insee"}, {"department", "department"},
        {"region", "region"}, {"email", "email"}, {"phone", "phone"}, {"website", "website"}};
    for (auto& e : validate_organisation(in))
      if (e.field != "parent_id") plan.errors.push_back({rec.line, name_of(e.field), e.message});

    if (!in.siret.empty() && plan.errors.size() == errors_before) {
      if (auto it = sirets_in_file.find(in.siret); it != sirets_in_file.end())
        plan.errors.push_back({rec.line, name_of("siret"),
                               fmt::format("Ce SIRET figure déjà à la ligne {} du fichier.", it->second)});
      else if (!db.query("SELECT 1 FROM organisations WHERE siret = ?", {in.siret}).empty())
        plan.errors.push_back({rec.line, name_of("siret"), "Ce SIRET est déjà enregistré dans Passerelle."});
    }
    if (!row.parent_siret.empty()) {
      bool in_file = sirets_in_file.contains(row.parent_siret);
      if (!in_file && !find_organisation_by_siret(db, scope, row.parent_siret))
        plan.errors.push_back({rec.line, name_of("parent_siret"),
                               "Aucune organisation de votre périmètre (ni ligne précédente du fichier) n'a ce SIRET."});
    } else if (!default_parent && !scope.empty() && scope[0] != "") {
      // Only the command line (unrestricted) may create root organisations.
    }
    if (plan.errors.size() == errors_before) {
      if (!in.siret.empty()) sirets_in_file[in.siret] = rec.line;
      plan.valid.push_back(std::move(row));
    }
  }
  if (plan.data_lines == 0) plan.fatal = "Le fichier ne contient aucune ligne de données après l'en-tête.";
  return plan;
}

std::size_t apply_organisation_import(db::Connection& db, const Scope& scope, const ImportPlan& plan,
                                      const std::optional<Organisation>& default_parent) {
  db::Transaction tx(db);
  std::map<std::string, Organisation> created;  // siret → organisation, for parents named later in the file
  std::size_t count = 0;
  for (auto& row : plan.valid) {
    std::optional<Organisation> parent = default_parent;
    if (!row.parent_siret.empty()) {
      if (auto it = created.find(row.parent_siret); it != created.end())
        parent = it->second;
      else
        parent = find_organisation_by_siret(db, scope, row.parent_siret);
    }
    auto id = create_organisation(db, row.input, parent);
    if (!row.input.siret.empty()) {
      Organisation o;
      o.id = id;
      o.path = child_path(parent ? parent->path : "", id);
      created[row.input.siret] = o;
    }
    ++count;
  }
  tx.commit();
  return count;
}

std::vector<std::string> export_header() {
  return {"id",     "nom",         "type",         "siret",         "adresse", "code_postal", "commune", "code_insee",
          "departement", "region", "parent_siret", "email",         "telephone", "site_web", "parent", "cree_le"};
}

std::vector<std::string> export_row(const Organisation& o) {
  return {std::to_string(o.id), o.name,      o.kind,       o.siret, o.address, o.postcode, o.commune, o.commune_insee,
          o.department,         o.region,    o.parent_siret, o.email, o.phone,   o.website,  o.parent_name,
          o.created_at.substr(0, 10)};
}

}  // namespace passerelle::network
