#pragma once
// SQL of relationships between organisations and of the territorial
// diagnostic, filtered by the caller's scope.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/db/database.hpp"
#include "network/diagnostic_rules.hpp"
#include "network/store.hpp"

namespace passerelle::network {

struct Relationship {
  std::int64_t id = 0, from_id = 0, to_id = 0;
  std::string from_name, from_kind, to_name, to_kind, kind, start_date, end_date, note, created_at;
};
struct RelationshipEvent {
  std::string action, details, user_name, changed_at;
};

// Both organisations must have been checked against the caller's write scope.
std::int64_t create_relationship(db::Connection& db, const RelationshipValues& v, std::optional<std::int64_t> user_id);
// Sets the end date (history row "ended").
void end_relationship(db::Connection& db, const Relationship& r, const std::string& end_date,
                      std::optional<std::int64_t> user_id);
// Visible when its first organisation is in scope.
std::optional<Relationship> get_relationship(db::Connection& db, const Scope& scope, std::int64_t id);
std::vector<RelationshipEvent> relationship_history(db::Connection& db, std::int64_t id);
// Relationships of an organisation (either end), or of the whole scope; by id (keyset).
std::vector<Relationship> list_relationships(db::Connection& db, const Scope& scope,
                                             std::optional<std::int64_t> organisation_id, std::int64_t after_id,
                                             int limit);
// The list page: also by kind, running or ended on `today`, and the name of
// either organisation (accent-insensitive words); keyset on id.
struct RelationshipFilter {
  std::optional<std::int64_t> organisation_id;
  std::string kind, state, q, today;  // state: "" | "running" | "ended"
  std::int64_t after_id = 0;
  int limit = 50;
};
std::vector<Relationship> list_relationships(db::Connection& db, const Scope& scope, const RelationshipFilter& f);

// The territory: a department code, else a region code.
struct Territory {
  std::string department, region;
};
// Actors of the territory in scope (member: a membership of `year` counting
// as member), the relationships running on `day` with one end among them, and
// the kinds of their ends outside the territory; then the diagnostic.
Diagnostic territorial_diagnostic(db::Connection& db, const Scope& scope, const Territory& t, int year,
                                  const std::string& day, std::vector<Actor>* actors_out = nullptr);

}  // namespace passerelle::network
