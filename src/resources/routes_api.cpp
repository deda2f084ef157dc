// API of the resource library: /api/v1/resources (list with search `q`,
// filters and keyset pagination; one resource; create, update and publish by
// staff; files upload and download). Anonymous callers see public published
// resources only; a resource the caller may not read answers 404.
#include <fmt/format.h>

#include "core/web/input.hpp"
#include "resources/routes.hpp"

namespace passerelle::resources {
namespace {

using web::Ctx;
using web::json_response;
namespace json = boost::json;

web::Access staff() { return web::Access::roles_in({"admin", "network"}); }

json::object resource_json(const Resource& r, bool full) {
  json::array themes;
  for (auto& t : r.themes) themes.push_back(json::string(t));
  json::object o{{"id", r.id},
                 {"kind", r.kind},
                 {"kind_label", label_of(kKinds, r.kind)},
                 {"title", r.title},
                 {"summary", r.summary},
                 {"video_url", r.video_url},
                 {"audience", r.audience},
                 {"audience_label", label_of(kAudiences, r.audience)},
                 {"region", r.region},
                 {"pedagogical", r.pedagogical},
                 {"topic", r.topic.empty() ? json::value(nullptr) : json::value(r.topic)},
                 {"status", r.status},
                 {"published_on", r.published_on},
                 {"author_organisation_id", r.author_organisation_id},
                 {"author_organisation_name", r.author_name},
                 {"themes", std::move(themes)},
                 {"updated_at", r.updated_at}};
  if (r.score) o["score"] = r.score;
  if (full) {
    o["body_markdown"] = r.body;
    o["body_html"] = render_markdown(r.body);
  }
  return o;
}

json::object full_json(Ctx& ctx, const Resource& r) {
  auto o = resource_json(r, true);
  json::array files;
  for (auto& f : files_of(ctx.db(), r.id))
    files.push_back(json::object{{"id", f.id},
                                 {"filename", f.filename},
                                 {"content_type", f.content_type},
                                 {"size", f.size},
                                 {"sha256", f.sha256},
                                 {"url", fmt::format("/api/v1/resources/{}/files/{}", r.id, f.id)}});
  o["files"] = std::move(files);
  return o;
}

http::Response list_api(Ctx& ctx) {
  auto f = filter_from_query(ctx, true);
  f.limit = web::query_limit(ctx, 20, 100);
  auto items = list_resources(ctx.db(), reader_of(ctx), f);
  bool ranked = !f.q.empty();
  json::array out;
  for (auto& r : items) out.push_back(resource_json(r, false));
  json::object res{{"items", std::move(out)}};
  res["next"] = static_cast<int>(items.size()) == f.limit
                    ? json::value(json::string(format_cursor(cursor_of(items.back(), ranked))))
                    : json::value(nullptr);
  return json_response(res);
}

ResourceInput input_from_json(const json::object& body, web::Errors& errors, const ResourceInput& base) {
  ResourceInput in;
  in.kind = web::json_field(body, "kind", errors, base.kind);
  in.title = web::json_field(body, "title", errors, base.title);
  in.summary = web::json_field(body, "summary", errors, base.summary);
  in.body = web::json_field(body, "body_markdown", errors, base.body);
  in.video_url = web::json_field(body, "video_url", errors, base.video_url);
  in.audience = web::json_field(body, "audience", errors, base.audience);
  in.region = web::json_field(body, "region", errors, base.region);
  in.pedagogical = web::json_flag(body, "pedagogical", errors, base.pedagogical);
  in.topic = web::json_field(body, "topic", errors, base.topic);
  in.published_on = web::json_field(body, "published_on", errors, base.published_on);
  in.author_organisation_id = web::json_field(body, "author_organisation_id", errors, base.author_organisation_id);
  in.themes = base.themes;
  if (auto* t = body.if_contains("themes")) {
    in.themes.clear();
    if (t->is_array()) {
      for (auto& x : t->as_array()) {
        if (!x.is_string()) {
          errors.push_back({"themes", "Les thèmes sont une liste de textes."});
          break;
        }
        in.themes += std::string(x.as_string()) + ",";
      }
    } else if (t->is_string()) {
      in.themes = std::string(t->as_string());
    } else if (!t->is_null()) {
      errors.push_back({"themes", "Les thèmes sont une liste de textes."});
    }
  }
  return in;
}

ResourceInput input_of(const Resource& r) {
  std::string themes;
  for (auto& t : r.themes) themes += t + ",";
  return {r.kind, r.title, r.summary, r.body, r.video_url, r.audience, r.region, r.pedagogical ? "1" : "0",
          r.topic, r.published_on, themes, std::to_string(r.author_organisation_id)};
}

http::Response save_api(Ctx& ctx, std::optional<std::int64_t> id) {
  ResourceInput base;
  if (id) base = input_of(managed_or_404(ctx, *id));
  auto body = ctx.json_body();
  web::Errors errors;
  auto in = input_from_json(body, errors, base);
  if (!id && in.author_organisation_id.empty()) {
    auto authors = author_choices(ctx);
    if (!authors.empty()) in.author_organisation_id = std::to_string(authors[0].first);
  }
  if (!id && in.audience.empty()) in.audience = "members";
  if (!id && in.published_on.empty()) in.published_on = auth::now_utc().substr(0, 10);
  auto publish = web::json_flag(body, "publish", errors, "0") == "1";
  if (!errors.empty()) return web::validation_problem(errors);
  std::int64_t saved = 0;
  errors = save_resource(ctx, in, id, publish, std::nullopt, saved);
  if (!errors.empty()) return web::validation_problem(errors);
  return json_response(full_json(ctx, resource_or_404(ctx, saved)), id ? 200 : 201);
}

}  // namespace

void register_api_routes(web::App& app) {
  app.route("GET", "/api/v1/resources", web::Access::anyone(), [](Ctx& ctx) { return list_api(ctx); });
  app.route("POST", "/api/v1/resources", staff(), [](Ctx& ctx) { return save_api(ctx, std::nullopt); });
  app.route("GET", "/api/v1/resources/{id}", web::Access::anyone(),
            [](Ctx& ctx) { return json_response(full_json(ctx, resource_or_404(ctx, web::path_id(ctx)))); });
  app.route("PUT", "/api/v1/resources/{id}", staff(), [](Ctx& ctx) { return save_api(ctx, web::path_id(ctx)); });
  app.route("POST", "/api/v1/resources/{id}/publish", staff(), [](Ctx& ctx) {
    auto r = managed_or_404(ctx, web::path_id(ctx));
    change_status(ctx, r, "published");
    return json_response(full_json(ctx, resource_or_404(ctx, r.id)));
  });
  app.route("POST", "/api/v1/resources/{id}/archive", staff(), [](Ctx& ctx) {
    auto r = managed_or_404(ctx, web::path_id(ctx));
    change_status(ctx, r, "archived");
    return json_response(full_json(ctx, resource_or_404(ctx, r.id)));
  });
  // The file's bytes as the body, its name in ?filename= (like the hotline's attachments).
  app.route("POST", "/api/v1/resources/{id}/files", staff(), [](Ctx& ctx) {
    auto r = managed_or_404(ctx, web::path_id(ctx));
    auto errors = attach_file(ctx, r, ctx.req.query("filename"), ctx.req.body);
    if (!errors.empty()) return web::validation_problem(errors);
    return json_response(full_json(ctx, resource_or_404(ctx, r.id)), 201);
  });
  app.route("GET", "/api/v1/resources/{id}/files/{file_id}", web::Access::anyone(),
            [](Ctx& ctx) { return file_download(ctx, web::path_id(ctx), web::path_id(ctx, "file_id")); });
}

}  // namespace passerelle::resources
