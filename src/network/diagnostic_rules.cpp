#include "network/diagnostic_rules.hpp"

#include <algorithm>

#include "core/web/text.hpp"
#include "network/membership_rules.hpp"

namespace passerelle::network {

std::string relationship_kind_label(std::string_view code) {
  for (auto& k : kRelationshipKinds)
    if (k.code == code) return std::string(k.label);
  return std::string(code);
}

web::Errors validate_relationship(const RelationshipInput& in, RelationshipValues& out) {
  web::Errors errors;
  auto id = [&](const std::string& raw, const char* field, const char* what) -> std::int64_t {
    auto t = text::trim(raw);
    if (t.empty()) {
      errors.push_back({field, std::string("Choisissez ") + what + "."});
      return 0;
    }
    if (t.size() > 18 || t.find_first_not_of("0123456789") != std::string::npos) {
      errors.push_back({field, "L'organisation choisie est introuvable dans votre périmètre."});
      return 0;
    }
    return std::stoll(t);
  };
  out.from_id = id(in.from_organisation_id, "from_organisation_id", "la première organisation");
  out.to_id = id(in.to_organisation_id, "to_organisation_id", "l'organisation partenaire");
  if (out.from_id && out.from_id == out.to_id)
    errors.push_back({"to_organisation_id", "Une organisation ne peut pas être en relation avec elle-même."});
  out.kind = text::trim(in.kind);
  bool known = false;
  for (auto& k : kRelationshipKinds) known = known || k.code == out.kind;
  if (!known) errors.push_back({"kind", "Choisissez le type de relation dans la liste."});
  auto start = parse_iso_date(text::trim(in.start_date));
  if (text::trim(in.start_date).empty())
    errors.push_back({"start_date", "Indiquez la date de début de la relation."});
  else if (!start)
    errors.push_back({"start_date", "La date de début n'est pas une date valide (JJ/MM/AAAA)."});
  else
    out.start_date = iso(*start);
  auto end_text = text::trim(in.end_date);
  if (!end_text.empty()) {
    auto end = parse_iso_date(end_text);
    if (!end)
      errors.push_back({"end_date", "La date de fin n'est pas une date valide (JJ/MM/AAAA)."});
    else if (start && *end < *start)
      errors.push_back({"end_date", "La date de fin ne peut pas précéder la date de début."});
    else
      out.end_date = iso(*end);
  }
  out.note = text::trim(in.note);
  if (text::length_utf8(out.note) > 1000) errors.push_back({"note", "La note compte au plus 1 000 caractères."});
  return errors;
}

bool relationship_active(const std::string& start_date, const std::string& end_date, const std::string& day) {
  return start_date <= day && (end_date.empty() || day <= end_date);
}

Diagnostic build_diagnostic(const std::vector<Actor>& actors, const std::vector<Link>& links,
                            const std::map<std::int64_t, std::string>& outside) {
  Diagnostic d;
  std::map<std::int64_t, const Actor*> by_id;
  std::map<std::string, std::int64_t> counts;
  for (auto& a : actors) {
    by_id[a.id] = &a;
    ++counts[a.kind];
  }
  for (auto& [k, n] : counts) d.actors_by_kind.push_back({k, n});
  std::stable_sort(d.actors_by_kind.begin(), d.actors_by_kind.end(),
                   [](auto& a, auto& b) { return a.second > b.second; });
  for (auto k : kExpectedKinds)
    if (!counts.contains(std::string(k))) d.missing_kinds.emplace_back(k);

  auto kind_of = [&](std::int64_t id) -> std::optional<std::string> {
    if (auto it = by_id.find(id); it != by_id.end()) return it->second->kind;
    if (auto it = outside.find(id); it != outside.end()) return it->second;
    return std::nullopt;
  };
  std::set<std::string> kinds;
  std::set<std::int64_t> with_prescriber;
  for (auto& l : links) {
    auto a = kind_of(l.from_id), b = kind_of(l.to_id);
    if (!a || !b) continue;
    if (!by_id.contains(l.from_id) && !by_id.contains(l.to_id)) continue;
    ++d.links;
    ++d.matrix[{*a, *b}];
    if (*a != *b) ++d.matrix[{*b, *a}];
    kinds.insert(*a);
    kinds.insert(*b);
    if (l.kind == "partner_prescriber") {
      with_prescriber.insert(l.from_id);
      with_prescriber.insert(l.to_id);
    }
  }
  d.kinds.assign(kinds.begin(), kinds.end());
  for (auto& a : actors)
    if (a.member && !with_prescriber.contains(a.id)) d.members_without_prescriber.push_back(a);
  return d;
}

}  // namespace passerelle::network
