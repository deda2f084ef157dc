// SQL of working groups (members, meetings = linked events) and of the
// deliverables of groups and projects.
#include <fmt/format.h>

#include <algorithm>

#include "core/auth/auth.hpp"
#include "core/web/text.hpp"
#include "events/store.hpp"
#include "events/work_store.hpp"

namespace passerelle::events {
namespace {

constexpr const char* kGroupColumns =
    "g.id, g.title, g.description, g.organiser_id, o.name, o.path, g.starts_on, g.ends_on, g.status, g.created_at, "
    "g.updated_at, g.sort_title, (SELECT COUNT(*) FROM working_group_members m WHERE m.working_group_id = g.id), "
    "(SELECT COUNT(*) FROM working_group_meetings wm WHERE wm.working_group_id = g.id)";

WorkingGroup group_from_row(const db::Row& r) {
  WorkingGroup g;
  g.id = r.integer(0);
  g.title = r.text(1);
  g.description = r.text(2);
  g.organiser_id = r.integer(3);
  g.organiser_name = r.text(4);
  g.organiser_path = r.text(5);
  g.starts_on = r.text(6);
  g.ends_on = r.opt_text(7);
  g.status = r.text(8);
  g.created_at = r.text(9);
  g.updated_at = r.text(10);
  g.member_count = r.integer(12);
  g.meeting_count = r.integer(13);
  return g;
}

bool in_scope(const network::Scope& scope, const std::string& path) {
  return std::any_of(scope.begin(), scope.end(), [&](const std::string& root) { return path.rfind(root, 0) == 0; });
}

// "(managed) OR (a member organisation is one of the caller's)", parameters appended.
std::string visibility(const WorkAccess& a, db::Params& params) {
  return "(" + network::scope_condition(a.manage, params, "o.path") +
         " OR EXISTS (SELECT 1 FROM working_group_members vm JOIN organisations mo ON mo.id = vm.organisation_id "
         "WHERE vm.working_group_id = g.id AND " +
         network::scope_condition(a.own, params, "mo.path") + "))";
}

std::string search_text(const GroupValues& v) { return text::fold(v.title + " " + v.description); }

}  // namespace

void write_work_history(db::Connection& db, const char* entity, std::int64_t id, const std::string& from,
                        const std::string& to, std::int64_t user_id) {
  db.query("INSERT INTO work_status_history (entity, entity_id, from_status, to_status, user_id, changed_at) "
           "VALUES (?, ?, ?, ?, ?, ?)",
           {entity, id, from.empty() ? db::Value() : db::Value(from), to,
            user_id > 0 ? db::Value(user_id) : db::Value(), auth::now_utc()});
}

std::vector<Deliverable> deliverables_of(db::Connection& db, const char* owner_column, std::int64_t owner_id) {
  auto rows = db.query(fmt::format("SELECT id, working_group_id, project_id, kind, title, dated_on, url, file_ref, "
                                   "duration_seconds, status FROM deliverables WHERE {} = ? ORDER BY id",
                                   owner_column),
                       {owner_id});
  std::vector<Deliverable> out;
  for (auto& r : rows.rows)
    out.push_back({r.integer(0), r.opt_integer(1), r.opt_integer(2), r.text(3), r.text(4), r.opt_text(5), r.text(6),
                   r.text(7), r.opt_integer(8), r.text(9)});
  return out;
}

std::vector<WorkingGroup> list_groups(db::Connection& db, const WorkAccess& access, const GroupFilter& f) {
  db::Params params;
  auto sql = fmt::format("SELECT {} FROM working_groups g JOIN organisations o ON o.id = g.organiser_id WHERE ",
                         kGroupColumns) +
             visibility(access, params);
  if (!f.status.empty()) {
    sql += " AND g.status = ?";
    params.push_back(f.status);
  }
  for (const auto& word : network::search_words(f.q)) {
    sql += " AND g.search_text LIKE ?";
    params.push_back("%" + word + "%");
  }
  if (f.after_id > 0) {
    sql += " AND (g.sort_title > ? OR (g.sort_title = ? AND g.id > ?))";
    params.push_back(f.after_title);
    params.push_back(f.after_title);
    params.push_back(f.after_id);
  }
  sql += " ORDER BY g.sort_title, g.id LIMIT ?";
  params.push_back(f.limit);
  std::vector<WorkingGroup> out;
  for (auto& row : db.query(sql, params).rows) {
    out.push_back(group_from_row(row));
    out.back().managed = in_scope(access.manage, out.back().organiser_path);
  }
  return out;
}

std::optional<WorkingGroup> get_group(db::Connection& db, const WorkAccess& access, std::int64_t id) {
  db::Params params{id};
  auto sql = fmt::format("SELECT {} FROM working_groups g JOIN organisations o ON o.id = g.organiser_id "
                         "WHERE g.id = ? AND ",
                         kGroupColumns) +
             visibility(access, params);
  auto r = db.query(sql, params);
  if (r.empty()) return std::nullopt;
  auto g = group_from_row(r.rows[0]);
  g.managed = in_scope(access.manage, g.organiser_path);
  auto members = db.query(
      "SELECT m.id, m.organisation_id, o.name, m.contact_id, COALESCE(c.first_name || ' ' || c.last_name, ''), m.role, "
      "m.joined_on FROM working_group_members m JOIN organisations o ON o.id = m.organisation_id "
      "LEFT JOIN contacts c ON c.id = m.contact_id WHERE m.working_group_id = ? "
      "ORDER BY CASE m.role WHEN 'pilot' THEN 0 ELSE 1 END, o.sort_name, m.id",
      {id});
  for (auto& m : members.rows)
    g.members.push_back({m.integer(0), m.integer(1), m.text(2), m.opt_integer(3), m.text(4), m.text(5), m.text(6)});
  auto meetings = db.query(
      "SELECT e.id, e.title, e.kind, e.starts_at, e.ends_at, e.status FROM working_group_meetings wm "
      "JOIN events e ON e.id = wm.event_id WHERE wm.working_group_id = ? ORDER BY e.starts_at, e.id",
      {id});
  for (auto& m : meetings.rows)
    g.meetings.push_back({m.integer(0), m.text(1), m.text(2), m.text(3), m.text(4), m.text(5)});
  g.deliverables = deliverables_of(db, "working_group_id", id);
  return g;
}

web::Errors check_organiser(db::Connection& db, const WorkAccess& access, std::int64_t organisation_id,
                            const char* field) {
  auto o = network::get_organisation(db, access.manage, organisation_id);
  if (!o || (o->kind != "delegation" && o->kind != "federation"))
    return {{field, "Choisissez une délégation ou la fédération de votre périmètre."}};
  return {};
}

std::int64_t create_group(db::Connection& db, const GroupValues& v, std::int64_t user_id) {
  auto now = auth::now_utc();
  auto id = db.query("INSERT INTO working_groups (title, sort_title, description, organiser_id, starts_on, ends_on, "
                     "status, search_text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                     {v.title, text::fold(v.title), v.description, v.organiser_id, v.starts_on, v.ends_on, v.status,
                      search_text(v), now, now})
                .rows[0]
                .integer(0);
  write_work_history(db, "working_group", id, "", v.status, user_id);
  return id;
}

void update_group(db::Connection& db, const WorkingGroup& current, const GroupValues& v, std::int64_t user_id) {
  db.query("UPDATE working_groups SET title = ?, sort_title = ?, description = ?, organiser_id = ?, starts_on = ?, "
           "ends_on = ?, status = ?, search_text = ?, updated_at = ? WHERE id = ?",
           {v.title, text::fold(v.title), v.description, v.organiser_id, v.starts_on, v.ends_on, v.status,
            search_text(v), auth::now_utc(), current.id});
  if (v.status != current.status) write_work_history(db, "working_group", current.id, current.status, v.status, user_id);
}

std::variant<std::int64_t, web::Errors> add_member(db::Connection& db, const WorkAccess& access, std::int64_t group_id,
                                                   const MemberValues& v) {
  web::Errors errors;
  if (!network::get_organisation(db, access.manage, v.organisation_id))
    errors.push_back({"organisation_id", "Structure introuvable dans votre périmètre."});
  else if (!db.query("SELECT 1 FROM working_group_members WHERE working_group_id = ? AND organisation_id = ?",
                     {group_id, v.organisation_id})
                .empty())
    errors.push_back({"organisation_id", "Cette structure est déjà membre du groupe."});
  if (v.contact_id && db.query("SELECT 1 FROM contact_organisations WHERE contact_id = ? AND organisation_id = ?",
                               {*v.contact_id, v.organisation_id})
                          .empty())
    errors.push_back({"contact_id", "Ce contact ne fait pas partie de la structure choisie."});
  if (!errors.empty()) return errors;
  return db
      .query("INSERT INTO working_group_members (working_group_id, organisation_id, contact_id, role, joined_on) "
             "VALUES (?, ?, ?, ?, ?) RETURNING id",
             {group_id, v.organisation_id, v.contact_id, v.role, v.joined_on})
      .rows[0]
      .integer(0);
}

web::Errors add_meeting(db::Connection& db, const WorkAccess& access, std::int64_t group_id, const std::string& event_id) {
  auto id = text::trim(event_id);
  std::optional<std::int64_t> eid;
  if (!id.empty() && id.size() < 16 && id.find_first_not_of("0123456789") == std::string::npos) eid = std::stoll(id);
  if (!eid || !get_event(db, EventAccess{access.manage, {}, {}}, *eid))
    return {{"event_id", "Événement introuvable parmi ceux que vous organisez."}};
  if (!db.query("SELECT 1 FROM working_group_meetings WHERE working_group_id = ? AND event_id = ?", {group_id, *eid})
           .empty())
    return {{"event_id", "Cet événement est déjà une réunion du groupe."}};
  db.query("INSERT INTO working_group_meetings (working_group_id, event_id) VALUES (?, ?)", {group_id, *eid});
  return {};
}

std::optional<std::string> remove_member(db::Connection& db, std::int64_t group_id, std::int64_t member_id) {
  auto r = db.query("SELECT o.name FROM working_group_members m JOIN organisations o ON o.id = m.organisation_id "
                    "WHERE m.id = ? AND m.working_group_id = ?",
                    {member_id, group_id});
  if (r.empty()) return std::nullopt;
  db.query("DELETE FROM working_group_members WHERE id = ? AND working_group_id = ?", {member_id, group_id});
  return r.rows[0].text(0);
}

std::optional<std::string> remove_meeting(db::Connection& db, std::int64_t group_id, std::int64_t event_id) {
  auto r = db.query("SELECT e.title FROM working_group_meetings m JOIN events e ON e.id = m.event_id "
                    "WHERE m.working_group_id = ? AND m.event_id = ?",
                    {group_id, event_id});
  if (r.empty()) return std::nullopt;
  db.query("DELETE FROM working_group_meetings WHERE working_group_id = ? AND event_id = ?", {group_id, event_id});
  return r.rows[0].text(0);
}

std::int64_t add_deliverable(db::Connection& db, std::optional<std::int64_t> group_id,
                             std::optional<std::int64_t> project_id, const DeliverableValues& v) {
  auto now = auth::now_utc();
  return db
      .query("INSERT INTO deliverables (working_group_id, project_id, kind, title, dated_on, url, file_ref, "
             "duration_seconds, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
             {group_id, project_id, v.kind, v.title, v.dated_on, v.url, v.file_ref, v.duration_seconds, v.status, now,
              now})
      .rows[0]
      .integer(0);
}

std::optional<Deliverable> get_deliverable(db::Connection& db, std::int64_t id) {
  auto r = db.query("SELECT id, working_group_id, project_id, kind, title, dated_on, url, file_ref, duration_seconds, "
                    "status FROM deliverables WHERE id = ?",
                    {id});
  if (r.empty()) return std::nullopt;
  auto& x = r.rows[0];
  return Deliverable{x.integer(0), x.opt_integer(1), x.opt_integer(2), x.text(3), x.text(4),
                     x.opt_text(5),  x.text(6),        x.text(7),        x.opt_integer(8), x.text(9)};
}

void update_deliverable(db::Connection& db, std::int64_t id, const DeliverableValues& v) {
  db.query("UPDATE deliverables SET kind = ?, title = ?, dated_on = ?, url = ?, file_ref = ?, duration_seconds = ?, "
           "status = ?, updated_at = ? WHERE id = ?",
           {v.kind, v.title, v.dated_on, v.url, v.file_ref, v.duration_seconds, v.status, auth::now_utc(), id});
}

}  // namespace passerelle::events
