#pragma once
// CSV import of organisations, shared by the page and `passerelle import`.
// Every line is checked first; the user then imports the valid lines or
// nothing — never a silent partial import.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/db/database.hpp"
#include "network/rules.hpp"
#include "network/store.hpp"

namespace passerelle::network {

struct ImportLineError {
  std::size_t line = 0;
  std::string field;    // column name as in the file header, or "" for the whole line
  std::string message;  // French
};

struct ImportRow {
  std::size_t line = 0;
  OrganisationInput input;
  std::string parent_siret;
};

struct ImportPlan {
  std::string fatal;  // the file cannot be read at all (French); nothing else is set
  std::size_t data_lines = 0;
  std::vector<ImportRow> valid;
  std::vector<ImportLineError> errors;
  std::vector<std::string> ignored_columns;
  std::size_t rejected_lines() const;
};

// Expected header (case and accents ignored; ';' or ','):
// nom;type;siret;adresse;code_postal;commune;code_insee;departement;region;parent_siret;email;telephone;site_web
inline constexpr std::string_view kImportHeader =
    "nom;type;siret;adresse;code_postal;commune;code_insee;departement;region;parent_siret;email;telephone;site_web";

// `scope` limits the parents the file may name; `default_parent` is used for
// lines without parent_siret (nullopt: such lines become roots, command line only).
ImportPlan plan_organisation_import(db::Connection& db, const Scope& scope, std::string_view csv,
                                    const std::optional<Organisation>& default_parent);

// Inserts the plan's valid lines in one transaction; returns how many.
std::size_t apply_organisation_import(db::Connection& db, const Scope& scope, const ImportPlan& plan,
                                      const std::optional<Organisation>& default_parent);

// Export: header + one row per organisation (same columns as the import, plus id).
std::vector<std::string> export_header();
std::vector<std::string> export_row(const Organisation& o);

}  // namespace passerelle::network
