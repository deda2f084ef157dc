// Pages of funded projects (French): the list with search, status filter,
// pagination and CSV/XLSX export; the project page (funders and amounts,
// activities planned/done linked to events, participants target/actual and
// how they are counted, deliverables) with the staff's forms; the create/edit
// form; the funder report (XLSX) and the activities as CSV.
#include <fmt/format.h>

#include "core/auth/audit.hpp"
#include "core/web/download.hpp"
#include "core/web/input.hpp"
#include "core/web/text.hpp"
#include "events/work_views.hpp"
#include "network/membership_rules.hpp"

namespace passerelle::events {
namespace {

using web::Ctx;
using namespace views;

web::Access staff() { return web::Access::roles_in({"admin", "network"}); }

std::string period(const Project& p) { return fmt::format("du {} au {}", day(p.starts_on), day(p.ends_on)); }

ProjectFilter filter_from_query(Ctx& ctx) {
  ProjectFilter f;
  f.q = ctx.req.query("q");
  f.status = ctx.req.query("statut");
  if (!f.status.empty() && !is_code(kProjectStatuses, f.status)) f.status.clear();
  return f;
}

http::Response export_list(Ctx& ctx, const std::string& format) {
  auto f = filter_from_query(ctx);
  f.limit = 10000;
  std::vector<std::vector<std::string>> rows{
      {"Projet", "Porteur", "Début", "Fin", "Statut", "Participants visés", "Montant accordé (centimes)"}};
  for (auto& p : list_projects(ctx.db(), work_access(ctx), f))
    rows.push_back({p.title, p.carrier_name, p.starts_on, p.ends_on, std::string(label_of(kProjectStatuses, p.status)),
                    std::to_string(p.target_participants), std::to_string(p.funded_cents)});
  return web::download(ctx, "project", "Projets", "projets", format, rows);
}

http::Response list_page(Ctx& ctx) {
  if (auto format = export_format(ctx)) return export_list(ctx, *format);
  auto f = filter_from_query(ctx);
  f.limit = 20;
  auto access = work_access(ctx);
  bool paged = false;
  if (auto after = web::query_id(ctx, "apres")) {
    if (auto p = get_project(ctx.db(), access, *after)) {
      f.after_title = text::fold(p->title);
      f.after_id = p->id;
      paged = true;
    }
  }
  auto items = list_projects(ctx.db(), access, f);
  json::array rows;
  for (auto& p : items)
    rows.push_back(json::object{{"id", p.id},
                                {"title", p.title},
                                {"carrier_name", p.carrier_name},
                                {"period", period(p)},
                                {"status_label", label_of(kProjectStatuses, p.status)},
                                {"target", p.target_participants},
                                {"funded", network::format_euros(p.funded_cents)}});
  std::string keep;
  for (auto n : {"q", "statut"})
    if (auto v = ctx.req.query(n); !v.empty()) keep += fmt::format("{}{}={}", keep.empty() ? "" : "&", n, http::url_encode(v));
  auto base = "/projets?" + keep + (keep.empty() ? "" : "&");
  json::object data{{"title", "Projets financés"},
                    {"items", std::move(rows)},
                    {"empty", items.empty()},
                    {"q", f.q},
                    {"statuses", options(kProjectStatuses, f.status)},
                    {"paged", paged},
                    {"first", "/projets" + (keep.empty() ? "" : "?" + keep)},
                    {"csv", base + "format=csv"},
                    {"xlsx", base + "format=xlsx"},
                    {"next", static_cast<int>(items.size()) == f.limit ? fmt::format("{}apres={}", base, items.back().id)
                                                                       : std::string()}};
  return web::page(ctx, "events/projects", std::move(data));
}

ProjectInput input_from_form(Ctx& ctx) {
  return {ctx.form("title"),  ctx.form("goal"),   ctx.form("carrier_id"),          ctx.form("starts_on"),
          ctx.form("ends_on"), ctx.form("status"), ctx.form("target_participants"), ctx.form("contact_id")};
}

http::Response form_page(Ctx& ctx, const ProjectInput& in, std::optional<std::int64_t> id, const web::Errors& errors,
                         int status) {
  auto access = work_access(ctx);
  Values values{{"title", in.title},         {"goal", in.goal},
                {"starts_on", in.starts_on}, {"ends_on", in.ends_on},
                {"target_participants", in.target_participants}};
  std::vector<Field> fields{
      {"title", "Intitulé", "text", true},
      {"carrier_id", "Porteur", "select", true, "", options(organisers(ctx, access), in.carrier_id)},
      {"starts_on", "Début", "date", true},
      {"ends_on", "Fin", "date", true},
      {"target_participants", "Participants visés", "number", false, "Nombre de personnes que le projet veut toucher."},
      {"contact_id", "Personne à contacter", "select", false, "", options(contacts(ctx, access), in.contact_id)},
      {"status", "Statut", "select", false, "", options(kProjectStatuses, in.status.empty() ? "planned" : in.status)},
      {"goal", "Objectif", "textarea"}};
  json::object data{{"title", id ? "Modifier le projet" : "Nouveau projet financé"},
                    {"action", id ? fmt::format("/projets/{}", *id) : std::string("/projets")},
                    {"cancel", id ? fmt::format("/projets/{}", *id) : std::string("/projets")},
                    {"fields", fields_json(std::move(fields), values, errors)}};
  for (auto& [k, v] : web::errors_json(errors)) data[k] = v;
  return web::page(ctx, "events/work_form", std::move(data), status);
}

Project project_or_404(Ctx& ctx, std::int64_t id) {
  auto p = get_project(ctx.db(), work_access(ctx), id);
  if (!p) throw web::NotFound{};
  return *p;
}

struct Typed {
  Values values;
  std::string funder_org, activity_kind, activity_event, deliverable_kind, deliverable_status = "planned";
};

http::Response project_page(Ctx& ctx, std::int64_t id, const Typed& typed, const web::Errors& errors, int status) {
  auto access = work_access(ctx);
  auto p = project_or_404(ctx, id);
  const auto& f = p.figures;
  json::array funders, activities;
  for (auto& x : p.funders)
    funders.push_back(json::object{{"id", x.id},
                                   {"project_id", p.id},
                                   {"name", x.name},
                                   {"amount", network::format_euros(x.amount_cents)}});
  for (auto& a : p.activities)
    activities.push_back(json::object{{"activity_id", a.id},
                                      {"project_id", p.id},
                                      {"kind_label", label_of(kActivityKinds, a.kind)},
                                      {"title", a.title},
                                      {"planned", day(a.planned_on)},
                                      {"event_id", a.event_id.value_or(0)},
                                      {"has_event", a.event_id.has_value()},
                                      {"event_title", a.event_title},
                                      {"event_when", a.event_starts_at.empty() ? "" : when(a.event_starts_at)},
                                      {"state", a.state},
                                      {"state_label", label_of(kActivityStates, a.state)},
                                      {"attended", a.attended}});
  json::array by_kind;
  for (auto& k : kActivityKinds) {
    std::int64_t planned = 0, done = 0;
    for (auto& a : p.activities)
      if (a.kind == k.code) {
        ++planned;
        done += a.state == "done";
      }
    if (planned) by_kind.push_back(json::object{{"label", k.label}, {"planned", planned}, {"done", done}});
  }
  json::object data{{"title", p.title},
                    {"id", p.id},
                    {"goal", p.goal},
                    {"carrier_name", p.carrier_name},
                    {"period", period(p)},
                    {"status_label", label_of(kProjectStatuses, p.status)},
                    {"contact_name", p.contact_name},
                    {"contact_function", p.contact_function},
                    {"contact_email", p.contact_email},
                    {"contact_phone", p.contact_phone},
                    {"managed", p.managed},
                    {"funders", std::move(funders)},
                    {"has_funders", !p.funders.empty()},
                    {"funded", network::format_euros(f.funded_cents)},
                    {"activities", std::move(activities)},
                    {"has_activities", !p.activities.empty()},
                    {"by_kind", std::move(by_kind)},
                    {"activities_planned", f.activities},
                    {"activities_done", f.activities_done},
                    {"target", p.target_participants},
                    {"participants", f.participants},
                    {"attendances", f.attendances},
                    {"deliverables", deliverables_json(p.deliverables)},
                    {"has_deliverables", !p.deliverables.empty()},
                    {"deliverables_total", f.deliverables},
                    {"deliverables_delivered", f.deliverables_delivered}};
  if (p.managed) {
    data["funder_fields"] = fields_json(
        {{"funder_organisation_id", "Financeur", "select", true, "", options(funder_choices(ctx.db(), access), typed.funder_org)},
         {"funder_amount", "Montant accordé (€)", "text", true, "En euros : 12 500,00."}},
        typed.values, errors);
    data["activity_fields"] = fields_json(
        {{"activity_kind", "Type", "select", true, "", options(kActivityKinds, typed.activity_kind)},
         {"activity_title", "Intitulé", "text", true},
         {"activity_planned_on", "Date prévue", "date", true},
         {"activity_event_id", "Événement lié", "select", false,
          "L'activité est réalisée quand son événement est terminé ; les présents y sont comptés.",
          options(managed_events(ctx, access), typed.activity_event)}},
        typed.values, errors);
    data["deliverable_fields"] =
        fields_json(deliverable_fields(typed.deliverable_kind, typed.deliverable_status), typed.values, errors);
    data["open_funder"] = !typed.funder_org.empty() || typed.values.contains("funder_amount");
    data["open_activity"] = !typed.activity_kind.empty() || typed.values.contains("activity_title");
    data["open_deliverable"] = !typed.deliverable_kind.empty() || typed.values.contains("deliverable_title");
  }
  for (auto& [k, v] : web::errors_json(errors)) data[k] = v;
  return web::page(ctx, "events/project", std::move(data), status);
}

http::Response redirect_to(const Project& p) { return http::Response::redirect(fmt::format("/projets/{}", p.id)); }

http::Response add_funder_from_form(Ctx& ctx) {
  auto p = project_or_404(ctx, web::path_id(ctx));
  Typed typed;
  typed.funder_org = ctx.form("funder_organisation_id");
  typed.values["funder_amount"] = ctx.form("funder_amount");
  FunderValues v;
  auto errors = validate_funder({typed.funder_org, typed.values["funder_amount"], false}, v);
  if (errors.empty()) {
    db::Transaction tx(ctx.db());
    auto out = add_funder(ctx.db(), work_access(ctx), p.id, v);
    if (auto* id = std::get_if<std::int64_t>(&out)) {
      audit::record(ctx.db(), ctx.user().id, "create", "project_funder", *id,
                    fmt::format("{} : {} centimes", p.title, v.amount_cents), ctx.req.remote_addr);
      tx.commit();
      ctx.flash("Le financeur a été ajouté.");
      return redirect_to(p);
    }
    errors = std::get<web::Errors>(out);
  }
  return project_page(ctx, p.id, typed, prefixed(errors, "funder_"), 422);
}

http::Response add_activity_from_form(Ctx& ctx) {
  auto p = project_or_404(ctx, web::path_id(ctx));
  Typed typed;
  typed.activity_kind = ctx.form("activity_kind");
  typed.activity_event = ctx.form("activity_event_id");
  typed.values["activity_title"] = ctx.form("activity_title");
  typed.values["activity_planned_on"] = ctx.form("activity_planned_on");
  ActivityValues v;
  auto errors = validate_activity(
      {typed.activity_kind, typed.values["activity_title"], typed.values["activity_planned_on"], typed.activity_event}, v);
  if (errors.empty()) {
    db::Transaction tx(ctx.db());
    auto out = add_activity(ctx.db(), work_access(ctx), p.id, v);
    if (auto* id = std::get_if<std::int64_t>(&out)) {
      audit::record(ctx.db(), ctx.user().id, "create", "project_activity", *id, v.title, ctx.req.remote_addr);
      tx.commit();
      ctx.flash("L'activité a été ajoutée.");
      return redirect_to(p);
    }
    errors = std::get<web::Errors>(out);
  }
  return project_page(ctx, p.id, typed, prefixed(errors, "activity_"), 422);
}

http::Response add_deliverable_from_form(Ctx& ctx) {
  auto p = project_or_404(ctx, web::path_id(ctx));
  auto in = deliverable_from_form(ctx);
  Typed typed;
  typed.deliverable_kind = in.kind;
  typed.deliverable_status = in.status;
  typed.values = {{"deliverable_title", in.title}, {"deliverable_dated_on", in.dated_on}, {"deliverable_url", in.url},
                  {"deliverable_file_ref", in.file_ref}, {"deliverable_duration", in.duration}};
  DeliverableValues v;
  auto errors = validate_deliverable(in, v);
  if (!errors.empty()) return project_page(ctx, p.id, typed, prefixed(errors, "deliverable_"), 422);
  db::Transaction tx(ctx.db());
  auto id = add_deliverable(ctx.db(), std::nullopt, p.id, v);
  audit::record(ctx.db(), ctx.user().id, "create", "deliverable", id, v.title, ctx.req.remote_addr);
  tx.commit();
  ctx.flash("Le livrable a été ajouté.");
  return redirect_to(p);
}

}  // namespace

// The report as a download, written to the audit log like every export.
http::Response funder_report_download(Ctx& ctx, const Project& p) {
  audit::record(ctx.db(), ctx.user().id, "export", "project", p.id, "rapport financeurs (xlsx)", ctx.req.remote_addr);
  http::Response res;
  res.body = xlsx::workbook(funder_report(p));
  res.set_header("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  res.set_header("Content-Disposition", fmt::format("attachment; filename=\"rapport-financeurs-projet-{}.xlsx\"", p.id));
  return res;
}

void register_project_routes(web::App& app) {
  app.route("GET", "/projets", staff(), [](Ctx& ctx) { return list_page(ctx); });
  app.route("GET", "/projets/nouveau", staff(), [](Ctx& ctx) { return form_page(ctx, {}, std::nullopt, {}, 200); });
  app.route("POST", "/projets", staff(), [](Ctx& ctx) {
    auto in = input_from_form(ctx);
    ProjectValues v;
    auto errors = validate_project(in, v);
    if (!web::find_error(errors, "carrier_id") && !web::find_error(errors, "contact_id")) {
      auto more = check_project(ctx.db(), work_access(ctx), v);
      errors.insert(errors.end(), more.begin(), more.end());
    }
    if (!errors.empty()) return form_page(ctx, in, std::nullopt, errors, 422);
    db::Transaction tx(ctx.db());
    auto id = create_project(ctx.db(), v, ctx.user().id);
    audit::record(ctx.db(), ctx.user().id, "create", "project", id, v.title, ctx.req.remote_addr);
    tx.commit();
    ctx.flash("Le projet a été créé.");
    return http::Response::redirect(fmt::format("/projets/{}", id));
  });
  app.route("GET", "/projets/{id}", staff(), [](Ctx& ctx) { return project_page(ctx, web::path_id(ctx), {}, {}, 200); });
  app.route("GET", "/projets/{id}/modifier", staff(), [](Ctx& ctx) {
    auto p = project_or_404(ctx, web::path_id(ctx));
    ProjectInput in{p.title,  p.goal,   std::to_string(p.carrier_id),          p.starts_on,
                    p.ends_on, p.status, std::to_string(p.target_participants), p.contact_id ? std::to_string(*p.contact_id) : ""};
    return form_page(ctx, in, p.id, {}, 200);
  });
  app.route("POST", "/projets/{id}", staff(), [](Ctx& ctx) {
    auto p = project_or_404(ctx, web::path_id(ctx));
    auto in = input_from_form(ctx);
    ProjectValues v;
    auto errors = validate_project(in, v);
    if (errors.empty()) errors = check_project(ctx.db(), work_access(ctx), v);
    if (!errors.empty()) return form_page(ctx, in, p.id, errors, 422);
    db::Transaction tx(ctx.db());
    update_project(ctx.db(), p, v, ctx.user().id);
    audit::record(ctx.db(), ctx.user().id, "update", "project", p.id, v.title, ctx.req.remote_addr);
    tx.commit();
    ctx.flash("Le projet a été modifié.");
    return redirect_to(p);
  });
  // Before …/financeurs and …/activites: the removal of one funder, of one activity.
  app.route("POST", "/projets/{id}/financeurs/{fid}/retirer", staff(), [](Ctx& ctx) {
    auto p = project_or_404(ctx, web::path_id(ctx));
    auto funder = web::path_id(ctx, "fid");
    db::Transaction tx(ctx.db());
    auto name = remove_funder(ctx.db(), p.id, funder);
    if (!name) throw web::NotFound{};
    audit::record(ctx.db(), ctx.user().id, "delete", "project_funder", funder, fmt::format("{} : {}", p.title, *name),
                  ctx.req.remote_addr);
    tx.commit();
    ctx.flash(fmt::format("{} ne figure plus parmi les financeurs.", *name));
    return http::Response::redirect(fmt::format("/projets/{}#funders", p.id));
  });
  app.route("POST", "/projets/{id}/activites/{aid}/retirer", staff(), [](Ctx& ctx) {
    auto p = project_or_404(ctx, web::path_id(ctx));
    auto activity = web::path_id(ctx, "aid");
    db::Transaction tx(ctx.db());
    auto title = remove_activity(ctx.db(), p.id, activity);
    if (!title) throw web::NotFound{};
    audit::record(ctx.db(), ctx.user().id, "delete", "project_activity", activity, fmt::format("{} : {}", p.title, *title),
                  ctx.req.remote_addr);
    tx.commit();
    ctx.flash(fmt::format("L'activité « {} » est retirée du projet (son événement est conservé).", *title));
    return http::Response::redirect(fmt::format("/projets/{}#activities", p.id));
  });
  app.route("POST", "/projets/{id}/financeurs", staff(), [](Ctx& ctx) { return add_funder_from_form(ctx); });
  app.route("POST", "/projets/{id}/activites", staff(), [](Ctx& ctx) { return add_activity_from_form(ctx); });
  app.route("POST", "/projets/{id}/livrables", staff(), [](Ctx& ctx) { return add_deliverable_from_form(ctx); });
  app.route("GET", "/projets/{id}/rapport-financeurs.xlsx", staff(),
            [](Ctx& ctx) { return funder_report_download(ctx, project_or_404(ctx, web::path_id(ctx))); });
  app.route("GET", "/projets/{id}/activites.csv", staff(), [](Ctx& ctx) {
    auto p = project_or_404(ctx, web::path_id(ctx));
    std::vector<std::vector<std::string>> rows{{"Type", "Activité", "Date prévue", "Événement", "État", "Présents"}};
    for (auto& a : p.activities)
      rows.push_back({std::string(label_of(kActivityKinds, a.kind)), a.title, a.planned_on, a.event_title,
                      std::string(label_of(kActivityStates, a.state)), std::to_string(a.attended)});
    return web::download(ctx, "project_activity", "Activités", fmt::format("activites-projet-{}", p.id), "csv", rows);
  });
}

}  // namespace passerelle::events
