// Pages of the directory: organisations (list, detail, tree, forms, import,
// export) and contacts.
#include "network/routes.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "core/auth/audit.hpp"
#include "core/web/download.hpp"
#include "core/web/csv.hpp"
#include "core/web/text.hpp"
#include "core/web/xlsx.hpp"
#include "network/import.hpp"
#include "network/model.hpp"
#include "network/routes_common.hpp"
#include "network/views.hpp"

namespace passerelle::network {
namespace {

using web::Ctx;
namespace json = boost::json;

constexpr int kPageSize = 50;
constexpr std::size_t kMaxImportBytes = 5 * 1024 * 1024;

std::string query_keep(Ctx& ctx, std::initializer_list<const char*> names) {
  std::string out;
  for (auto n : names) {
    auto v = ctx.req.query(n);
    if (v.empty()) continue;
    out += fmt::format("{}{}={}", out.empty() ? "" : "&", n, http::url_encode(v));
  }
  return out;
}

// Lists count at most this many rows: past it the page says "plus de 1 000"
// and the user narrows the search, rather than every page view scanning the
// whole directory.
constexpr std::int64_t kCountCap = 1000;

std::string format_count(std::int64_t n);

std::string format_capped(std::int64_t n, std::int64_t cap) {
  return n > cap ? "plus de " + format_count(cap) : format_count(n);
}

std::string format_count(std::int64_t n) {
  // French thousands separator: a narrow no-break space.
  auto s = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += "\u202f";
    out += s[i];
  }
  return out;
}

OrganisationInput org_input_from_form(Ctx& ctx) {
  OrganisationInput in;
  in.name = ctx.form("name");
  in.kind = ctx.form("kind");
  in.siret = ctx.form("siret");
  in.address = ctx.form("address");
  in.postcode = text::trim(ctx.form("postcode"));
  in.commune = ctx.form("commune");
  in.commune_insee = text::trim(ctx.form("commune_insee"));
  in.department = ctx.form("department");
  in.region = ctx.form("region");
  in.parent_id = ctx.form("parent_id");
  in.email = ctx.form("email");
  in.phone = ctx.form("phone");
  in.website = ctx.form("website");
  return in;
}

json::array parent_options(Ctx& ctx, const std::string& selected, const Organisation* self) {
  json::array out;
  OrgFilter f;
  f.limit = 500;
  bool found = selected.empty();
  for (auto kind : {"federation", "delegation", "plie", "mde", "facilitator"}) {
    f.kind = kind;
    for (auto& o : list_organisations(ctx.db(), write_scope(ctx), f)) {
      if (self && in_subtree(o.path, self->path)) continue;
      auto id = std::to_string(o.id);
      found = found || id == selected;
      out.push_back(json::object{{"id", id}, {"label", o.name + " (" + kind_label(o.kind) + ")"}, {"selected", id == selected}});
    }
  }
  if (!found) {
    try {
      if (auto o = get_organisation(ctx.db(), write_scope(ctx), std::stoll(selected)))
        out.push_back(json::object{{"id", selected}, {"label", o->name}, {"selected", true}});
    } catch (...) {
    }
  }
  return out;
}

http::Response org_form(Ctx& ctx, const OrganisationInput& in, const web::Errors& errors, const Organisation* existing,
                        int status) {
  json::object values{{"name", in.name},         {"siret", in.siret},   {"address", in.address},
                      {"postcode", in.postcode}, {"commune", in.commune}, {"commune_insee", in.commune_insee},
                      {"email", in.email},       {"phone", in.phone},   {"website", in.website}};
  json::object data{{"title", existing ? "Modifier « " + existing->name + " »" : std::string("Nouvelle organisation")},
                    {"values", values},
                    {"kinds", kind_options(in.kind)},
                    {"regions", region_options(in.region)},
                    {"departments", department_options(in.department)},
                    {"parents", parent_options(ctx, in.parent_id, existing)},
                    {"action", existing ? fmt::format("/organisations/{}", existing->id) : std::string("/organisations")},
                    {"cancel", existing ? fmt::format("/organisations/{}", existing->id) : std::string("/organisations")},
                    {"editing", existing != nullptr}};
  auto errs = web::errors_json(errors);
  for (auto& [k, v] : errs) data[k] = v;
  return web::page(ctx, "network/organisation_form", std::move(data), status);
}

http::Response save_org(Ctx& ctx, const Organisation* existing) {
  auto in = org_input_from_form(ctx);
  auto errors = validate_organisation(in);
  auto parent = resolve_parent(ctx, in, existing, errors);
  if (errors.empty()) {
    try {
      db::Transaction tx(ctx.db());
      std::int64_t id;
      if (existing) {
        update_organisation(ctx.db(), *existing, in, parent);
        id = existing->id;
      } else {
        id = create_organisation(ctx.db(), in, parent);
      }
      audit::record(ctx.db(), ctx.user().id, existing ? "update" : "create", "organisation", id, text::trim(in.name),
                    ctx.req.remote_addr);
      tx.commit();
      ctx.flash(existing ? "L'organisation a été mise à jour." : "L'organisation a été créée.");
      return http::Response::redirect(fmt::format("/organisations/{}", id));
    } catch (const db::Error& e) {
      if (!e.constraint()) throw;
      errors.push_back({"siret", "Ce SIRET est déjà enregistré pour une autre organisation."});
    }
  }
  return org_form(ctx, in, errors, existing, 422);
}

json::object list_data(Ctx& ctx) {
  auto filter = org_filter_from_query(ctx, false);
  auto scope = read_scope(ctx);
  auto page = organisation_page(ctx.db(), scope, filter, kCountCap);
  auto& rows = page.items;
  auto total = page.total;
  json::array items;
  for (auto& o : rows) items.push_back(organisation_json(o));
  auto keep = query_keep(ctx, {"q", "type", "region", "departement", "parent", "tri"});
  std::string next;
  if (static_cast<int>(rows.size()) == filter.limit)
    next = fmt::format("/organisations?{}{}apres={}&apres_id={}", keep, keep.empty() ? "" : "&",
                       http::url_encode(sort_key(rows.back(), filter.sort)), rows.back().id);
  std::string parent_name;
  if (filter.within)
    if (auto p = get_organisation(ctx.db(), scope, *filter.within)) parent_name = p->name;
  auto sort = ctx.req.query("tri");
  json::array sorts{json::object{{"code", ""}, {"label", "Nom (A → Z)"}, {"selected", sort.empty()}},
                    json::object{{"code", "-nom"}, {"label", "Nom (Z → A)"}, {"selected", sort == "-nom"}},
                    json::object{{"code", "recent"}, {"label", "Les plus récentes"}, {"selected", sort == "recent"}}};
  return json::object{{"title", "Organisations"},
                      {"items", items},
                      {"count", rows.size()},
                      {"total", format_capped(total, kCountCap)},
                      {"total_plural", total > 1},
                      {"empty", rows.empty()},
                      {"q", ctx.req.query("q")},
                      {"kinds", kind_options(ctx.req.query("type"), true)},
                      {"regions", region_options(ctx.req.query("region"))},
                      {"departments", department_options(ctx.req.query("departement"))},
                      {"sorts", sorts},
                      {"parent", ctx.req.query("parent")},
                      {"parent_name", parent_name},
                      {"next", next},
                      {"paged", filter.after_id > 0},
                      {"first", "/organisations" + (keep.empty() ? "" : "?" + keep)},
                      {"export_query", keep},
                      {"can_write", can_write(ctx)}};
}


// The export follows the list's filters, without pagination.
http::Response export_orgs(Ctx& ctx, const std::string& format) {
  auto filter = org_filter_from_query(ctx, false);
  filter.after_id = 0;
  filter.limit = 1000;
  std::vector<std::vector<std::string>> rows{export_header()};
  auto scope = read_scope(ctx);
  while (true) {
    auto page = list_organisations(ctx.db(), scope, filter);
    for (auto& o : page) rows.push_back(export_row(o));
    if (static_cast<int>(page.size()) < filter.limit) break;
    filter.after_key = sort_key(page.back(), filter.sort);
    filter.after_id = page.back().id;
  }
  return web::download(ctx, "organisation", "Organisations", "organisations", format, rows);
}

// ---- Import -------------------------------------------------------------------

json::array import_parent_options(Ctx& ctx, const std::string& selected) { return parent_options(ctx, selected, nullptr); }

http::Response import_page(Ctx& ctx, const std::string& error, int status) {
  json::object data{{"title", "Importer des organisations"},
                    {"error", error},
                    {"parents", import_parent_options(ctx, ctx.form("parent_id"))},
                    {"header", std::string(kImportHeader)}};
  return web::page(ctx, "network/import", std::move(data), status);
}

std::optional<Organisation> import_default_parent(Ctx& ctx, std::int64_t id) {
  auto p = get_organisation(ctx.db(), write_scope(ctx), id);
  if (!p) throw web::NotFound{};
  return p;
}

http::Response import_report(Ctx& ctx, std::int64_t import_id, const std::string& filename, const ImportPlan& plan,
                             int status) {
  json::array errors;
  for (auto& e : plan.errors)
    errors.push_back(json::object{{"line", e.line}, {"field", e.field.empty() ? "—" : e.field}, {"message", e.message}});
  json::array ignored;
  for (auto& c : plan.ignored_columns) ignored.push_back(json::value(c));
  json::object data{{"title", "Rapport d'import"},
                    {"import_id", import_id},
                    {"filename", filename},
                    {"lines", plan.data_lines},
                    {"valid", plan.valid.size()},
                    {"rejected", plan.rejected_lines()},
                    {"errors", errors},
                    {"has_errors", !plan.errors.empty()},
                    {"has_valid", !plan.valid.empty()},
                    {"ignored", ignored},
                    {"has_ignored", !ignored.empty()}};
  return web::page(ctx, "network/import_report", std::move(data), status);
}

// ---- Contacts -----------------------------------------------------------------

ContactFilter contact_filter_from_query(Ctx& ctx) {
  ContactFilter f;
  f.q = ctx.req.query("q");
  f.limit = kPageSize;
  auto consent = ctx.req.query("consentement");
  if (consent == "oui") f.consent = true;
  if (consent == "non") f.consent = false;
  try {
    if (!ctx.req.query("organisation").empty()) f.organisation_id = std::stoll(ctx.req.query("organisation"));
    if (!ctx.req.query("apres_id").empty()) f.after_id = std::stoll(ctx.req.query("apres_id"));
  } catch (...) {
    throw web::BadRequest{"Les paramètres de la liste sont invalides."};
  }
  f.after_key = ctx.req.query("apres");
  return f;
}

// The export follows the list's filters, without pagination.
http::Response export_contacts(Ctx& ctx, const std::string& format) {
  auto f = contact_filter_from_query(ctx);
  f.after_id = 0;
  f.after_key.clear();
  f.limit = 1000;
  std::vector<std::vector<std::string>> rows{
      {"id", "nom", "prenom", "fonction", "email", "telephone", "consentement_envois", "consentement_le", "organisations"}};
  auto scope = read_scope(ctx);
  while (true) {
    auto page = list_contacts(ctx.db(), scope, f);
    for (auto& c : page) {
      std::string orgs;
      for (auto& o : c.organisations) orgs += (orgs.empty() ? "" : " | ") + o.name;
      rows.push_back({std::to_string(c.id), c.last_name, c.first_name, c.function_title, c.email, c.phone,
                      c.mailing_consent ? "oui" : "non", c.mailing_consent_at.substr(0, 10), orgs});
    }
    if (static_cast<int>(page.size()) < f.limit) break;
    f.after_key = page.back().sort_name;
    f.after_id = page.back().id;
  }
  return web::download(ctx, "contact", "Contacts", "contacts", format, rows);
}

ContactInput contact_input_from_form(Ctx& ctx) {
  ContactInput in;
  in.first_name = ctx.form("first_name");
  in.last_name = ctx.form("last_name");
  in.function_title = ctx.form("function_title");
  in.email = ctx.form("email");
  in.phone = ctx.form("phone");
  in.mailing_consent = ctx.form("mailing_consent") == "1" ? "1" : "";
  for (auto& id : ctx.form_all("organisation_ids"))
    if (!id.empty()) in.organisation_ids.push_back(id);
  return in;
}

http::Response contact_form(Ctx& ctx, const ContactInput& in, const web::Errors& errors, const Contact* existing,
                            int status) {
  // Organisations to pick from: those already chosen plus the caller's
  // delegations and member structures (first 300 by name, or a search).
  json::array orgs;
  std::set<std::string> seen;
  auto scope = write_scope(ctx);
  for (auto& id : in.organisation_ids) {
    try {
      if (auto o = get_organisation(ctx.db(), scope, std::stoll(id))) {
        orgs.push_back(json::object{{"id", std::to_string(o->id)}, {"label", o->name}, {"checked", true}});
        seen.insert(std::to_string(o->id));
      }
    } catch (...) {
    }
  }
  OrgFilter f;
  f.limit = 300;
  f.q = ctx.req.query("recherche");
  for (auto& o : list_organisations(ctx.db(), scope, f))
    if (!seen.contains(std::to_string(o.id)))
      orgs.push_back(json::object{{"id", std::to_string(o.id)}, {"label", o.name + " — " + o.commune}, {"checked", false}});
  json::object values{{"first_name", in.first_name}, {"last_name", in.last_name}, {"function_title", in.function_title},
                      {"email", in.email},           {"phone", in.phone},         {"mailing_consent", in.mailing_consent == "1"}};
  json::object data{{"title", existing ? "Modifier le contact" : std::string("Nouveau contact")},
                    {"values", values},
                    {"organisations", orgs},
                    {"action", existing ? fmt::format("/contacts/{}", existing->id) : std::string("/contacts")},
                    {"cancel", existing ? fmt::format("/contacts/{}", existing->id) : std::string("/contacts")}};
  auto errs = web::errors_json(errors);
  for (auto& [k, v] : errs) data[k] = v;
  return web::page(ctx, "network/contact_form", std::move(data), status);
}

http::Response save_contact(Ctx& ctx, const Contact* existing) {
  auto in = contact_input_from_form(ctx);
  auto errors = validate_contact(in);
  check_contact_organisations(ctx, in, errors);
  if (!errors.empty()) return contact_form(ctx, in, errors, existing, 422);
  db::Transaction tx(ctx.db());
  std::int64_t id;
  if (existing) {
    update_contact(ctx.db(), write_scope(ctx), existing->id, in);
    id = existing->id;
  } else {
    id = create_contact(ctx.db(), in);
  }
  audit::record(ctx.db(), ctx.user().id, existing ? "update" : "create", "contact", id,
                text::trim(in.first_name) + " " + text::trim(in.last_name), ctx.req.remote_addr);
  tx.commit();
  ctx.flash(existing ? "Le contact a été mis à jour." : "Le contact a été créé.");
  return http::Response::redirect(fmt::format("/contacts/{}", id));
}

}  // namespace

void register_routes(web::App& app) {
  auto writers = web::Access::roles_in({"admin", "network"});
  auto readers = web::Access::logged_in();

  app.route("GET", "/organisations", readers, [](Ctx& ctx) { return web::page(ctx, "network/organisations", list_data(ctx)); });
  app.route("GET", "/organisations/export.csv", writers, [](Ctx& ctx) { return export_orgs(ctx, "csv"); });
  app.route("GET", "/organisations/export.xlsx", writers, [](Ctx& ctx) { return export_orgs(ctx, "xlsx"); });
  app.route("GET", "/organisations/nouvelle", writers, [](Ctx& ctx) {
    OrganisationInput in;
    in.parent_id = ctx.req.query("parent");
    return org_form(ctx, in, {}, nullptr, 200);
  });
  app.route("POST", "/organisations", writers, [](Ctx& ctx) { return save_org(ctx, nullptr); });

  app.route("GET", "/organisations/import", writers, [](Ctx& ctx) { return import_page(ctx, "", 200); });
  app.route("POST", "/organisations/import", writers, [](Ctx& ctx) {
    auto upload = ctx.file("file");
    if (!upload || upload->data.empty()) return import_page(ctx, "Choisissez un fichier CSV à importer.", 422);
    if (upload->data.size() > kMaxImportBytes)
      return import_page(ctx, "Le fichier dépasse 5 Mo. Découpez-le en plusieurs fichiers.", 413);
    std::int64_t parent_id = 0;
    try {
      parent_id = std::stoll(ctx.form("parent_id"));
    } catch (...) {
      return import_page(ctx, "Choisissez l'organisation de rattachement par défaut.", 422);
    }
    auto parent = import_default_parent(ctx, parent_id);
    auto plan = plan_organisation_import(ctx.db(), write_scope(ctx), upload->data, parent);
    if (!plan.fatal.empty()) return import_page(ctx, plan.fatal, 422);
    auto filename = text::is_valid_utf8(upload->filename) ? upload->filename.substr(0, 200) : std::string("fichier.csv");
    auto r = ctx.db().query(
        "INSERT INTO imports (user_id, kind, filename, content, default_parent_id, created_at) VALUES (?, 'organisations', ?, ?, ?, ?) RETURNING id",
        {ctx.user().id, filename, db::Blob{upload->data}, parent_id, auth::now_utc()});
    return import_report(ctx, r.rows.at(0).integer(0), filename, plan, 200);
  });
  app.route("POST", "/organisations/import/{id}", writers, [](Ctx& ctx) {
    auto id = path_id(ctx);
    auto r = ctx.db().query(
        "SELECT filename, content, default_parent_id FROM imports WHERE id = ? AND user_id = ? AND finished_at IS NULL",
        {id, ctx.user().id});
    if (r.empty()) throw web::NotFound{};
    auto filename = r.rows[0].text(0);
    auto choice = ctx.form("choice");
    if (choice != "valid") {
      ctx.db().query("UPDATE imports SET finished_at = ?, outcome = 'cancelled' WHERE id = ?", {auth::now_utc(), id});
      ctx.flash("Import annulé : aucune organisation n'a été créée.");
      return http::Response::redirect("/organisations");
    }
    auto parent = import_default_parent(ctx, r.rows[0].integer(2));
    // The file is checked again: the directory may have changed meanwhile.
    auto plan = plan_organisation_import(ctx.db(), write_scope(ctx), r.rows[0].blob(1), parent);
    if (!plan.fatal.empty()) return import_page(ctx, plan.fatal, 422);
    auto count = apply_organisation_import(ctx.db(), write_scope(ctx), plan, parent);
    ctx.db().query("UPDATE imports SET finished_at = ?, outcome = ? WHERE id = ?",
                   {auth::now_utc(), fmt::format("imported:{}", count), id});
    audit::record(ctx.db(), ctx.user().id, "import", "organisation", 0,
                  fmt::format("{} : {} organisations importées, {} lignes rejetées", filename, count, plan.rejected_lines()),
                  ctx.req.remote_addr);
    ctx.flash(fmt::format("{} organisation(s) importée(s) depuis « {} ».", count, filename));
    return http::Response::redirect("/organisations?tri=recent");
  });

  app.route("GET", "/organisations/{id}", readers, [](Ctx& ctx) {
    auto o = get_organisation(ctx.db(), read_scope(ctx), path_id(ctx));
    if (!o) throw web::NotFound{};
    OrgFilter children;
    children.within = o->id;
    children.limit = 51;
    json::array kids;
    for (auto& c : list_organisations(ctx.db(), read_scope(ctx), children))
      if (c.parent_id == o->id) kids.push_back(organisation_json(c));
    json::array contacts;
    for (auto& c : contacts_of_organisation(ctx.db(), o->id)) contacts.push_back(contact_json(c));
    auto data = organisation_json(*o);
    bool parent_visible = o->parent_id && get_organisation(ctx.db(), read_scope(ctx), *o->parent_id).has_value();
    data["title"] = o->name;
    data["children"] = kids;
    data["has_children"] = !kids.empty();
    data["contacts"] = contacts;
    data["has_contacts"] = !contacts.empty();
    data["parent_visible"] = parent_visible;
    data["can_write"] = can_write(ctx) && ctx.user().can_reach(o->path, {"admin", "network"});
    data["created_fr"] = web::french_datetime(o->created_at);
    data["updated_fr"] = web::french_datetime(o->updated_at);
    return web::page(ctx, "network/organisation", std::move(data));
  });
  app.route("GET", "/organisations/{id}/arbre", readers, [](Ctx& ctx) {
    auto o = get_organisation(ctx.db(), read_scope(ctx), path_id(ctx));
    if (!o) throw web::NotFound{};
    // Nested lists built from the path order: depth = number of segments.
    auto nodes = subtree(ctx.db(), *o, 2001);
    bool truncated = nodes.size() > 2000;
    if (truncated) nodes.pop_back();
    auto depth = [](const std::string& p) { return std::count(p.begin(), p.end(), '/') - 1; };
    std::string html;
    auto base = depth(o->path);
    long current = base - 1;
    for (auto& n : nodes) {
      long d = depth(n.path);
      if (d > current) {
        for (long i = current; i < d; ++i) html += "<ul>";
      } else {
        html += "</li>";
        for (long i = d; i < current; ++i) html += "</ul></li>";
      }
      current = d;
      html += fmt::format("<li><a href=\"/organisations/{}\">{}</a> <span class=\"tag\">{}</span>", n.id,
                          web::html_escape(n.name), web::html_escape(kind_label(n.kind)));
    }
    for (long i = base; i <= current; ++i) html += "</li></ul>";
    json::object data{{"title", "Arborescence de " + o->name}, {"name", o->name}, {"id", o->id},
                      {"tree", html},                          {"count", nodes.size()}, {"truncated", truncated}};
    return web::page(ctx, "network/tree", std::move(data));
  });
  app.route("GET", "/organisations/{id}/modifier", writers, [](Ctx& ctx) {
    auto o = get_organisation(ctx.db(), write_scope(ctx), path_id(ctx));
    if (!o) throw web::NotFound{};
    OrganisationInput in{o->name,   o->kind,   o->siret, o->address, o->postcode,
                         o->commune, o->commune_insee, o->department, o->region,
                         o->parent_id ? std::to_string(*o->parent_id) : "", o->email, o->phone, o->website};
    return org_form(ctx, in, {}, &*o, 200);
  });
  app.route("POST", "/organisations/{id}", writers, [](Ctx& ctx) {
    auto o = get_organisation(ctx.db(), write_scope(ctx), path_id(ctx));
    if (!o) throw web::NotFound{};
    return save_org(ctx, &*o);
  });

  // Contacts
  app.route("GET", "/contacts", readers, [](Ctx& ctx) {
    auto f = contact_filter_from_query(ctx);
    auto consent = ctx.req.query("consentement");
    auto scope = read_scope(ctx);
    auto page = contact_page(ctx.db(), scope, f, kCountCap);
    auto& rows = page.items;
    auto total = page.total;
    json::array items;
    for (auto& c : rows) items.push_back(contact_json(c));
    auto keep = query_keep(ctx, {"q", "organisation", "consentement"});
    std::string next;
    if (static_cast<int>(rows.size()) == f.limit)
      next = fmt::format("/contacts?{}{}apres={}&apres_id={}", keep, keep.empty() ? "" : "&",
                         http::url_encode(rows.back().sort_name), rows.back().id);
    json::object data{{"title", "Contacts"}, {"items", items}, {"total", format_capped(total, kCountCap)}, {"empty", rows.empty()},
                      {"q", f.q},           {"next", next},   {"paged", f.after_id > 0},
                      {"first", "/contacts" + (keep.empty() ? "" : "?" + keep)},
                      {"consent_yes", consent == "oui"}, {"consent_no", consent == "non"},
                      {"can_write", can_write(ctx)},
                      {"export_query", keep}};
    return web::page(ctx, "network/contacts", std::move(data));
  });
  app.route("GET", "/contacts/export.csv", writers, [](Ctx& ctx) { return export_contacts(ctx, "csv"); });
  app.route("GET", "/contacts/export.xlsx", writers, [](Ctx& ctx) { return export_contacts(ctx, "xlsx"); });
  app.route("GET", "/contacts/nouveau", writers, [](Ctx& ctx) {
    ContactInput in;
    if (auto org = ctx.req.query("organisation"); !org.empty()) in.organisation_ids.push_back(org);
    return contact_form(ctx, in, {}, nullptr, 200);
  });
  app.route("POST", "/contacts", writers, [](Ctx& ctx) { return save_contact(ctx, nullptr); });
  app.route("GET", "/contacts/{id}", readers, [](Ctx& ctx) {
    auto c = get_contact(ctx.db(), read_scope(ctx), path_id(ctx));
    if (!c) throw web::NotFound{};
    auto data = contact_json(*c);
    data["title"] = c->first_name + " " + c->last_name;
    data["consent_fr"] = c->mailing_consent_at.empty() ? "" : web::french_datetime(c->mailing_consent_at);
    data["can_write"] = can_write(ctx);
    return web::page(ctx, "network/contact", std::move(data));
  });
  app.route("GET", "/contacts/{id}/modifier", writers, [](Ctx& ctx) {
    auto c = get_contact(ctx.db(), write_scope(ctx), path_id(ctx));
    if (!c) throw web::NotFound{};
    ContactInput in{c->first_name, c->last_name, c->function_title, c->email, c->phone, c->mailing_consent ? "1" : "", {}};
    for (auto& o : c->organisations) in.organisation_ids.push_back(std::to_string(o.id));
    return contact_form(ctx, in, {}, &*c, 200);
  });
  app.route("POST", "/contacts/{id}", writers, [](Ctx& ctx) {
    auto c = get_contact(ctx.db(), write_scope(ctx), path_id(ctx));
    if (!c) throw web::NotFound{};
    return save_contact(ctx, &*c);
  });
}

}  // namespace passerelle::network
