#pragma once
// Territorial diagnostic (seed 002, "réalisation d'un diagnostic, pour
// identifier les acteurs des territoires"): relationships between
// organisations and the pure computation of a territory's picture — actors
// by kind, who works with whom (kind × kind), kinds missing, and the member
// structures without any prescriber relationship.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/web/validation.hpp"
#include "network/model.hpp"

namespace passerelle::network {

// "from is <kind> of to".
inline constexpr std::array<Label, 6> kRelationshipKinds{{
    {"partner_prescriber", "Partenaire prescripteur"},
    {"co_contractor", "Cotraitant"},
    {"subcontractor", "Sous-traitant"},
    {"funder", "Financeur"},
    {"buyer", "Acheteur"},
    {"member_of", "Adhérent de"},
}};
std::string relationship_kind_label(std::string_view code);

// The kinds a territory is expected to have for inclusive employment: the
// SIAE kinds, the GEIQ, and the main prescribers (France Travail, mission
// locale, Cap emploi, the département) and the PLIE. A missing one is a gap.
inline constexpr std::array<std::string_view, 11> kExpectedKinds{
    "ai", "aci", "ei", "etti", "eiti", "geiq", "france_travail", "mission_locale", "cap_emploi", "departement", "plie"};

struct RelationshipInput {
  std::string from_organisation_id, to_organisation_id, kind, start_date, end_date, note;
};
struct RelationshipValues {
  std::int64_t from_id = 0, to_id = 0;
  std::string kind, start_date, end_date, note;
};
// Every error at once, in French, by field.
web::Errors validate_relationship(const RelationshipInput& in, RelationshipValues& out);
// True when the relationship runs on `day` (ISO): start ≤ day and (no end or day ≤ end).
bool relationship_active(const std::string& start_date, const std::string& end_date, const std::string& day);

struct Actor {
  std::int64_t id = 0;
  std::string name, kind;
  bool member = false;  // a membership counting as member this year
};
struct Link {
  std::int64_t from_id = 0, to_id = 0;
  std::string kind;
};

struct Diagnostic {
  std::vector<std::pair<std::string, std::int64_t>> actors_by_kind;  // kind, count (most first)
  std::vector<std::string> kinds;                                    // rows/columns of the matrix
  std::map<std::pair<std::string, std::string>, std::int64_t> matrix; // (kind of one, kind of other) → links
  std::vector<std::string> missing_kinds;                            // expected kinds with no actor
  std::vector<Actor> members_without_prescriber;
  std::int64_t links = 0;
};
// `actors`: the organisations of the territory; `links`: the running
// relationships with at least one end among them (an end outside the territory
// is counted under its kind when `outside` names it). The matrix is symmetric:
// who works with whom, whatever the direction.
Diagnostic build_diagnostic(const std::vector<Actor>& actors, const std::vector<Link>& links,
                            const std::map<std::int64_t, std::string>& outside);

}  // namespace passerelle::network
