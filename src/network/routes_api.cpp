// JSON API: /api/v1/organisations and /api/v1/contacts (list, get, create,
// update), errors as problem+json. Described in web/static/openapi.json.
#include <fmt/format.h>

#include "core/auth/audit.hpp"
#include "core/embedded.hpp"
#include "core/web/input.hpp"
#include "core/web/text.hpp"
#include "network/routes.hpp"
#include "network/routes_common.hpp"
#include "network/views.hpp"

namespace passerelle::network {
namespace {

using web::Ctx;
using web::hex;
using web::json_response;
using web::json_field;
namespace json = boost::json;

OrganisationInput org_input(const json::object& body, web::Errors& errors, const Organisation* base) {
  auto b = [&](const char* name, const std::string& current) { return json_field(body, name, errors, base ? current : ""); };
  OrganisationInput in;
  in.name = b("name", base ? base->name : "");
  in.kind = b("kind", base ? base->kind : "");
  in.siret = b("siret", base ? base->siret : "");
  in.address = b("address", base ? base->address : "");
  in.postcode = b("postcode", base ? base->postcode : "");
  in.commune = b("commune", base ? base->commune : "");
  in.commune_insee = b("commune_insee", base ? base->commune_insee : "");
  in.department = b("department", base ? base->department : "");
  in.region = b("region", base ? base->region : "");
  in.parent_id = b("parent_id", base && base->parent_id ? std::to_string(*base->parent_id) : "");
  in.email = b("email", base ? base->email : "");
  in.phone = b("phone", base ? base->phone : "");
  in.website = b("website", base ? base->website : "");
  return in;
}

http::Response save_org(Ctx& ctx, const Organisation* existing, bool merge) {
  auto body = ctx.json_body();
  web::Errors errors;
  auto in = org_input(body, errors, merge ? existing : nullptr);
  for (auto& e : validate_organisation(in)) errors.push_back(e);
  auto parent = resolve_parent(ctx, in, existing, errors);
  if (!errors.empty()) return web::validation_problem(errors);
  std::int64_t id;
  try {
    db::Transaction tx(ctx.db());
    if (existing) {
      update_organisation(ctx.db(), *existing, in, parent);
      id = existing->id;
    } else {
      id = create_organisation(ctx.db(), in, parent);
    }
    audit::record(ctx.db(), ctx.user().id, existing ? "update" : "create", "organisation", id, text::trim(in.name),
                  ctx.req.remote_addr);
    tx.commit();
  } catch (const db::Error& e) {
    if (!e.constraint()) throw;
    return web::validation_problem({{"siret", "Ce SIRET est déjà enregistré pour une autre organisation."}});
  }
  auto saved = get_organisation(ctx.db(), read_scope(ctx), id);
  auto res = json_response(organisation_json(*saved), existing ? 200 : 201);
  if (!existing) res.set_header("Location", fmt::format("/api/v1/organisations/{}", id));
  return res;
}

ContactInput contact_input(const json::object& body, web::Errors& errors, const Contact* base) {
  auto b = [&](const char* name, const std::string& current) { return json_field(body, name, errors, base ? current : ""); };
  ContactInput in;
  in.first_name = b("first_name", base ? base->first_name : "");
  in.last_name = b("last_name", base ? base->last_name : "");
  in.function_title = b("function_title", base ? base->function_title : "");
  in.email = b("email", base ? base->email : "");
  in.phone = b("phone", base ? base->phone : "");
  bool consent = base && base->mailing_consent;
  if (auto it = body.find("mailing_consent"); it != body.end()) {
    if (!it->value().is_bool())
      errors.push_back({"mailing_consent", "Ce champ doit valoir true ou false."});
    else
      consent = it->value().get_bool();
  }
  if (consent) in.mailing_consent = "1";
  if (auto it = body.find("organisation_ids"); it != body.end()) {
    if (!it->value().is_array()) {
      errors.push_back({"organisation_ids", "Ce champ doit être une liste d'identifiants d'organisations."});
    } else {
      for (auto& v : it->value().get_array()) {
        if (v.is_int64()) in.organisation_ids.push_back(std::to_string(v.get_int64()));
        else if (v.is_string()) in.organisation_ids.push_back(std::string(v.get_string()));
        else errors.push_back({"organisation_ids", "Chaque organisation est désignée par son identifiant numérique."});
      }
    }
  } else if (base) {
    for (auto& o : base->organisations) in.organisation_ids.push_back(std::to_string(o.id));
  }
  return in;
}

http::Response save_contact(Ctx& ctx, const Contact* existing, bool merge) {
  auto body = ctx.json_body();
  web::Errors errors;
  auto in = contact_input(body, errors, merge ? existing : nullptr);
  for (auto& e : validate_contact(in)) errors.push_back(e);
  check_contact_organisations(ctx, in, errors);
  if (!errors.empty()) return web::validation_problem(errors);
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
  auto saved = get_contact(ctx.db(), read_scope(ctx), id);
  auto res = json_response(contact_json(*saved), existing ? 200 : 201);
  if (!existing) res.set_header("Location", fmt::format("/api/v1/contacts/{}", id));
  return res;
}

}  // namespace

void register_api_routes(web::App& app) {
  auto writers = web::Access::roles_in({"admin", "network"});
  auto readers = web::Access::logged_in();

  app.route("GET", "/api/v1/openapi.json", web::Access::anyone(), [](Ctx&) {
    for (auto& f : embedded::files())
      if (f.path == "web/static/openapi.json") return http::Response::json(std::string(f.data));
    throw web::NotFound{};
  });

  app.route("GET", "/api/v1/organisations", readers, [](Ctx& ctx) {
    auto filter = org_filter_from_query(ctx, true);
    auto scope = read_scope(ctx);
    auto rows = list_organisations(ctx.db(), scope, filter);
    json::array items;
    for (auto& o : rows) items.push_back(organisation_json(o));
    json::object out{{"items", items}, {"total", count_organisations(ctx.db(), scope, filter)}};
    if (static_cast<int>(rows.size()) == filter.limit)
      out["next"] = fmt::format("{}.{}", rows.back().id, hex(sort_key(rows.back(), filter.sort)));
    else
      out["next"] = nullptr;
    return json_response(out);
  });
  app.route("POST", "/api/v1/organisations", writers, [](Ctx& ctx) { return save_org(ctx, nullptr, false); });
  app.route("GET", "/api/v1/organisations/{id}", readers, [](Ctx& ctx) {
    auto o = get_organisation(ctx.db(), read_scope(ctx), path_id(ctx));
    if (!o) throw web::NotFound{};
    return json_response(organisation_json(*o));
  });
  for (auto method : {"PUT", "PATCH"}) {
    bool merge = std::string_view(method) == "PATCH";
    app.route(method, "/api/v1/organisations/{id}", writers, [merge](Ctx& ctx) {
      auto o = get_organisation(ctx.db(), write_scope(ctx), path_id(ctx));
      if (!o) throw web::NotFound{};
      return save_org(ctx, &*o, merge);
    });
  }

  app.route("GET", "/api/v1/contacts", readers, [](Ctx& ctx) {
    ContactFilter f;
    f.q = ctx.req.query("q");
    try {
      if (!ctx.req.query("organisation_id").empty()) f.organisation_id = std::stoll(ctx.req.query("organisation_id"));
      auto after = ctx.req.query("after");
      if (!after.empty()) {
        auto dot = after.find('.');
        f.after_id = std::stoll(after.substr(0, dot));
        auto h = dot == std::string::npos ? std::string() : after.substr(dot + 1);
        for (std::size_t i = 0; i + 1 < h.size(); i += 2) f.after_key += static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16));
      }
      auto limit = ctx.req.query("limit");
      f.limit = limit.empty() ? 50 : std::clamp(std::stoi(limit), 1, 200);
    } catch (...) {
      throw web::BadRequest{"Les paramètres de la liste sont invalides (nombre attendu)."};
    }
    auto consent = ctx.req.query("mailing_consent");
    if (consent == "true") f.consent = true;
    if (consent == "false") f.consent = false;
    auto scope = read_scope(ctx);
    auto rows = list_contacts(ctx.db(), scope, f);
    json::array items;
    for (auto& c : rows) items.push_back(contact_json(c));
    json::object out{{"items", items}, {"total", count_contacts(ctx.db(), scope, f)}};
    if (static_cast<int>(rows.size()) == f.limit)
      out["next"] = fmt::format("{}.{}", rows.back().id, hex(rows.back().sort_name));
    else
      out["next"] = nullptr;
    return json_response(out);
  });
  app.route("POST", "/api/v1/contacts", writers, [](Ctx& ctx) { return save_contact(ctx, nullptr, false); });
  app.route("GET", "/api/v1/contacts/{id}", readers, [](Ctx& ctx) {
    auto c = get_contact(ctx.db(), read_scope(ctx), path_id(ctx));
    if (!c) throw web::NotFound{};
    return json_response(contact_json(*c));
  });
  for (auto method : {"PUT", "PATCH"}) {
    bool merge = std::string_view(method) == "PATCH";
    app.route(method, "/api/v1/contacts/{id}", writers, [merge](Ctx& ctx) {
      auto c = get_contact(ctx.db(), write_scope(ctx), path_id(ctx));
      if (!c) throw web::NotFound{};
      return save_contact(ctx, &*c, merge);
    });
  }
}

}  // namespace passerelle::network
