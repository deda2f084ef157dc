// API of working groups and funded projects: /api/v1/working-groups (list,
// create, read with members, meetings and deliverables, update; add a member,
// a meeting, a deliverable), /api/v1/projects (list, create, read with funders,
// activities, deliverables and the figures computed from the rows, update; add
// a funder, an activity, a deliverable; the funder report in XLSX) and
// /api/v1/deliverables/{id} (update). Staff (admin, network) manage their
// subtree's; members read the groups they belong to; other roles 403; ids out
// of reach 404. Errors are problem+json with French messages, by field.
#include <fmt/format.h>

#include "core/auth/audit.hpp"
#include "core/web/input.hpp"
#include "core/web/text.hpp"
#include "events/work_routes.hpp"

namespace passerelle::events {
namespace {

using web::Ctx;
using web::json_response;
namespace json = boost::json;

json::value opt(const std::optional<std::int64_t>& v) { return v ? json::value(*v) : json::value(nullptr); }
json::value opt(const std::optional<std::string>& v) { return v ? json::value(*v) : json::value(nullptr); }

json::object deliverable_json(const Deliverable& d) {
  return {{"id", d.id},
          {"working_group_id", opt(d.working_group_id)},
          {"project_id", opt(d.project_id)},
          {"kind", d.kind},
          {"kind_label", label_of(kDeliverableKinds, d.kind)},
          {"title", d.title},
          {"dated_on", opt(d.dated_on)},
          {"url", d.url},
          {"file_ref", d.file_ref},
          {"duration_seconds", opt(d.duration_seconds)},
          {"status", d.status},
          {"status_label", label_of(kDeliverableStatuses, d.status)}};
}

json::array deliverables_json(const std::vector<Deliverable>& items) {
  json::array out;
  for (auto& d : items) out.push_back(deliverable_json(d));
  return out;
}

json::object group_json(const WorkingGroup& g, bool full) {
  json::object o{{"id", g.id},
                 {"title", g.title},
                 {"description", g.description},
                 {"organiser_id", g.organiser_id},
                 {"organiser_name", g.organiser_name},
                 {"starts_on", g.starts_on},
                 {"ends_on", opt(g.ends_on)},
                 {"status", g.status},
                 {"status_label", label_of(kGroupStatuses, g.status)},
                 {"member_count", g.member_count},
                 {"meeting_count", g.meeting_count},
                 {"managed", g.managed}};
  if (full) {
    json::array members, meetings;
    for (auto& m : g.members)
      members.push_back(json::object{{"id", m.id},
                                     {"organisation_id", m.organisation_id},
                                     {"organisation_name", m.organisation_name},
                                     {"contact_id", opt(m.contact_id)},
                                     {"contact_name", m.contact_name},
                                     {"role", m.role},
                                     {"role_label", label_of(kMemberRoles, m.role)},
                                     {"joined_on", m.joined_on}});
    for (auto& m : g.meetings)
      meetings.push_back(json::object{{"event_id", m.event_id},
                                      {"title", m.title},
                                      {"kind", m.kind},
                                      {"starts_at", m.starts_at},
                                      {"ends_at", m.ends_at},
                                      {"status", m.status}});
    o["members"] = std::move(members);
    o["meetings"] = std::move(meetings);
    o["deliverables"] = deliverables_json(g.deliverables);
  }
  return o;
}

json::object project_json(const Project& p, bool full) {
  json::object o{{"id", p.id},
                 {"title", p.title},
                 {"goal", p.goal},
                 {"carrier_id", p.carrier_id},
                 {"carrier_name", p.carrier_name},
                 {"starts_on", p.starts_on},
                 {"ends_on", p.ends_on},
                 {"status", p.status},
                 {"status_label", label_of(kProjectStatuses, p.status)},
                 {"target_participants", p.target_participants},
                 {"contact_id", opt(p.contact_id)},
                 {"contact_name", p.contact_name},
                 {"funded_cents", p.funded_cents}};
  if (full) {
    json::array funders, activities;
    for (auto& f : p.funders)
      funders.push_back(json::object{
          {"id", f.id}, {"organisation_id", f.organisation_id}, {"name", f.name}, {"amount_cents", f.amount_cents}});
    for (auto& a : p.activities)
      activities.push_back(json::object{{"id", a.id},
                                        {"kind", a.kind},
                                        {"kind_label", label_of(kActivityKinds, a.kind)},
                                        {"title", a.title},
                                        {"planned_on", a.planned_on},
                                        {"event_id", opt(a.event_id)},
                                        {"event_title", a.event_title},
                                        {"event_starts_at", a.event_starts_at},
                                        {"state", a.state},
                                        {"attended", a.attended}});
    const auto& f = p.figures;
    o["funders"] = std::move(funders);
    o["activities"] = std::move(activities);
    o["deliverables"] = deliverables_json(p.deliverables);
    o["figures"] = json::object{{"activities_planned", f.activities},
                                {"activities_done", f.activities_done},
                                {"activities_cancelled", f.activities_cancelled},
                                {"participants_target", p.target_participants},
                                {"participants_actual", f.participants},
                                {"attendances", f.attendances},
                                {"funded_cents", f.funded_cents},
                                {"deliverables", f.deliverables},
                                {"deliverables_delivered", f.deliverables_delivered}};
  }
  return o;
}

web::Errors renamed(web::Errors errors, const std::string& from, const std::string& to) {
  for (auto& e : errors)
    if (e.field == from) e.field = to;
  return errors;
}

void append(web::Errors& to, const web::Errors& more) { to.insert(to.end(), more.begin(), more.end()); }

// --- Working groups ------------------------------------------------------------

GroupInput group_input(const json::object& body, web::Errors& errors, const GroupInput& fb = {}) {
  return {web::json_field(body, "title", errors, fb.title),
          web::json_field(body, "description", errors, fb.description),
          web::json_field(body, "organiser_id", errors, fb.organiser_id),
          web::json_field(body, "starts_on", errors, fb.starts_on),
          web::json_field(body, "ends_on", errors, fb.ends_on),
          web::json_field(body, "status", errors, fb.status)};
}

WorkingGroup managed_group_or_404(Ctx& ctx, std::int64_t id) {
  auto g = get_group(ctx.db(), WorkAccess{work_access(ctx).manage, {}}, id);
  if (!g) throw web::NotFound{};
  return *g;
}

http::Response group_response(Ctx& ctx, std::int64_t id, int status) {
  auto g = get_group(ctx.db(), work_access(ctx), id);
  if (!g) throw web::NotFound{};
  return json_response(group_json(*g, true), status);
}

http::Response list_groups_api(Ctx& ctx) {
  GroupFilter f;
  f.q = ctx.req.query("q");
  f.status = ctx.req.query("status");
  if (!f.status.empty() && !is_code(kGroupStatuses, f.status)) throw web::BadRequest{"status : statut inconnu."};
  f.limit = web::query_limit(ctx, 50, 200);
  auto access = work_access(ctx);
  if (auto after = web::query_id(ctx, "after")) {
    auto g = get_group(ctx.db(), access, *after);
    if (!g) throw web::BadRequest{"after : curseur invalide."};
    f.after_title = text::fold(g->title);
    f.after_id = g->id;
  }
  auto items = list_groups(ctx.db(), access, f);
  json::array out;
  for (auto& g : items) out.push_back(group_json(g, false));
  return json_response(json::object{
      {"items", std::move(out)},
      {"next", static_cast<int>(items.size()) == f.limit ? json::value(items.back().id) : json::value(nullptr)}});
}

http::Response create_group_api(Ctx& ctx) {
  auto body = ctx.json_body();
  web::Errors errors;
  auto in = group_input(body, errors);
  GroupValues v;
  append(errors, validate_group(in, v));
  if (errors.empty()) errors = check_organiser(ctx.db(), work_access(ctx), v.organiser_id);
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  auto id = create_group(ctx.db(), v, ctx.user().id);
  audit::record(ctx.db(), ctx.user().id, "create", "working_group", id, v.title);
  tx.commit();
  return group_response(ctx, id, 201);
}

http::Response update_group_api(Ctx& ctx) {
  auto g = managed_group_or_404(ctx, web::path_id(ctx));
  auto body = ctx.json_body();
  web::Errors errors;
  GroupInput current{g.title, g.description, std::to_string(g.organiser_id), g.starts_on, g.ends_on.value_or(""), g.status};
  auto in = group_input(body, errors, current);
  GroupValues v;
  append(errors, validate_group(in, v));
  if (errors.empty() && v.organiser_id != g.organiser_id) errors = check_organiser(ctx.db(), work_access(ctx), v.organiser_id);
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  update_group(ctx.db(), g, v, ctx.user().id);
  audit::record(ctx.db(), ctx.user().id, "update", "working_group", g.id, v.title);
  tx.commit();
  return group_response(ctx, g.id, 200);
}

http::Response add_member_api(Ctx& ctx) {
  auto g = managed_group_or_404(ctx, web::path_id(ctx));
  auto body = ctx.json_body();
  web::Errors errors;
  MemberInput in{web::json_field(body, "organisation_id", errors), web::json_field(body, "contact_id", errors),
                 web::json_field(body, "role", errors), web::json_field(body, "joined_on", errors)};
  MemberValues v;
  append(errors, validate_member(in, auth::now_utc().substr(0, 10), v));
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  auto out = add_member(ctx.db(), work_access(ctx), g.id, v);
  if (auto* e = std::get_if<web::Errors>(&out)) return web::validation_problem(*e);
  audit::record(ctx.db(), ctx.user().id, "create", "working_group_member", std::get<std::int64_t>(out), g.title);
  tx.commit();
  return group_response(ctx, g.id, 201);
}

http::Response add_meeting_api(Ctx& ctx) {
  auto g = managed_group_or_404(ctx, web::path_id(ctx));
  auto body = ctx.json_body();
  web::Errors errors;
  auto event_id = web::json_field(body, "event_id", errors);
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  errors = add_meeting(ctx.db(), work_access(ctx), g.id, event_id);
  if (!errors.empty()) return web::validation_problem(errors);
  audit::record(ctx.db(), ctx.user().id, "create", "working_group_meeting", g.id, event_id);
  tx.commit();
  return group_response(ctx, g.id, 201);
}

// --- Deliverables --------------------------------------------------------------

DeliverableInput deliverable_input(const json::object& body, web::Errors& errors, const DeliverableInput& fb = {}) {
  DeliverableInput in{web::json_field(body, "kind", errors, fb.kind),
                      web::json_field(body, "title", errors, fb.title),
                      web::json_field(body, "dated_on", errors, fb.dated_on),
                      web::json_field(body, "url", errors, fb.url),
                      web::json_field(body, "file_ref", errors, fb.file_ref),
                      fb.duration,
                      web::json_field(body, "status", errors, fb.status)};
  if (body.contains("duration_seconds")) {
    auto& v = body.at("duration_seconds");
    if (v.is_null()) in.duration.clear();
    else if (v.is_int64() && v.as_int64() > 0) in.duration = fmt::format("{}:{:02}", v.as_int64() / 60, v.as_int64() % 60);
    else errors.push_back({"duration_seconds", "La durée est un nombre entier de secondes, positif."});
  }
  return in;
}

http::Response create_deliverable(Ctx& ctx, const json::object& body, std::optional<std::int64_t> group_id,
                                  std::optional<std::int64_t> project_id) {
  web::Errors errors;
  auto in = deliverable_input(body, errors);
  DeliverableValues v;
  append(errors, renamed(validate_deliverable(in, v), "duration", "duration_seconds"));
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  auto id = add_deliverable(ctx.db(), group_id, project_id, v);
  audit::record(ctx.db(), ctx.user().id, "create", "deliverable", id, v.title);
  tx.commit();
  return json_response(deliverable_json(*get_deliverable(ctx.db(), id)), 201);
}

http::Response update_deliverable_api(Ctx& ctx) {
  auto d = get_deliverable(ctx.db(), web::path_id(ctx));
  if (!d) throw web::NotFound{};
  if (!manages_owner(ctx.db(), work_access(ctx), *d)) throw web::NotFound{};
  auto body = ctx.json_body();
  web::Errors errors;
  DeliverableInput current{d->kind, d->title, d->dated_on.value_or(""), d->url, d->file_ref,
                           d->duration_seconds ? fmt::format("{}:{:02}", *d->duration_seconds / 60, *d->duration_seconds % 60) : "",
                           d->status};
  auto in = deliverable_input(body, errors, current);
  DeliverableValues v;
  append(errors, renamed(validate_deliverable(in, v), "duration", "duration_seconds"));
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  update_deliverable(ctx.db(), d->id, v);
  audit::record(ctx.db(), ctx.user().id, "update", "deliverable", d->id, v.title + " : " + v.status);
  tx.commit();
  return json_response(deliverable_json(*get_deliverable(ctx.db(), d->id)));
}

// --- Projects ------------------------------------------------------------------

ProjectInput project_input(const json::object& body, web::Errors& errors, const ProjectInput& fb = {}) {
  return {web::json_field(body, "title", errors, fb.title),
          web::json_field(body, "goal", errors, fb.goal),
          web::json_field(body, "carrier_id", errors, fb.carrier_id),
          web::json_field(body, "starts_on", errors, fb.starts_on),
          web::json_field(body, "ends_on", errors, fb.ends_on),
          web::json_field(body, "status", errors, fb.status),
          web::json_field(body, "target_participants", errors, fb.target_participants),
          web::json_field(body, "contact_id", errors, fb.contact_id)};
}

Project project_or_404(Ctx& ctx, std::int64_t id) {
  auto p = get_project(ctx.db(), work_access(ctx), id);
  if (!p) throw web::NotFound{};
  return *p;
}

http::Response project_response(Ctx& ctx, std::int64_t id, int status) {
  return json_response(project_json(project_or_404(ctx, id), true), status);
}

http::Response list_projects_api(Ctx& ctx) {
  ProjectFilter f;
  f.q = ctx.req.query("q");
  f.status = ctx.req.query("status");
  if (!f.status.empty() && !is_code(kProjectStatuses, f.status)) throw web::BadRequest{"status : statut inconnu."};
  f.limit = web::query_limit(ctx, 50, 200);
  auto access = work_access(ctx);
  if (auto after = web::query_id(ctx, "after")) {
    auto p = get_project(ctx.db(), access, *after);
    if (!p) throw web::BadRequest{"after : curseur invalide."};
    f.after_title = text::fold(p->title);
    f.after_id = p->id;
  }
  auto items = list_projects(ctx.db(), access, f);
  json::array out;
  for (auto& p : items) out.push_back(project_json(p, false));
  return json_response(json::object{
      {"items", std::move(out)},
      {"next", static_cast<int>(items.size()) == f.limit ? json::value(items.back().id) : json::value(nullptr)}});
}

http::Response create_project_api(Ctx& ctx) {
  auto body = ctx.json_body();
  web::Errors errors;
  auto in = project_input(body, errors);
  ProjectValues v;
  append(errors, validate_project(in, v));
  if (errors.empty()) errors = check_project(ctx.db(), work_access(ctx), v);
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  auto id = create_project(ctx.db(), v, ctx.user().id);
  audit::record(ctx.db(), ctx.user().id, "create", "project", id, v.title);
  tx.commit();
  return project_response(ctx, id, 201);
}

http::Response update_project_api(Ctx& ctx) {
  auto p = project_or_404(ctx, web::path_id(ctx));
  auto body = ctx.json_body();
  web::Errors errors;
  ProjectInput current{p.title,  p.goal,   std::to_string(p.carrier_id),          p.starts_on,
                       p.ends_on, p.status, std::to_string(p.target_participants), p.contact_id ? std::to_string(*p.contact_id) : ""};
  auto in = project_input(body, errors, current);
  ProjectValues v;
  append(errors, validate_project(in, v));
  if (errors.empty()) errors = check_project(ctx.db(), work_access(ctx), v);
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  update_project(ctx.db(), p, v, ctx.user().id);
  audit::record(ctx.db(), ctx.user().id, "update", "project", p.id, v.title);
  tx.commit();
  return project_response(ctx, p.id, 200);
}

// DELETE of a row of a group or project: 204, or 404 when it is not one of
// theirs (like a group or project out of reach), audited.
http::Response removed(Ctx& ctx, const std::optional<std::string>& what, const char* entity, std::int64_t id,
                       const std::string& owner) {
  if (!what) throw web::NotFound{};
  audit::record(ctx.db(), ctx.user().id, "delete", entity, id, fmt::format("{} : {}", owner, *what));
  return http::Response{204, {}, {}, {}};
}

http::Response add_funder_api(Ctx& ctx) {
  auto p = project_or_404(ctx, web::path_id(ctx));
  auto body = ctx.json_body();
  web::Errors errors;
  FunderInput in{web::json_field(body, "organisation_id", errors), web::json_field(body, "amount_cents", errors), true};
  FunderValues v;
  append(errors, renamed(validate_funder(in, v), "amount", "amount_cents"));
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  auto out = add_funder(ctx.db(), work_access(ctx), p.id, v);
  if (auto* e = std::get_if<web::Errors>(&out)) return web::validation_problem(*e);
  audit::record(ctx.db(), ctx.user().id, "create", "project_funder", std::get<std::int64_t>(out),
                fmt::format("{} : {} centimes", p.title, v.amount_cents));
  tx.commit();
  return project_response(ctx, p.id, 201);
}

http::Response add_activity_api(Ctx& ctx) {
  auto p = project_or_404(ctx, web::path_id(ctx));
  auto body = ctx.json_body();
  web::Errors errors;
  ActivityInput in{web::json_field(body, "kind", errors), web::json_field(body, "title", errors),
                   web::json_field(body, "planned_on", errors), web::json_field(body, "event_id", errors)};
  ActivityValues v;
  append(errors, validate_activity(in, v));
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  auto out = add_activity(ctx.db(), work_access(ctx), p.id, v);
  if (auto* e = std::get_if<web::Errors>(&out)) return web::validation_problem(*e);
  audit::record(ctx.db(), ctx.user().id, "create", "project_activity", std::get<std::int64_t>(out), v.title);
  tx.commit();
  return project_response(ctx, p.id, 201);
}

// A funder's amount, in cents; the funder must be one of a project the caller manages.
http::Response update_funder_api(Ctx& ctx) {
  auto p = project_or_404(ctx, web::path_id(ctx));
  auto f = get_funder(ctx.db(), web::path_id(ctx, "funder_id"));
  if (!f || f->project_id != p.id) throw web::NotFound{};
  auto body = ctx.json_body();
  web::Errors errors;
  FunderInput in{std::to_string(f->organisation_id), web::json_field(body, "amount_cents", errors), true};
  FunderValues v;
  append(errors, renamed(validate_funder(in, v), "amount", "amount_cents"));
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  update_funder_amount(ctx.db(), f->id, v.amount_cents);
  audit::record(ctx.db(), ctx.user().id, "update", "project_funder", f->id,
                fmt::format("{} : {} → {} centimes", f->name, f->amount_cents, v.amount_cents));
  tx.commit();
  return project_response(ctx, p.id, 200);
}

}  // namespace

void register_work_api_routes(web::App& app) {
  auto readers = web::Access::roles_in({"admin", "network", "member"});
  auto staff = web::Access::roles_in({"admin", "network"});

  app.route("GET", "/api/v1/working-groups", readers, [](Ctx& ctx) { return list_groups_api(ctx); });
  app.route("POST", "/api/v1/working-groups", staff, [](Ctx& ctx) { return create_group_api(ctx); });
  app.route("GET", "/api/v1/working-groups/{id}", readers,
            [](Ctx& ctx) { return group_response(ctx, web::path_id(ctx), 200); });
  app.route("PATCH", "/api/v1/working-groups/{id}", staff, [](Ctx& ctx) { return update_group_api(ctx); });
  app.route("POST", "/api/v1/working-groups/{id}/members", staff, [](Ctx& ctx) { return add_member_api(ctx); });
  app.route("POST", "/api/v1/working-groups/{id}/meetings", staff, [](Ctx& ctx) { return add_meeting_api(ctx); });
  app.route("POST", "/api/v1/working-groups/{id}/deliverables", staff, [](Ctx& ctx) {
    auto g = managed_group_or_404(ctx, web::path_id(ctx));
    return create_deliverable(ctx, ctx.json_body(), g.id, std::nullopt);
  });

  app.route("DELETE", "/api/v1/working-groups/{id}/members/{member_id}", staff, [](Ctx& ctx) {
    auto g = managed_group_or_404(ctx, web::path_id(ctx));
    auto member = web::path_id(ctx, "member_id");
    db::Transaction tx(ctx.db());
    auto res = removed(ctx, remove_member(ctx.db(), g.id, member), "working_group_member", member, g.title);
    tx.commit();
    return res;
  });
  app.route("DELETE", "/api/v1/working-groups/{id}/meetings/{event_id}", staff, [](Ctx& ctx) {
    auto g = managed_group_or_404(ctx, web::path_id(ctx));
    auto event = web::path_id(ctx, "event_id");
    db::Transaction tx(ctx.db());
    auto res = removed(ctx, remove_meeting(ctx.db(), g.id, event), "working_group_meeting", g.id, g.title);
    tx.commit();
    return res;
  });
  app.route("GET", "/api/v1/projects", staff, [](Ctx& ctx) { return list_projects_api(ctx); });
  app.route("POST", "/api/v1/projects", staff, [](Ctx& ctx) { return create_project_api(ctx); });
  app.route("GET", "/api/v1/projects/{id}", staff, [](Ctx& ctx) { return project_response(ctx, web::path_id(ctx), 200); });
  app.route("PATCH", "/api/v1/projects/{id}", staff, [](Ctx& ctx) { return update_project_api(ctx); });
  app.route("POST", "/api/v1/projects/{id}/funders", staff, [](Ctx& ctx) { return add_funder_api(ctx); });
  app.route("PATCH", "/api/v1/projects/{id}/funders/{funder_id}", staff, [](Ctx& ctx) { return update_funder_api(ctx); });
  app.route("DELETE", "/api/v1/projects/{id}/funders/{funder_id}", staff, [](Ctx& ctx) {
    auto p = project_or_404(ctx, web::path_id(ctx));
    auto funder = web::path_id(ctx, "funder_id");
    db::Transaction tx(ctx.db());
    auto res = removed(ctx, remove_funder(ctx.db(), p.id, funder), "project_funder", funder, p.title);
    tx.commit();
    return res;
  });
  app.route("DELETE", "/api/v1/projects/{id}/activities/{activity_id}", staff, [](Ctx& ctx) {
    auto p = project_or_404(ctx, web::path_id(ctx));
    auto activity = web::path_id(ctx, "activity_id");
    db::Transaction tx(ctx.db());
    auto res = removed(ctx, remove_activity(ctx.db(), p.id, activity), "project_activity", activity, p.title);
    tx.commit();
    return res;
  });
  app.route("POST", "/api/v1/projects/{id}/activities", staff, [](Ctx& ctx) { return add_activity_api(ctx); });
  app.route("POST", "/api/v1/projects/{id}/deliverables", staff, [](Ctx& ctx) {
    auto p = project_or_404(ctx, web::path_id(ctx));
    return create_deliverable(ctx, ctx.json_body(), std::nullopt, p.id);
  });
  app.route("GET", "/api/v1/projects/{id}/funder-report", staff,
            [](Ctx& ctx) { return funder_report_download(ctx, project_or_404(ctx, web::path_id(ctx))); });
  app.route("PATCH", "/api/v1/deliverables/{id}", staff, [](Ctx& ctx) { return update_deliverable_api(ctx); });
}

}  // namespace passerelle::events
