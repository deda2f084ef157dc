// SQL of funded projects: funders and amounts, activities linked to events,
// deliverables, and the figures of the funder report computed from the rows.
#include <fmt/format.h>

#include <algorithm>

#include "core/auth/auth.hpp"
#include "core/web/text.hpp"
#include "events/store.hpp"
#include "events/work_store.hpp"

namespace passerelle::events {

// working_group_store.cpp
void write_work_history(db::Connection& db, const char* entity, std::int64_t id, const std::string& from,
                        const std::string& to, std::int64_t user_id);
std::vector<Deliverable> deliverables_of(db::Connection& db, const char* owner_column, std::int64_t owner_id);

namespace {

constexpr const char* kProjectColumns =
    "p.id, p.title, p.goal, p.carrier_id, o.name, o.path, p.starts_on, p.ends_on, p.status, p.target_participants, "
    "p.contact_id, COALESCE(c.first_name || ' ' || c.last_name, ''), COALESCE(c.function_title, ''), "
    "COALESCE(c.email, ''), COALESCE(c.phone, ''), p.created_at, p.updated_at, p.sort_title, "
    "(SELECT COALESCE(SUM(f.amount_cents), 0) FROM project_funders f WHERE f.project_id = p.id)";
constexpr const char* kProjectFrom =
    " FROM projects p JOIN organisations o ON o.id = p.carrier_id LEFT JOIN contacts c ON c.id = p.contact_id";

Project project_from_row(const db::Row& r) {
  Project p;
  p.id = r.integer(0);
  p.title = r.text(1);
  p.goal = r.text(2);
  p.carrier_id = r.integer(3);
  p.carrier_name = r.text(4);
  p.carrier_path = r.text(5);
  p.starts_on = r.text(6);
  p.ends_on = r.text(7);
  p.status = r.text(8);
  p.target_participants = r.integer(9);
  p.contact_id = r.opt_integer(10);
  p.contact_name = r.text(11);
  p.contact_function = r.text(12);
  p.contact_email = r.text(13);
  p.contact_phone = r.text(14);
  p.created_at = r.text(15);
  p.updated_at = r.text(16);
  p.funded_cents = r.integer(18);
  return p;
}

bool in_scope(const network::Scope& scope, const std::string& path) {
  return std::any_of(scope.begin(), scope.end(), [&](const std::string& root) { return path.rfind(root, 0) == 0; });
}

std::string search_text(const ProjectValues& v) { return text::fold(v.title + " " + v.goal); }

}  // namespace

std::vector<Project> list_projects(db::Connection& db, const WorkAccess& access, const ProjectFilter& f) {
  db::Params params;
  auto sql = fmt::format("SELECT {}{} WHERE ", kProjectColumns, kProjectFrom) +
             network::scope_condition(access.manage, params, "o.path");
  if (!f.status.empty()) {
    sql += " AND p.status = ?";
    params.push_back(f.status);
  }
  for (const auto& word : network::search_words(f.q)) {
    sql += " AND p.search_text LIKE ?";
    params.push_back("%" + word + "%");
  }
  if (f.after_id > 0) {
    sql += " AND (p.sort_title > ? OR (p.sort_title = ? AND p.id > ?))";
    params.push_back(f.after_title);
    params.push_back(f.after_title);
    params.push_back(f.after_id);
  }
  sql += " ORDER BY p.sort_title, p.id LIMIT ?";
  params.push_back(f.limit);
  std::vector<Project> out;
  for (auto& row : db.query(sql, params).rows) {
    out.push_back(project_from_row(row));
    out.back().managed = true;
  }
  return out;
}

std::optional<Project> get_project(db::Connection& db, const WorkAccess& access, std::int64_t id) {
  db::Params params{id};
  auto sql = fmt::format("SELECT {}{} WHERE p.id = ? AND ", kProjectColumns, kProjectFrom) +
             network::scope_condition(access.manage, params, "o.path");
  auto r = db.query(sql, params);
  if (r.empty()) return std::nullopt;
  auto p = project_from_row(r.rows[0]);
  p.managed = in_scope(access.manage, p.carrier_path);
  for (auto& f : db.query("SELECT f.id, f.organisation_id, o.name, f.amount_cents FROM project_funders f "
                          "JOIN organisations o ON o.id = f.organisation_id WHERE f.project_id = ? ORDER BY f.id",
                          {id})
                     .rows)
    p.funders.push_back({f.integer(0), f.integer(1), id, f.text(2), f.integer(3)});
  auto activities = db.query(
      "SELECT a.id, a.kind, a.title, a.planned_on, a.event_id, COALESCE(e.title, ''), COALESCE(e.starts_at, ''), "
      "e.status, (SELECT COUNT(*) FROM registrations r WHERE r.event_id = a.event_id AND r.status = 'attended') "
      "FROM project_activities a LEFT JOIN events e ON e.id = a.event_id WHERE a.project_id = ? "
      "ORDER BY a.planned_on, a.id",
      {id});
  for (auto& a : activities.rows) {
    auto status = a.opt_text(7);
    p.activities.push_back({a.integer(0), a.text(1), a.text(2), a.text(3), a.opt_integer(4), a.text(5), a.text(6),
                            status.value_or(""), activity_state(status), a.integer(8)});
  }
  p.deliverables = deliverables_of(db, "project_id", id);

  auto& fig = p.figures;
  fig.activities = static_cast<std::int64_t>(p.activities.size());
  for (auto& a : p.activities) {
    fig.activities_done += a.state == "done";
    fig.activities_cancelled += a.state == "cancelled";
  }
  // One person present at several activities counts once; an event linked
  // twice cannot happen (UNIQUE (project_id, event_id)).
  auto people = db.query(
      "SELECT COUNT(DISTINCT r.contact_id), COUNT(*) FROM registrations r WHERE r.status = 'attended' AND r.event_id IN "
      "(SELECT a.event_id FROM project_activities a WHERE a.project_id = ? AND a.event_id IS NOT NULL)",
      {id});
  fig.participants = people.rows[0].integer(0);
  fig.attendances = people.rows[0].integer(1);
  for (auto& f : p.funders) fig.funded_cents += f.amount_cents;
  fig.deliverables = static_cast<std::int64_t>(p.deliverables.size());
  for (auto& d : p.deliverables) fig.deliverables_delivered += d.status == "delivered";
  return p;
}

web::Errors check_project(db::Connection& db, const WorkAccess& access, const ProjectValues& v) {
  auto errors = check_organiser(db, access, v.carrier_id, "carrier_id");
  if (v.contact_id && !network::get_contact(db, access.manage, *v.contact_id))
    errors.push_back({"contact_id", "Contact introuvable dans votre périmètre."});
  return errors;
}

std::int64_t create_project(db::Connection& db, const ProjectValues& v, std::int64_t user_id) {
  auto now = auth::now_utc();
  auto id = db.query("INSERT INTO projects (title, sort_title, goal, carrier_id, starts_on, ends_on, status, "
                     "target_participants, contact_id, search_text, created_at, updated_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                     {v.title, text::fold(v.title), v.goal, v.carrier_id, v.starts_on, v.ends_on, v.status,
                      v.target_participants, v.contact_id, search_text(v), now, now})
                .rows[0]
                .integer(0);
  write_work_history(db, "project", id, "", v.status, user_id);
  return id;
}

void update_project(db::Connection& db, const Project& current, const ProjectValues& v, std::int64_t user_id) {
  db.query("UPDATE projects SET title = ?, sort_title = ?, goal = ?, carrier_id = ?, starts_on = ?, ends_on = ?, "
           "status = ?, target_participants = ?, contact_id = ?, search_text = ?, updated_at = ? WHERE id = ?",
           {v.title, text::fold(v.title), v.goal, v.carrier_id, v.starts_on, v.ends_on, v.status, v.target_participants,
            v.contact_id, search_text(v), auth::now_utc(), current.id});
  if (v.status != current.status) write_work_history(db, "project", current.id, current.status, v.status, user_id);
}

std::optional<std::string> remove_funder(db::Connection& db, std::int64_t project_id, std::int64_t funder_id) {
  auto r = db.query("SELECT o.name FROM project_funders f JOIN organisations o ON o.id = f.organisation_id "
                    "WHERE f.id = ? AND f.project_id = ?",
                    {funder_id, project_id});
  if (r.empty()) return std::nullopt;
  db.query("DELETE FROM project_funders WHERE id = ? AND project_id = ?", {funder_id, project_id});
  return r.rows[0].text(0);
}

std::optional<std::string> remove_activity(db::Connection& db, std::int64_t project_id, std::int64_t activity_id) {
  auto r = db.query("SELECT title FROM project_activities WHERE id = ? AND project_id = ?", {activity_id, project_id});
  if (r.empty()) return std::nullopt;
  db.query("DELETE FROM project_activities WHERE id = ? AND project_id = ?", {activity_id, project_id});
  return r.rows[0].text(0);
}

std::variant<std::int64_t, web::Errors> add_funder(db::Connection& db, const WorkAccess& access, std::int64_t project_id,
                                                   const FunderValues& v) {
  auto o = db.query("SELECT kind, path FROM organisations WHERE id = ?", {v.organisation_id});
  if (o.empty() || (o.rows[0].text(0) != "funder" && !in_scope(access.manage, o.rows[0].text(1))))
    return web::Errors{{"organisation_id", "Financeur introuvable."}};
  if (!db.query("SELECT 1 FROM project_funders WHERE project_id = ? AND organisation_id = ?",
                {project_id, v.organisation_id})
           .empty())
    return web::Errors{{"organisation_id", "Ce financeur figure déjà dans le projet."}};
  return db
      .query("INSERT INTO project_funders (project_id, organisation_id, amount_cents) VALUES (?, ?, ?) RETURNING id",
             {project_id, v.organisation_id, v.amount_cents})
      .rows[0]
      .integer(0);
}

std::optional<Funder> get_funder(db::Connection& db, std::int64_t id) {
  auto r = db.query("SELECT f.id, f.organisation_id, f.project_id, o.name, f.amount_cents FROM project_funders f "
                    "JOIN organisations o ON o.id = f.organisation_id WHERE f.id = ?",
                    {id});
  if (r.empty()) return std::nullopt;
  auto& x = r.rows[0];
  return Funder{x.integer(0), x.integer(1), x.integer(2), x.text(3), x.integer(4)};
}

void update_funder_amount(db::Connection& db, std::int64_t id, std::int64_t amount_cents) {
  db.query("UPDATE project_funders SET amount_cents = ? WHERE id = ?", {amount_cents, id});
}

bool manages_owner(db::Connection& db, const WorkAccess& access, const Deliverable& d) {
  WorkAccess manage_only{access.manage, {}};
  return d.working_group_id ? get_group(db, manage_only, *d.working_group_id).has_value()
                            : get_project(db, manage_only, *d.project_id).has_value();
}

std::variant<std::int64_t, web::Errors> add_activity(db::Connection& db, const WorkAccess& access,
                                                     std::int64_t project_id, const ActivityValues& v) {
  if (v.event_id) {
    if (!get_event(db, EventAccess{access.manage, {}, {}}, *v.event_id))
      return web::Errors{{"event_id", "Événement introuvable parmi ceux que vous organisez."}};
    if (!db.query("SELECT 1 FROM project_activities WHERE project_id = ? AND event_id = ?", {project_id, *v.event_id})
             .empty())
      return web::Errors{{"event_id", "Cet événement est déjà lié à une activité du projet."}};
  }
  return db
      .query("INSERT INTO project_activities (project_id, kind, title, planned_on, event_id) VALUES (?, ?, ?, ?, ?) "
             "RETURNING id",
             {project_id, v.kind, v.title, v.planned_on, v.event_id})
      .rows[0]
      .integer(0);
}

std::vector<std::pair<std::int64_t, std::string>> funder_choices(db::Connection& db, const WorkAccess& access) {
  db::Params params;
  auto sql = "SELECT o.id, o.name FROM organisations o WHERE o.kind = 'funder' OR (o.kind IN ('federation', "
             "'delegation', 'departement', 'other') AND " +
             network::scope_condition(access.manage, params, "o.path") + ") ORDER BY o.sort_name, o.id LIMIT 300";
  std::vector<std::pair<std::int64_t, std::string>> out;
  for (auto& r : db.query(sql, params).rows) out.emplace_back(r.integer(0), r.text(1));
  return out;
}

}  // namespace passerelle::events
