#include "network/diagnostic_store.hpp"

#include <fmt/format.h>

#include "core/auth/auth.hpp"

namespace passerelle::network {

namespace {

constexpr const char* kSelect =
    "SELECT r.id, r.from_organisation_id, r.to_organisation_id, f.name, f.kind, t.name, t.kind, r.kind, r.start_date, "
    "COALESCE(r.end_date, ''), r.note, r.created_at FROM relationships r "
    "JOIN organisations f ON f.id = r.from_organisation_id JOIN organisations t ON t.id = r.to_organisation_id";

Relationship from_row(const db::Row& row) {
  return {row.integer(0), row.integer(1), row.integer(2), row.text(3), row.text(4), row.text(5), row.text(6),
          row.text(7),    row.text(8),    row.text(9),    row.text(10), row.text(11)};
}

void add_event(db::Connection& db, std::int64_t id, const char* action, const std::string& details,
               std::optional<std::int64_t> user_id) {
  db.query("INSERT INTO relationship_history (relationship_id, action, details, user_id, changed_at) VALUES (?, ?, ?, ?, ?)",
           {id, action, details, user_id, auth::now_utc()});
}

}  // namespace

std::int64_t create_relationship(db::Connection& db, const RelationshipValues& v, std::optional<std::int64_t> user_id) {
  auto now = auth::now_utc();
  auto r = db.query(
      "INSERT INTO relationships (from_organisation_id, to_organisation_id, kind, start_date, end_date, note, "
      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {v.from_id, v.to_id, v.kind, v.start_date, v.end_date.empty() ? db::Value() : db::Value(v.end_date), v.note, now,
       now});
  auto id = r.rows.at(0).integer(0);
  add_event(db, id, "created", fmt::format("{} depuis le {}", relationship_kind_label(v.kind), v.start_date), user_id);
  return id;
}

void end_relationship(db::Connection& db, const Relationship& r, const std::string& end_date,
                      std::optional<std::int64_t> user_id) {
  db.query("UPDATE relationships SET end_date = ?, updated_at = ? WHERE id = ?", {end_date, auth::now_utc(), r.id});
  add_event(db, r.id, "ended", fmt::format("fin le {}", end_date), user_id);
}

std::optional<Relationship> get_relationship(db::Connection& db, const Scope& scope, std::int64_t id) {
  db::Params params{id};
  auto cond = scope_condition(scope, params, "f.path");
  auto r = db.query(fmt::format("{} WHERE r.id = ? AND {}", kSelect, cond), params);
  if (r.empty()) return std::nullopt;
  return from_row(r.rows[0]);
}

std::vector<RelationshipEvent> relationship_history(db::Connection& db, std::int64_t id) {
  auto r = db.query(
      "SELECT h.action, h.details, COALESCE(u.display_name, ''), h.changed_at FROM relationship_history h "
      "LEFT JOIN users u ON u.id = h.user_id WHERE h.relationship_id = ? ORDER BY h.id",
      {id});
  std::vector<RelationshipEvent> out;
  for (auto& row : r.rows) out.push_back({row.text(0), row.text(1), row.text(2), row.text(3)});
  return out;
}

std::vector<Relationship> list_relationships(db::Connection& db, const Scope& scope,
                                             std::optional<std::int64_t> organisation_id, std::int64_t after_id,
                                             int limit) {
  db::Params params;
  std::string where = " WHERE " + scope_condition(scope, params, "f.path");
  if (organisation_id) {
    where += " AND (r.from_organisation_id = ? OR r.to_organisation_id = ?)";
    params.emplace_back(*organisation_id);
    params.emplace_back(*organisation_id);
  }
  where += " AND r.id > ?";
  params.emplace_back(after_id);
  params.emplace_back(limit);
  auto r = db.query(fmt::format("{}{} ORDER BY r.id LIMIT ?", kSelect, where), params);
  std::vector<Relationship> out;
  for (auto& row : r.rows) out.push_back(from_row(row));
  return out;
}

std::vector<Relationship> list_relationships(db::Connection& db, const Scope& scope, const RelationshipFilter& f) {
  db::Params params;
  std::string where = " WHERE " + scope_condition(scope, params, "f.path");
  if (f.organisation_id) {
    where += " AND (r.from_organisation_id = ? OR r.to_organisation_id = ?)";
    params.emplace_back(*f.organisation_id);
    params.emplace_back(*f.organisation_id);
  }
  if (!f.kind.empty()) {
    where += " AND r.kind = ?";
    params.emplace_back(f.kind);
  }
  if (f.state == "running") {
    where += " AND (r.end_date IS NULL OR r.end_date = '' OR r.end_date >= ?)";
    params.emplace_back(f.today);
  } else if (f.state == "ended") {
    where += " AND r.end_date IS NOT NULL AND r.end_date <> '' AND r.end_date < ?";
    params.emplace_back(f.today);
  }
  for (const auto& word : search_words(f.q)) {
    where += " AND (f.search_text LIKE ? OR t.search_text LIKE ?)";
    params.emplace_back("%" + word + "%");
    params.emplace_back("%" + word + "%");
  }
  where += " AND r.id > ?";
  params.emplace_back(f.after_id);
  params.emplace_back(f.limit);
  auto r = db.query(fmt::format("{}{} ORDER BY r.id LIMIT ?", kSelect, where), params);
  std::vector<Relationship> out;
  for (auto& row : r.rows) out.push_back(from_row(row));
  return out;
}

Diagnostic territorial_diagnostic(db::Connection& db, const Scope& scope, const Territory& t, int year,
                                  const std::string& day, std::vector<Actor>* actors_out) {
  const bool by_department = !t.department.empty();
  const char* column = by_department ? "department" : "region";
  const std::string& code = by_department ? t.department : t.region;
  db::Params params{year, code};
  auto cond = scope_condition(scope, params, "o.path");
  auto rows = db.query(
      fmt::format("SELECT o.id, o.name, o.kind, CASE WHEN EXISTS (SELECT 1 FROM memberships m WHERE m.organisation_id = o.id "
                  "AND m.year = ? AND m.status IN (SELECT code FROM membership_status_rules WHERE is_member = 1)) "
                  "THEN 1 ELSE 0 END FROM organisations o WHERE o.{} = ? AND o.kind NOT IN ('federation', 'delegation') "
                  "AND {} ORDER BY o.sort_name, o.id",
                  column, cond),
      params);
  std::vector<Actor> actors;
  for (auto& r : rows.rows) actors.push_back({r.integer(0), r.text(1), r.text(2), r.integer(3) != 0});
  db::Params lp{code, code, day, day};
  auto links_rows = db.query(
      fmt::format("SELECT r.from_organisation_id, r.to_organisation_id, r.kind, f.kind, t.kind FROM relationships r "
                  "JOIN organisations f ON f.id = r.from_organisation_id JOIN organisations t ON t.id = r.to_organisation_id "
                  "WHERE (f.{0} = ? OR t.{0} = ?) AND r.start_date <= ? AND (r.end_date IS NULL OR r.end_date >= ?)",
                  column),
      lp);
  std::vector<Link> links;
  std::map<std::int64_t, std::string> outside;
  for (auto& r : links_rows.rows) {
    links.push_back({r.integer(0), r.integer(1), r.text(2)});
    outside[r.integer(0)] = r.text(3);
    outside[r.integer(1)] = r.text(4);
  }
  auto d = build_diagnostic(actors, links, outside);
  if (actors_out) *actors_out = std::move(actors);
  return d;
}

}  // namespace passerelle::network
