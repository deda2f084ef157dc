#pragma once
// Validation errors, shared by forms (shown next to each field), the API
// (problem+json "errors" list) and imports (one line per rejected row).
#include <string>
#include <vector>

namespace passerelle::web {

struct FieldError {
  std::string field;    // the form/JSON field name, e.g. "siret"
  std::string message;  // French, for the user, e.g. "Le SIRET doit compter 14 chiffres."
};

using Errors = std::vector<FieldError>;

inline const FieldError* find_error(const Errors& errors, const std::string& field) {
  for (const auto& e : errors)
    if (e.field == field) return &e;
  return nullptr;
}

}  // namespace passerelle::web
