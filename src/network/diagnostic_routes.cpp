// Territorial diagnostic and relationships between organisations (seed 002),
// for delegation staff and administrators (403 for other roles; an
// organisation or relationship outside their subtree is 404).
#include "network/diagnostic_routes.hpp"

#include <fmt/format.h>

#include "core/auth/audit.hpp"
#include "core/auth/auth.hpp"
#include "core/web/download.hpp"
#include "core/web/input.hpp"
#include "core/web/text.hpp"
#include "network/diagnostic_store.hpp"
#include "network/membership_routes.hpp"
#include "network/views.hpp"

namespace passerelle::network {
namespace {

using web::Ctx;
namespace json = boost::json;

web::Access staff() { return web::Access::roles_in({"admin", "network"}); }
Scope scope_of(Ctx& ctx) { return ctx.user().scope_roots({"admin", "network"}); }

// The territory of the query: ?departement= (or ?department=) else ?region=; 400 for an unknown code.
std::optional<Territory> territory_from_query(Ctx& ctx, bool api) {
  Territory t;
  t.department = ctx.req.query(api ? "department" : "departement");
  t.region = ctx.req.query("region");
  if (!t.department.empty()) {
    if (!find_department(t.department)) throw web::BadRequest{"Département inconnu."};
    t.region.clear();
    return t;
  }
  if (!t.region.empty()) {
    if (!find_region(t.region)) throw web::BadRequest{"Région inconnue."};
    return t;
  }
  return std::nullopt;
}

std::string territory_name(const Territory& t) {
  if (!t.department.empty()) {
    auto d = find_department(t.department);
    return fmt::format("{} ({})", d->name, d->code);
  }
  return std::string(find_region(t.region)->name);
}

Diagnostic compute(Ctx& ctx, const Territory& t, std::vector<Actor>* actors) {
  auto today = membership_today();
  return territorial_diagnostic(ctx.db(), scope_of(ctx), t, static_cast<int>(today.year()), iso(today), actors);
}

json::object diagnostic_json(const Territory& t, const Diagnostic& d, const std::vector<Actor>& actors) {
  json::array by_kind, matrix, missing, isolated, actor_list;
  for (auto& [k, n] : d.actors_by_kind) by_kind.push_back(json::object{{"kind", k}, {"label", kind_label(k)}, {"count", n}});
  for (auto& [key, n] : d.matrix)
    matrix.push_back(json::object{{"kind", key.first}, {"other_kind", key.second}, {"links", n}});
  for (auto& k : d.missing_kinds) missing.push_back(json::object{{"kind", k}, {"label", kind_label(k)}});
  for (auto& a : d.members_without_prescriber)
    isolated.push_back(json::object{{"id", a.id}, {"name", a.name}, {"kind", a.kind}, {"kind_label", kind_label(a.kind)}});
  for (auto& a : actors)
    actor_list.push_back(json::object{{"id", a.id}, {"name", a.name}, {"kind", a.kind}, {"kind_label", kind_label(a.kind)}, {"member", a.member}});
  return json::object{{"department", t.department.empty() ? json::value(nullptr) : json::value(t.department)},
                      {"region", t.region.empty() ? json::value(nullptr) : json::value(t.region)},
                      {"territory", territory_name(t)},
                      {"actors", actor_list},
                      {"actors_by_kind", by_kind},
                      {"matrix", matrix},
                      {"links", d.links},
                      {"missing_kinds", missing},
                      {"members_without_prescriber", isolated}};
}

http::Response diagnostic_page(Ctx& ctx) {
  auto t = territory_from_query(ctx, false);
  json::object data{{"title", "Diagnostic territorial"},
                    {"departments", department_options(ctx.req.query("departement"))},
                    {"regions", region_options(ctx.req.query("region"))},
                    {"chosen", t.has_value()}};
  if (t) {
    std::vector<Actor> actors;
    auto d = compute(ctx, *t, &actors);
    auto j = diagnostic_json(*t, d, actors);
    for (auto& [k, v] : j) data[k] = v;
    data["title"] = "Diagnostic territorial — " + territory_name(*t);
    // Matrix as table rows: one row per kind, one cell per kind.
    json::array head, rows, chart_labels, chart_values;
    for (auto& k : d.kinds) head.push_back(json::object{{"label", kind_label(k)}});
    for (auto& a : d.kinds) {
      json::array cells;
      for (auto& b : d.kinds) {
        auto it = d.matrix.find({a, b});
        cells.push_back(json::value(it == d.matrix.end() ? 0 : it->second));
      }
      rows.push_back(json::object{{"label", kind_label(a)}, {"cells", cells}});
    }
    for (auto& [k, n] : d.actors_by_kind) {
      chart_labels.push_back(json::string(kind_label(k)));
      chart_values.push_back(json::value(n));
    }
    data["matrix_head"] = head;
    data["matrix_rows"] = rows;
    data["has_matrix"] = !d.kinds.empty();
    data["has_missing"] = !d.missing_kinds.empty();
    data["has_isolated"] = !d.members_without_prescriber.empty();
    data["actor_count"] = actors.size();
    data["chart_labels"] = json::serialize(chart_labels);
    data["chart_values"] = json::serialize(chart_values);
    data["export_query"] = t->department.empty() ? "region=" + t->region : "departement=" + t->department;
  }
  return web::page(ctx, "network/diagnostic", std::move(data));
}

http::Response export_diagnostic(Ctx& ctx, const std::string& format) {
  auto t = territory_from_query(ctx, false);
  if (!t) throw web::BadRequest{"Choisissez un département ou une région."};
  std::vector<Actor> actors;
  auto d = compute(ctx, *t, &actors);
  std::vector<std::vector<std::string>> rows{{"territoire", "rubrique", "type", "type_partenaire", "nombre", "organisation"}};
  auto name = territory_name(*t);
  for (auto& [k, n] : d.actors_by_kind) rows.push_back({name, "acteurs par type", kind_label(k), "", std::to_string(n), ""});
  for (auto& [key, n] : d.matrix)
    rows.push_back({name, "qui travaille avec qui", kind_label(key.first), kind_label(key.second), std::to_string(n), ""});
  for (auto& k : d.missing_kinds) rows.push_back({name, "type absent", kind_label(k), "", "0", ""});
  for (auto& a : d.members_without_prescriber)
    rows.push_back({name, "adhérent sans prescripteur", kind_label(a.kind), "", "", a.name});
  for (auto& a : actors) rows.push_back({name, "acteur", kind_label(a.kind), "", "", a.name});
  return web::download(ctx, "diagnostic", "Diagnostic", "diagnostic-territorial", format, rows);
}

// ---- Relationships ------------------------------------------------------------

json::object relationship_json(const Relationship& r) {
  return json::object{{"id", r.id},
                      {"from_organisation_id", r.from_id},
                      {"from_organisation_name", r.from_name},
                      {"from_organisation_kind", r.from_kind},
                      {"to_organisation_id", r.to_id},
                      {"to_organisation_name", r.to_name},
                      {"to_organisation_kind", r.to_kind},
                      {"kind", r.kind},
                      {"kind_label", relationship_kind_label(r.kind)},
                      {"start_date", r.start_date},
                      {"end_date", r.end_date.empty() ? json::value(nullptr) : json::value(r.end_date)},
                      {"note", r.note},
                      {"created_at", r.created_at}};
}

json::object relationship_detail(Ctx& ctx, const Relationship& r) {
  auto o = relationship_json(r);
  json::array history;
  for (auto& h : relationship_history(ctx.db(), r.id))
    history.push_back(json::object{{"action", h.action},
                                   {"details", h.details},
                                   {"by", h.user_name.empty() ? json::value(nullptr) : json::value(h.user_name)},
                                   {"changed_at", h.changed_at}});
  o["history"] = history;
  return o;
}

void check_ends(Ctx& ctx, const RelationshipValues& v, web::Errors& errors) {
  auto scope = scope_of(ctx);
  if (v.from_id && !web::find_error(errors, "from_organisation_id") && !get_organisation(ctx.db(), scope, v.from_id))
    errors.push_back({"from_organisation_id", "L'organisation choisie est introuvable dans votre périmètre."});
  if (v.to_id && !web::find_error(errors, "to_organisation_id") && !get_organisation(ctx.db(), scope, v.to_id))
    errors.push_back({"to_organisation_id", "L'organisation choisie est introuvable dans votre périmètre."});
}

json::array org_choices(Ctx& ctx, const std::string& selected) {
  json::array out;
  OrgFilter f;
  f.limit = 1000;
  for (auto& o : list_organisations(ctx.db(), scope_of(ctx), f)) {
    auto id = std::to_string(o.id);
    out.push_back(json::object{{"id", id}, {"label", o.name + " (" + kind_label(o.kind) + ")"}, {"selected", id == selected}});
  }
  return out;
}

http::Response relationship_form(Ctx& ctx, const RelationshipInput& in, const web::Errors& errors, int status) {
  json::array kinds;
  for (auto& k : kRelationshipKinds)
    kinds.push_back(json::object{{"code", k.code}, {"label", k.label}, {"selected", k.code == in.kind}});
  json::object data{{"title", "Nouvelle relation entre organisations"},
                    {"from_choices", org_choices(ctx, in.from_organisation_id)},
                    {"to_choices", org_choices(ctx, in.to_organisation_id)},
                    {"kinds", kinds},
                    {"values", json::object{{"start_date", in.start_date}, {"end_date", in.end_date}, {"note", in.note}}}};
  for (auto& [k, v] : web::errors_json(errors)) data[k] = v;
  return web::page(ctx, "network/relationship_form", std::move(data), status);
}

// The relationship page, with the "end" form (typed date and error kept).
http::Response relationship_page(Ctx& ctx, const Relationship& r, const std::string& typed_end, const web::Errors& errors,
                                 int status) {
  auto data = relationship_detail(ctx, r);
  data["title"] = fmt::format("{} — {} de {}", r.from_name, relationship_kind_label(r.kind), r.to_name);
  data["start_fr"] = web::french_date(r.start_date);
  data["end_fr"] = r.end_date.empty() ? "" : web::french_date(r.end_date);
  data["running"] = r.end_date.empty();
  data["typed_end"] = typed_end;
  for (auto& h : data["history"].as_array())
    h.as_object()["when"] = web::french_datetime(std::string(h.as_object()["changed_at"].as_string()));
  for (auto& [k, v] : web::errors_json(errors)) data[k] = v;
  return web::page(ctx, "network/relationship", std::move(data), status);
}

RelationshipFilter relationship_filter(Ctx& ctx) {
  RelationshipFilter f;
  f.q = ctx.req.query("q");
  f.kind = ctx.req.query("type");
  bool known = false;
  for (auto& k : kRelationshipKinds) known = known || k.code == f.kind;
  if (!known) f.kind.clear();
  f.state = ctx.req.query("etat") == "en-cours" ? "running" : ctx.req.query("etat") == "terminees" ? "ended" : "";
  f.today = iso(membership_today());
  f.organisation_id = web::query_id(ctx, "organisation");
  return f;
}

http::Response relationships_page(Ctx& ctx) {
  auto f = relationship_filter(ctx);
  f.limit = 50;
  if (auto after = web::query_id(ctx, "apres")) f.after_id = *after;
  auto rows = list_relationships(ctx.db(), scope_of(ctx), f);
  json::array items, kinds;
  for (auto& r : rows) {
    bool running = r.end_date.empty() || r.end_date >= f.today;
    items.push_back(json::object{{"id", r.id},
                                 {"from_id", r.from_id},
                                 {"from_name", r.from_name},
                                 {"kind_label", relationship_kind_label(r.kind)},
                                 {"to_id", r.to_id},
                                 {"to_name", r.to_name},
                                 {"start_fr", web::french_date(r.start_date)},
                                 {"end_fr", r.end_date.empty() ? "" : web::french_date(r.end_date)},
                                 {"running", running}});
  }
  for (auto& k : kRelationshipKinds)
    kinds.push_back(json::object{{"code", k.code}, {"label", k.label}, {"selected", k.code == f.kind}});
  std::string keep;
  auto add = [&](const char* name, const std::string& value) {
    if (!value.empty()) keep += fmt::format("{}{}={}", keep.empty() ? "" : "&", name, http::url_encode(value));
  };
  add("q", f.q);
  add("type", f.kind);
  add("etat", ctx.req.query("etat"));
  if (f.organisation_id) add("organisation", std::to_string(*f.organisation_id));
  json::object data{{"title", "Relations entre organisations"},
                    {"items", std::move(items)},
                    {"empty", rows.empty()},
                    {"q", f.q},
                    {"kinds", std::move(kinds)},
                    {"running_selected", f.state == "running"},
                    {"ended_selected", f.state == "ended"},
                    {"keep", keep},
                    {"paged", f.after_id > 0},
                    {"first", "/relations" + (keep.empty() ? "" : "?" + keep)},
                    {"next", static_cast<int>(rows.size()) == f.limit
                                 ? fmt::format("/relations?{}{}apres={}", keep, keep.empty() ? "" : "&", rows.back().id)
                                 : ""}};
  return web::page(ctx, "network/relationships", std::move(data));
}

http::Response relationships_export(Ctx& ctx, const std::string& format) {
  auto f = relationship_filter(ctx);
  f.limit = 100000;
  std::vector<std::vector<std::string>> rows{{"id", "organisation", "type", "relation", "organisation liée", "type lié",
                                              "début", "fin", "note"}};
  for (auto& r : list_relationships(ctx.db(), scope_of(ctx), f))
    rows.push_back({std::to_string(r.id), r.from_name, kind_label(r.from_kind), relationship_kind_label(r.kind), r.to_name,
                    kind_label(r.to_kind), web::french_date(r.start_date), r.end_date.empty() ? "" : web::french_date(r.end_date),
                    r.note});
  return web::download(ctx, "relationship", "Relations", "relations", format, rows);
}

}  // namespace

void register_diagnostic_routes(web::App& app) {
  app.route("GET", "/relations", staff(), [](Ctx& ctx) { return relationships_page(ctx); });
  app.route("GET", "/relations/export.csv", staff(), [](Ctx& ctx) { return relationships_export(ctx, "csv"); });
  app.route("GET", "/relations/export.xlsx", staff(), [](Ctx& ctx) { return relationships_export(ctx, "xlsx"); });
  app.route("GET", "/diagnostic", staff(), [](Ctx& ctx) { return diagnostic_page(ctx); });
  app.route("GET", "/diagnostic/export.csv", staff(), [](Ctx& ctx) { return export_diagnostic(ctx, "csv"); });
  app.route("GET", "/diagnostic/export.xlsx", staff(), [](Ctx& ctx) { return export_diagnostic(ctx, "xlsx"); });

  app.route("GET", "/relations/nouvelle", staff(), [](Ctx& ctx) {
    RelationshipInput in;
    in.from_organisation_id = ctx.req.query("organisation");
    return relationship_form(ctx, in, {}, 200);
  });
  app.route("POST", "/relations", staff(), [](Ctx& ctx) {
    RelationshipInput in{ctx.form("from_organisation_id"), ctx.form("to_organisation_id"), ctx.form("kind"),
                         ctx.form("start_date"), ctx.form("end_date"), ctx.form("note")};
    RelationshipValues v;
    auto errors = validate_relationship(in, v);
    check_ends(ctx, v, errors);
    if (!errors.empty()) return relationship_form(ctx, in, errors, 422);
    db::Transaction tx(ctx.db());
    auto id = create_relationship(ctx.db(), v, ctx.user().id);
    audit::record(ctx.db(), ctx.user().id, "create", "relationship", id, v.kind, ctx.req.remote_addr);
    tx.commit();
    ctx.flash("La relation a été enregistrée.");
    return http::Response::redirect(fmt::format("/relations/{}", id));
  });
  app.route("GET", "/relations/{id}", staff(), [](Ctx& ctx) {
    auto r = get_relationship(ctx.db(), scope_of(ctx), web::path_id(ctx));
    if (!r) throw web::NotFound{};
    return relationship_page(ctx, *r, "", {}, 200);
  });
  app.route("POST", "/relations/{id}/fin", staff(), [](Ctx& ctx) {
    auto r = get_relationship(ctx.db(), scope_of(ctx), web::path_id(ctx));
    if (!r) throw web::NotFound{};
    auto typed = ctx.form("end_date");
    auto end = parse_iso_date(text::trim(typed));
    if (!end || iso(*end) < r->start_date)
      return relationship_page(
          ctx, *r, typed,
          {{"end_date", fmt::format("La date de fin doit être une date valide, le {} ou après (début de la relation).",
                                    web::french_date(r->start_date))}},
          422);
    db::Transaction tx(ctx.db());
    end_relationship(ctx.db(), *r, iso(*end), ctx.user().id);
    audit::record(ctx.db(), ctx.user().id, "update", "relationship", r->id, "fin", ctx.req.remote_addr);
    tx.commit();
    ctx.flash("La fin de la relation a été enregistrée.");
    return http::Response::redirect(fmt::format("/relations/{}", r->id));
  });

  // ---- API
  app.route("GET", "/api/v1/diagnostic", staff(), [](Ctx& ctx) {
    auto t = territory_from_query(ctx, true);
    if (!t) throw web::BadRequest{"Indiquez department ou region."};
    std::vector<Actor> actors;
    auto d = compute(ctx, *t, &actors);
    return web::json_response(diagnostic_json(*t, d, actors));
  });
  app.route("GET", "/api/v1/relationships", staff(), [](Ctx& ctx) {
    auto org = web::query_id(ctx, "organisation_id");
    auto after = web::query_id(ctx, "after").value_or(0);
    auto limit = web::query_limit(ctx, 50, 200);
    auto rows = list_relationships(ctx.db(), scope_of(ctx), org, after, limit);
    json::array items;
    for (auto& r : rows) items.push_back(relationship_json(r));
    json::value next = nullptr;
    if (static_cast<int>(rows.size()) == limit) next = std::to_string(rows.back().id);
    return web::json_response(json::object{{"items", items}, {"next", next}});
  });
  app.route("GET", "/api/v1/relationships/{id}", staff(), [](Ctx& ctx) {
    auto r = get_relationship(ctx.db(), scope_of(ctx), web::path_id(ctx));
    if (!r) throw web::NotFound{};
    return web::json_response(relationship_detail(ctx, *r));
  });
  app.route("POST", "/api/v1/relationships", staff(), [](Ctx& ctx) {
    auto body = ctx.json_body();
    web::Errors errors;
    RelationshipInput in{web::json_field(body, "from_organisation_id", errors), web::json_field(body, "to_organisation_id", errors),
                         web::json_field(body, "kind", errors),                 web::json_field(body, "start_date", errors),
                         web::json_field(body, "end_date", errors),             web::json_field(body, "note", errors)};
    RelationshipValues v;
    for (auto& e : validate_relationship(in, v))
      if (!web::find_error(errors, e.field)) errors.push_back(e);
    check_ends(ctx, v, errors);
    if (!errors.empty()) return web::validation_problem(errors);
    db::Transaction tx(ctx.db());
    auto id = create_relationship(ctx.db(), v, ctx.user().id);
    audit::record(ctx.db(), ctx.user().id, "create", "relationship", id, v.kind, ctx.req.remote_addr);
    tx.commit();
    auto res = web::json_response(relationship_detail(ctx, *get_relationship(ctx.db(), scope_of(ctx), id)), 201);
    res.set_header("Location", fmt::format("/api/v1/relationships/{}", id));
    return res;
  });
  app.route("POST", "/api/v1/relationships/{id}/end", staff(), [](Ctx& ctx) {
    auto r = get_relationship(ctx.db(), scope_of(ctx), web::path_id(ctx));
    if (!r) throw web::NotFound{};
    auto body = ctx.json_body();
    web::Errors errors;
    auto raw = web::json_field(body, "end_date", errors);
    auto end = parse_iso_date(text::trim(raw));
    if (errors.empty() && !end) errors.push_back({"end_date", "La date de fin n'est pas une date valide (JJ/MM/AAAA)."});
    else if (end && iso(*end) < r->start_date)
      errors.push_back({"end_date", "La date de fin ne peut pas précéder la date de début."});
    if (!errors.empty()) return web::validation_problem(errors);
    db::Transaction tx(ctx.db());
    end_relationship(ctx.db(), *r, iso(*end), ctx.user().id);
    audit::record(ctx.db(), ctx.user().id, "update", "relationship", r->id, "fin", ctx.req.remote_addr);
    tx.commit();
    return web::json_response(relationship_detail(ctx, *get_relationship(ctx.db(), scope_of(ctx), r->id)));
  });
}

}  // namespace passerelle::network
