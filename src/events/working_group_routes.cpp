// Pages of working groups (French): the list with search, status filter,
// pagination and CSV/XLSX export; the group page (members, meetings with their
// dates, deliverables) with the staff's forms to add to it; the create/edit form.
// A rejected form comes back with every error next to its field and what was typed.
#include <fmt/format.h>

#include "core/auth/audit.hpp"
#include "core/web/download.hpp"
#include "core/web/input.hpp"
#include "core/web/text.hpp"
#include "events/work_views.hpp"

namespace passerelle::events {
namespace {

using web::Ctx;
using namespace views;

web::Access readers() { return web::Access::roles_in({"admin", "network", "member"}); }
web::Access staff() { return web::Access::roles_in({"admin", "network"}); }

std::string period(const WorkingGroup& g) {
  return g.ends_on ? fmt::format("du {} au {}", day(g.starts_on), day(g.ends_on)) : "depuis le " + day(g.starts_on);
}

GroupFilter filter_from_query(Ctx& ctx) {
  GroupFilter f;
  f.q = ctx.req.query("q");
  f.status = ctx.req.query("statut");
  if (!f.status.empty() && !is_code(kGroupStatuses, f.status)) f.status.clear();
  return f;
}

http::Response export_list(Ctx& ctx, const std::string& format) {
  auto f = filter_from_query(ctx);
  f.limit = 10000;
  std::vector<std::vector<std::string>> rows{
      {"Groupe de travail", "Animé par", "Début", "Fin", "Statut", "Membres", "Réunions"}};
  for (auto& g : list_groups(ctx.db(), work_access(ctx), f))
    rows.push_back({g.title, g.organiser_name, g.starts_on, g.ends_on.value_or(""),
                    std::string(label_of(kGroupStatuses, g.status)), std::to_string(g.member_count),
                    std::to_string(g.meeting_count)});
  return web::download(ctx, "working_group", "Groupes de travail", "groupes-de-travail", format, rows);
}

http::Response list_page(Ctx& ctx) {
  if (auto format = export_format(ctx)) return export_list(ctx, *format);
  auto f = filter_from_query(ctx);
  f.limit = 20;
  auto access = work_access(ctx);
  bool paged = false;
  if (auto after = web::query_id(ctx, "apres")) {
    if (auto g = get_group(ctx.db(), access, *after)) {
      f.after_title = text::fold(g->title);
      f.after_id = g->id;
      paged = true;
    }
  }
  auto items = list_groups(ctx.db(), access, f);
  json::array rows;
  for (auto& g : items)
    rows.push_back(json::object{{"id", g.id},
                                {"title", g.title},
                                {"organiser_name", g.organiser_name},
                                {"period", period(g)},
                                {"status_label", label_of(kGroupStatuses, g.status)},
                                {"members", g.member_count},
                                {"meetings", g.meeting_count}});
  std::string keep;
  for (auto n : {"q", "statut"})
    if (auto v = ctx.req.query(n); !v.empty()) keep += fmt::format("{}{}={}", keep.empty() ? "" : "&", n, http::url_encode(v));
  auto base = "/groupes-de-travail?" + keep + (keep.empty() ? "" : "&");
  json::object data{{"title", "Groupes de travail"},
                    {"items", std::move(rows)},
                    {"empty", items.empty()},
                    {"q", f.q},
                    {"statuses", options(kGroupStatuses, f.status)},
                    {"staff", ctx.user().has_any_role({"admin", "network"})},
                    {"paged", paged},
                    {"first", "/groupes-de-travail" + (keep.empty() ? "" : "?" + keep)},
                    {"csv", base + "format=csv"},
                    {"xlsx", base + "format=xlsx"},
                    {"next", static_cast<int>(items.size()) == f.limit
                                 ? fmt::format("{}apres={}", base, items.back().id)
                                 : std::string()}};
  return web::page(ctx, "events/working_groups", std::move(data));
}

GroupInput input_from_form(Ctx& ctx) {
  return {ctx.form("title"),    ctx.form("description"), ctx.form("organiser_id"),
          ctx.form("starts_on"), ctx.form("ends_on"),     ctx.form("status")};
}

http::Response form_page(Ctx& ctx, const GroupInput& in, std::optional<std::int64_t> id, const web::Errors& errors,
                         int status) {
  auto access = work_access(ctx);
  Values values{{"title", in.title}, {"description", in.description}, {"starts_on", in.starts_on}, {"ends_on", in.ends_on}};
  std::vector<Field> fields{
      {"title", "Intitulé", "text", true},
      {"organiser_id", "Animé par", "select", true, "", options(organisers(ctx, access), in.organiser_id)},
      {"starts_on", "Début", "date", true},
      {"ends_on", "Fin", "date", false, "Vide tant que le groupe se réunit."},
      {"status", "Statut", "select", false, "", options(kGroupStatuses, in.status.empty() ? "active" : in.status)},
      {"description", "Description", "textarea"}};
  json::object data{{"title", id ? "Modifier le groupe de travail" : "Nouveau groupe de travail"},
                    {"action", id ? fmt::format("/groupes-de-travail/{}", *id) : std::string("/groupes-de-travail")},
                    {"cancel", id ? fmt::format("/groupes-de-travail/{}", *id) : std::string("/groupes-de-travail")},
                    {"fields", fields_json(std::move(fields), values, errors)}};
  for (auto& [k, v] : web::errors_json(errors)) data[k] = v;
  return web::page(ctx, "events/work_form", std::move(data), status);
}

WorkingGroup managed_or_404(Ctx& ctx, std::int64_t id) {
  auto g = get_group(ctx.db(), WorkAccess{work_access(ctx).manage, {}}, id);
  if (!g) throw web::NotFound{};
  return *g;
}

// What the staff typed in the page's three forms, kept on an error.
struct Typed {
  Values values;
  std::string member_role = "member", deliverable_kind, deliverable_status = "planned";
  std::string member_org, member_contact, meeting_event;
};

http::Response group_page(Ctx& ctx, std::int64_t id, const Typed& typed, const web::Errors& errors, int status) {
  auto access = work_access(ctx);
  auto g = get_group(ctx.db(), access, id);
  if (!g) throw web::NotFound{};
  json::array members, meetings;
  for (auto& m : g->members)
    members.push_back(json::object{{"member_id", m.id},
                                   {"group_id", g->id},
                                   {"organisation_name", m.organisation_name},
                                   {"contact_name", m.contact_name},
                                   {"role_label", label_of(kMemberRoles, m.role)},
                                   {"joined", day(m.joined_on)}});
  for (auto& m : g->meetings)
    meetings.push_back(json::object{{"group_id", g->id},
                                    {"event_id", m.event_id},
                                    {"title", m.title},
                                    {"kind_label", label_of(kEventKinds, m.kind)},
                                    {"when", when(m.starts_at)},
                                    {"status_label", label_of(kEventStatuses, m.status)}});
  json::object data{{"title", g->title},
                    {"id", g->id},
                    {"description", g->description},
                    {"organiser_name", g->organiser_name},
                    {"period", period(*g)},
                    {"status_label", label_of(kGroupStatuses, g->status)},
                    {"managed", g->managed},
                    {"members", std::move(members)},
                    {"has_members", !g->members.empty()},
                    {"meetings", std::move(meetings)},
                    {"has_meetings", !g->meetings.empty()},
                    {"deliverables", deliverables_json(g->deliverables)},
                    {"has_deliverables", !g->deliverables.empty()}};
  if (g->managed) {
    std::vector<Field> member_fields{
        {"member_organisation_id", "Structure", "select", true, "", options(organisations(ctx, access), typed.member_org)},
        {"member_contact_id", "Contact", "select", false, "La personne qui vient aux réunions.",
         options(contacts(ctx, access), typed.member_contact)},
        {"member_role", "Rôle", "select", false, "", options(kMemberRoles, typed.member_role)},
        {"member_joined_on", "Arrivée dans le groupe", "date", false, "Vide : aujourd'hui."}};
    data["member_fields"] = fields_json(std::move(member_fields), typed.values, errors);
    data["meeting_fields"] = fields_json(
        {{"meeting_event_id", "Événement", "select", true, "Un événement que vous organisez (réunion, atelier…).",
          options(managed_events(ctx, access), typed.meeting_event)}},
        typed.values, errors);
    data["deliverable_fields"] =
        fields_json(deliverable_fields(typed.deliverable_kind, typed.deliverable_status), typed.values, errors);
    data["open_member"] = !typed.member_org.empty() || web::find_error(errors, "member_organisation_id");
    data["open_meeting"] = !typed.meeting_event.empty() || web::find_error(errors, "meeting_event_id");
    data["open_deliverable"] = !typed.deliverable_kind.empty() || web::find_error(errors, "deliverable_title");
  }
  for (auto& [k, v] : web::errors_json(errors)) data[k] = v;
  return web::page(ctx, "events/working_group", std::move(data), status);
}

void flash_and_audit(Ctx& ctx, const char* entity, std::int64_t id, const std::string& detail, const char* message) {
  audit::record(ctx.db(), ctx.user().id, "create", entity, id, detail, ctx.req.remote_addr);
  ctx.flash(message);
}

http::Response add_member_from_form(Ctx& ctx) {
  auto g = managed_or_404(ctx, web::path_id(ctx));
  Typed typed;
  typed.member_org = ctx.form("member_organisation_id");
  typed.member_contact = ctx.form("member_contact_id");
  typed.member_role = ctx.form("member_role");
  typed.values["member_joined_on"] = ctx.form("member_joined_on");
  MemberValues v;
  auto errors = validate_member({typed.member_org, typed.member_contact, typed.member_role, typed.values["member_joined_on"]},
                                auth::now_utc().substr(0, 10), v);
  if (errors.empty()) {
    db::Transaction tx(ctx.db());
    auto out = add_member(ctx.db(), work_access(ctx), g.id, v);
    if (auto* id = std::get_if<std::int64_t>(&out)) {
      flash_and_audit(ctx, "working_group_member", *id, g.title, "Le membre a été ajouté.");
      tx.commit();
      return http::Response::redirect(fmt::format("/groupes-de-travail/{}", g.id));
    }
    errors = std::get<web::Errors>(out);
  }
  return group_page(ctx, g.id, typed, prefixed(errors, "member_"), 422);
}

http::Response add_meeting_from_form(Ctx& ctx) {
  auto g = managed_or_404(ctx, web::path_id(ctx));
  Typed typed;
  typed.meeting_event = ctx.form("meeting_event_id");
  db::Transaction tx(ctx.db());
  auto errors = add_meeting(ctx.db(), work_access(ctx), g.id, typed.meeting_event);
  if (!errors.empty()) return group_page(ctx, g.id, typed, prefixed(errors, "meeting_"), 422);
  flash_and_audit(ctx, "working_group_meeting", g.id, typed.meeting_event, "La réunion a été ajoutée au groupe.");
  tx.commit();
  return http::Response::redirect(fmt::format("/groupes-de-travail/{}", g.id));
}

http::Response add_deliverable_from_form(Ctx& ctx) {
  auto g = managed_or_404(ctx, web::path_id(ctx));
  auto in = deliverable_from_form(ctx);
  Typed typed;
  typed.deliverable_kind = in.kind;
  typed.deliverable_status = in.status;
  typed.values = {{"deliverable_title", in.title},     {"deliverable_dated_on", in.dated_on},
                  {"deliverable_url", in.url},         {"deliverable_file_ref", in.file_ref},
                  {"deliverable_duration", in.duration}};
  DeliverableValues v;
  auto errors = validate_deliverable(in, v);
  if (!errors.empty()) return group_page(ctx, g.id, typed, prefixed(errors, "deliverable_"), 422);
  db::Transaction tx(ctx.db());
  auto id = add_deliverable(ctx.db(), g.id, std::nullopt, v);
  flash_and_audit(ctx, "deliverable", id, v.title, "Le livrable a été ajouté.");
  tx.commit();
  return http::Response::redirect(fmt::format("/groupes-de-travail/{}", g.id));
}

}  // namespace

void register_working_group_routes(web::App& app) {
  app.route("GET", "/groupes-de-travail", readers(), [](Ctx& ctx) { return list_page(ctx); });
  app.route("GET", "/groupes-de-travail/nouveau", staff(),
            [](Ctx& ctx) { return form_page(ctx, {}, std::nullopt, {}, 200); });
  app.route("POST", "/groupes-de-travail", staff(), [](Ctx& ctx) {
    auto in = input_from_form(ctx);
    GroupValues v;
    auto errors = validate_group(in, v);
    if (!web::find_error(errors, "organiser_id")) {
      auto more = check_organiser(ctx.db(), work_access(ctx), v.organiser_id);
      errors.insert(errors.end(), more.begin(), more.end());
    }
    if (!errors.empty()) return form_page(ctx, in, std::nullopt, errors, 422);
    db::Transaction tx(ctx.db());
    auto id = create_group(ctx.db(), v, ctx.user().id);
    audit::record(ctx.db(), ctx.user().id, "create", "working_group", id, v.title, ctx.req.remote_addr);
    tx.commit();
    ctx.flash("Le groupe de travail a été créé.");
    return http::Response::redirect(fmt::format("/groupes-de-travail/{}", id));
  });
  app.route("GET", "/groupes-de-travail/{id}", readers(),
            [](Ctx& ctx) { return group_page(ctx, web::path_id(ctx), {}, {}, 200); });
  app.route("GET", "/groupes-de-travail/{id}/modifier", staff(), [](Ctx& ctx) {
    auto g = managed_or_404(ctx, web::path_id(ctx));
    GroupInput in{g.title, g.description, std::to_string(g.organiser_id), g.starts_on, g.ends_on.value_or(""), g.status};
    return form_page(ctx, in, g.id, {}, 200);
  });
  app.route("POST", "/groupes-de-travail/{id}", staff(), [](Ctx& ctx) {
    auto g = managed_or_404(ctx, web::path_id(ctx));
    auto in = input_from_form(ctx);
    GroupValues v;
    auto errors = validate_group(in, v);
    if (errors.empty() && v.organiser_id != g.organiser_id) errors = check_organiser(ctx.db(), work_access(ctx), v.organiser_id);
    if (!errors.empty()) return form_page(ctx, in, g.id, errors, 422);
    db::Transaction tx(ctx.db());
    update_group(ctx.db(), g, v, ctx.user().id);
    audit::record(ctx.db(), ctx.user().id, "update", "working_group", g.id, v.title, ctx.req.remote_addr);
    tx.commit();
    ctx.flash("Le groupe de travail a été modifié.");
    return http::Response::redirect(fmt::format("/groupes-de-travail/{}", g.id));
  });
  app.route("GET", "/groupes-de-travail/{id}/membres.csv", readers(), [](Ctx& ctx) {
    auto g = get_group(ctx.db(), work_access(ctx), web::path_id(ctx));
    if (!g) throw web::NotFound{};
    std::vector<std::vector<std::string>> rows{{"Structure", "Contact", "Rôle", "Arrivée"}};
    for (auto& m : g->members)
      rows.push_back({m.organisation_name, m.contact_name, std::string(label_of(kMemberRoles, m.role)), m.joined_on});
    return web::download(ctx, "working_group_member", "Membres", fmt::format("membres-groupe-{}", g->id), "csv", rows);
  });
  // Before …/membres: the removal of one member, then of one meeting.
  app.route("POST", "/groupes-de-travail/{id}/membres/{mid}/retirer", staff(), [](Ctx& ctx) {
    auto g = managed_or_404(ctx, web::path_id(ctx));
    auto member = web::path_id(ctx, "mid");
    db::Transaction tx(ctx.db());
    auto name = remove_member(ctx.db(), g.id, member);
    if (!name) throw web::NotFound{};
    audit::record(ctx.db(), ctx.user().id, "delete", "working_group_member", member, fmt::format("{} : {}", g.title, *name),
                  ctx.req.remote_addr);
    tx.commit();
    ctx.flash(fmt::format("{} ne fait plus partie du groupe.", *name));
    return http::Response::redirect(fmt::format("/groupes-de-travail/{}#members", g.id));
  });
  app.route("POST", "/groupes-de-travail/{id}/reunions/{eid}/retirer", staff(), [](Ctx& ctx) {
    auto g = managed_or_404(ctx, web::path_id(ctx));
    db::Transaction tx(ctx.db());
    auto title = remove_meeting(ctx.db(), g.id, web::path_id(ctx, "eid"));
    if (!title) throw web::NotFound{};
    audit::record(ctx.db(), ctx.user().id, "delete", "working_group_meeting", g.id, fmt::format("{} : {}", g.title, *title),
                  ctx.req.remote_addr);
    tx.commit();
    ctx.flash(fmt::format("« {} » n'est plus une réunion du groupe (l'événement est conservé).", *title));
    return http::Response::redirect(fmt::format("/groupes-de-travail/{}#meetings", g.id));
  });
  app.route("POST", "/groupes-de-travail/{id}/membres", staff(), [](Ctx& ctx) { return add_member_from_form(ctx); });
  app.route("POST", "/groupes-de-travail/{id}/reunions", staff(), [](Ctx& ctx) { return add_meeting_from_form(ctx); });
  app.route("POST", "/groupes-de-travail/{id}/livrables", staff(), [](Ctx& ctx) { return add_deliverable_from_form(ctx); });
}

}  // namespace passerelle::events
