// Shared by the pages and API of working groups and projects.
#include <fmt/format.h>

#include "events/rules.hpp"
#include "events/work_views.hpp"

namespace passerelle::events {

WorkAccess work_access(web::Ctx& ctx) {
  return {ctx.user().scope_roots({"admin", "network"}), ctx.user().scope_roots({"admin", "network", "member"})};
}

void register_work_routes(web::App& app) {
  register_working_group_routes(app);
  register_project_routes(app);
  register_work_edit_routes(app);
  register_work_api_routes(app);
}

namespace views {

json::array fields_json(std::vector<Field> fields, const Values& values, const web::Errors& errors) {
  json::array out;
  for (auto& f : fields) {
    json::object o{{"name", f.name}, {"label", f.label}, {"type", f.type}, {"required", f.required}};
    auto it = values.find(f.name);
    o["value"] = it == values.end() ? "" : it->second;
    std::string described;
    if (!f.hint.empty()) {
      o["hint"] = f.hint;
      described = "h-" + f.name;
    }
    if (auto* e = web::find_error(errors, f.name)) {
      o["error"] = e->message;
      described += (described.empty() ? "" : " ") + std::string("e-") + f.name;
    }
    if (!described.empty()) o["described"] = described;
    if (f.type == "select") {
      o["select"] = true;
      o["options"] = std::move(f.options);
    } else if (f.type == "textarea") {
      o["textarea"] = true;
    } else {
      o["input"] = true;
    }
    out.push_back(std::move(o));
  }
  return out;
}

json::array options(const std::vector<std::pair<std::int64_t, std::string>>& rows, const std::string& selected) {
  json::array out;
  for (auto& [id, label] : rows) {
    auto code = std::to_string(id);
    out.push_back(json::object{{"code", code}, {"label", label}, {"selected", code == selected}});
  }
  return out;
}

web::Errors prefixed(const web::Errors& errors, const std::string& prefix) {
  web::Errors out;
  for (auto& e : errors) out.push_back({prefix + e.field, e.message});
  return out;
}

namespace {
std::vector<std::pair<std::int64_t, std::string>> pairs(web::Ctx& ctx, const std::string& sql, const db::Params& params) {
  std::vector<std::pair<std::int64_t, std::string>> out;
  for (auto& r : ctx.db().query(sql, params).rows) out.emplace_back(r.integer(0), r.text(1));
  return out;
}
}  // namespace

std::vector<std::pair<std::int64_t, std::string>> organisers(web::Ctx& ctx, const WorkAccess& access) {
  db::Params params;
  auto sql = "SELECT o.id, o.name FROM organisations o WHERE o.kind IN ('federation', 'delegation') AND " +
             network::scope_condition(access.manage, params, "o.path") + " ORDER BY o.path";
  return pairs(ctx, sql, params);
}

std::vector<std::pair<std::int64_t, std::string>> managed_events(web::Ctx& ctx, const WorkAccess& access) {
  db::Params params;
  auto sql = "SELECT e.id, e.title, e.starts_at FROM events e JOIN organisations o ON o.id = e.organiser_id WHERE " +
             network::scope_condition(access.manage, params, "o.path") + " ORDER BY e.starts_at DESC, e.id LIMIT 300";
  std::vector<std::pair<std::int64_t, std::string>> out;
  for (auto& r : ctx.db().query(sql, params).rows)
    out.emplace_back(r.integer(0), fmt::format("{} — {}", web::french_date(utc_to_paris(r.text(2)).substr(0, 10)), r.text(1)));
  return out;
}

std::vector<std::pair<std::int64_t, std::string>> organisations(web::Ctx& ctx, const WorkAccess& access) {
  db::Params params;
  auto sql = "SELECT o.id, o.name FROM organisations o WHERE " +
             network::scope_condition(access.manage, params, "o.path") + " ORDER BY o.sort_name, o.id LIMIT 500";
  return pairs(ctx, sql, params);
}

std::vector<std::pair<std::int64_t, std::string>> contacts(web::Ctx& ctx, const WorkAccess& access) {
  db::Params params;
  auto sql = "SELECT DISTINCT c.id, c.first_name || ' ' || c.last_name || ' (' || o.name || ')', c.sort_name "
             "FROM contacts c JOIN contact_organisations co ON co.contact_id = c.id "
             "JOIN organisations o ON o.id = co.organisation_id WHERE " +
             network::scope_condition(access.manage, params, "o.path") + " ORDER BY c.sort_name, c.id LIMIT 500";
  return pairs(ctx, sql, params);
}

std::string when(const std::string& utc) {
  auto local = utc_to_paris(utc);  // "2021-12-08T09:30"
  if (local.size() < 16) return "";
  int hour = std::stoi(local.substr(11, 2));
  auto minutes = local.substr(14, 2);
  return fmt::format("{}, {} h{}", french_long_date(local.substr(0, 10)), hour, minutes == "00" ? "" : " " + minutes);
}

std::string day(const std::optional<std::string>& iso) { return iso ? french_long_date(*iso) : ""; }

json::array deliverables_json(const std::vector<Deliverable>& items) {
  json::array out;
  for (auto& d : items)
    out.push_back(json::object{{"id", d.id},
                               {"title", d.title},
                               {"kind_label", label_of(kDeliverableKinds, d.kind)},
                               {"date", day(d.dated_on)},
                               {"duration", d.duration_seconds ? format_duration(*d.duration_seconds) : ""},
                               {"status", d.status},
                               {"status_label", label_of(kDeliverableStatuses, d.status)},
                               {"url", d.url},
                               {"file_ref", d.file_ref}});
  return out;
}

std::vector<Field> deliverable_fields(const std::string& kind, const std::string& status) {
  return {{"deliverable_kind", "Type", "select", true, "", options(kDeliverableKinds, kind)},
          {"deliverable_title", "Titre", "text", true},
          {"deliverable_dated_on", "Date (prévue ou de remise)", "date"},
          {"deliverable_status", "Statut", "select", false, "", options(kDeliverableStatuses, status)},
          {"deliverable_url", "Lien", "url", false, "Adresse de la vidéo ou du document (https://…)."},
          {"deliverable_file_ref", "Référence du fichier", "text"},
          {"deliverable_duration", "Durée (vidéos)", "text", false, "En minutes, ou minutes:secondes (3:20)."}};
}

DeliverableInput deliverable_from_form(web::Ctx& ctx) {
  return {ctx.form("deliverable_kind"),     ctx.form("deliverable_title"), ctx.form("deliverable_dated_on"),
          ctx.form("deliverable_url"),      ctx.form("deliverable_file_ref"), ctx.form("deliverable_duration"),
          ctx.form("deliverable_status")};
}

std::optional<std::string> export_format(web::Ctx& ctx) {
  auto f = ctx.req.query("format");
  if (f == "csv" || f == "xlsx") return f;
  return std::nullopt;
}

}  // namespace views
}  // namespace passerelle::events
