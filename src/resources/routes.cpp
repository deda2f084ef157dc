// Pages of the resource library (French): the list with search, filters,
// keyset pagination and export, open to anonymous visitors for public
// resources; the resource page (rendered Markdown, files, themes); the staff's
// create and edit form, publication, archiving and files.
#include <fmt/format.h>

#include "core/auth/audit.hpp"
#include "core/web/download.hpp"
#include "core/web/input.hpp"
#include "core/web/text.hpp"
#include "network/model.hpp"
#include "resources/routes.hpp"

namespace passerelle::resources {
namespace {

using web::Ctx;
namespace json = boost::json;

web::Access staff() { return web::Access::roles_in({"admin", "network"}); }

template <std::size_t N>
json::array choices(const std::array<Label, N>& table, const std::string& selected) {
  json::array out;
  for (auto& l : table)
    out.push_back(json::object{{"code", l.code}, {"label", l.label}, {"selected", l.code == selected}});
  return out;
}

void put_errors(json::object& data, const web::Errors& errors) {
  for (auto& [k, v] : web::errors_json(errors)) data[k] = v;
}

std::string region_name(const std::string& code) {
  auto* r = network::find_region(code);
  return r ? std::string(r->name) : code;
}

std::string audience_label(const Resource& r) {
  if (r.audience == "region") return fmt::format("Adhérents de la région {}", region_name(r.region));
  return std::string(label_of(kAudiences, r.audience));
}

json::object resource_row(const Resource& r) {
  json::array themes;
  for (auto& t : r.themes) themes.push_back(json::string(t));
  return {{"id", r.id},
          {"title", r.title},
          {"summary", r.summary},
          {"kind_label", label_of(kKinds, r.kind)},
          {"audience_label", audience_label(r)},
          {"not_public", r.audience != "public"},
          {"date", french_date(r.published_on)},
          {"author", r.author_name},
          {"has_themes", !themes.empty()},
          {"themes", std::move(themes)},
          {"pedagogical", r.pedagogical},
          {"topic_label", r.pedagogical ? std::string(label_of(kTopics, r.topic)) : std::string()},
          {"draft", r.status == "draft"},
          {"archived", r.status == "archived"},
          {"files", r.files}};
}

// ---- List --------------------------------------------------------------------------------------

std::string keep_query(Ctx& ctx) {
  std::string out;
  for (auto n : {"q", "type", "theme", "public", "thematique", "pedagogique", "du", "au", "etat"}) {
    auto v = ctx.req.query(n);
    if (!v.empty()) out += fmt::format("{}{}={}", out.empty() ? "" : "&", n, http::url_encode(v));
  }
  return out;
}

http::Response list_page(Ctx& ctx) {
  auto f = filter_from_query(ctx, false);
  f.limit = 20;
  auto reader = reader_of(ctx);
  auto items = list_resources(ctx.db(), reader, f);
  bool ranked = !text::trim(f.q).empty();
  json::array rows;
  for (auto& r : items) rows.push_back(resource_row(r));
  auto keep = keep_query(ctx);
  std::string next;
  if (static_cast<int>(items.size()) == f.limit)
    next = fmt::format("/ressources?{}{}apres={}", keep, keep.empty() ? "" : "&",
                       http::url_encode(format_cursor(cursor_of(items.back(), ranked))));
  json::array themes;
  for (auto& t : themes_in_use(ctx.db()))
    themes.push_back(json::object{{"label", t}, {"selected", t == f.theme}});
  json::object data{{"title", "Ressources"},
                    {"signed_in", reader.signed_in},
                    {"staff", reader.staff()},
                    {"items", std::move(rows)},
                    {"empty", items.empty()},
                    {"q", f.q},
                    {"ranked", ranked},
                    {"kinds", choices(kKinds, f.kind)},
                    {"audiences", choices(kAudiences, f.audience)},
                    {"topics", choices(kTopics, f.topic)},
                    {"statuses", choices(kStatuses, f.status)},
                    {"has_themes", !themes.empty()},
          {"themes", std::move(themes)},
                    {"pedagogical", f.pedagogical},
                    {"from", f.from},
                    {"to", f.to},
                    {"paged", f.after.has_value()},
                    {"first", "/ressources" + (keep.empty() ? "" : "?" + keep)},
                    {"export_query", keep},
                    {"next", next}};
  return web::page(ctx, "resources/list", std::move(data));
}

http::Response export_list(Ctx& ctx) {
  auto f = filter_from_query(ctx, false);
  f.limit = 500;
  auto reader = reader_of(ctx);
  bool ranked = !text::trim(f.q).empty();
  std::vector<std::vector<std::string>> rows{{"Numéro", "Titre", "Type", "Publiée le", "Structure autrice", "Public",
                                              "Thèmes", "Ressource pédagogique", "État", "Fichiers", "Résumé"}};
  for (int guard = 0; guard < 200; ++guard) {
    auto items = list_resources(ctx.db(), reader, f);
    for (auto& r : items) {
      std::string themes;
      for (auto& t : r.themes) themes += (themes.empty() ? "" : ", ") + t;
      rows.push_back({std::to_string(r.id), r.title, std::string(label_of(kKinds, r.kind)), french_date(r.published_on),
                      r.author_name, audience_label(r), themes,
                      r.pedagogical ? std::string(label_of(kTopics, r.topic)) : "",
                      std::string(label_of(kStatuses, r.status)), std::to_string(r.files), r.summary});
    }
    if (static_cast<int>(items.size()) < f.limit) break;
    f.after = cursor_of(items.back(), ranked);
  }
  return web::download(ctx, "resource", "Ressources", "ressources", ctx.req.query("format"), rows);
}

// ---- Resource page -------------------------------------------------------------------------------

http::Response resource_page(Ctx& ctx, std::int64_t id, const web::Errors& errors = {}, int status = 200) {
  auto r = resource_or_404(ctx, id);
  auto data = resource_row(r);
  data["body_html"] = render_markdown(r.body);
  data["video_url"] = r.video_url;
  data["manageable"] = r.manageable;
  data["published"] = r.status == "published";
  data["status_label"] = label_of(kStatuses, r.status);
  json::array files;
  for (auto& f : files_of(ctx.db(), r.id))
    files.push_back(json::object{{"id", f.id},
                                 {"resource_id", r.id},
                                 {"filename", f.filename},
                                 {"size", fmt::format("{:.0f} ko", static_cast<double>(f.size) / 1024.0 + 0.5)}});
  data["has_files"] = !files.empty();
  data["file_list"] = std::move(files);
  data["signed_in"] = ctx.principal.has_value();
  put_errors(data, errors);
  return web::page(ctx, "resources/resource", std::move(data), status);
}

// ---- Form --------------------------------------------------------------------------------------------

ResourceInput input_from_form(Ctx& ctx) {
  ResourceInput in;
  in.kind = ctx.form("kind");
  in.title = ctx.form("title");
  in.summary = ctx.form("summary");
  in.body = ctx.form("body");
  in.video_url = ctx.form("video_url");
  in.audience = ctx.form("audience");
  in.region = ctx.form("region");
  in.pedagogical = ctx.form("pedagogical");
  in.topic = ctx.form("topic");
  in.published_on = ctx.form("published_on");
  in.themes = ctx.form("themes");
  in.author_organisation_id = ctx.form("author_organisation_id");
  return in;
}

ResourceInput input_of(const Resource& r) {
  std::string themes;
  for (auto& t : r.themes) themes += (themes.empty() ? "" : ", ") + t;
  return {r.kind, r.title, r.summary, r.body, r.video_url, r.audience, r.region, r.pedagogical ? "1" : "",
          r.topic, r.published_on, themes, std::to_string(r.author_organisation_id)};
}

http::Response form_page(Ctx& ctx, ResourceInput in, std::optional<std::int64_t> id, const web::Errors& errors,
                         int status) {
  auto authors = author_choices(ctx);
  if (in.author_organisation_id.empty() && !authors.empty()) in.author_organisation_id = std::to_string(authors[0].first);
  if (in.published_on.empty() && !id) in.published_on = auth::now_utc().substr(0, 10);
  if (in.audience.empty()) in.audience = "members";
  json::array author_list, regions;
  for (auto& [oid, name] : authors)
    author_list.push_back(
        json::object{{"id", oid}, {"label", name}, {"selected", std::to_string(oid) == in.author_organisation_id}});
  for (auto& r : network::kRegions)
    regions.push_back(json::object{{"code", r.code}, {"label", r.name}, {"selected", r.code == in.region}});
  json::object data{{"title", id ? "Modifier la ressource" : "Nouvelle ressource"},
                    {"action", id ? fmt::format("/ressources/{}", *id) : std::string("/ressources")},
                    {"cancel", id ? fmt::format("/ressources/{}", *id) : std::string("/ressources")},
                    {"kinds", choices(kKinds, in.kind)},
                    {"audiences", choices(kAudiences, in.audience)},
                    {"topics", choices(kTopics, in.topic)},
                    {"regions", std::move(regions)},
                    {"authors", std::move(author_list)},
                    {"is_new", !id},
                    {"values", json::object{{"title", in.title},
                                            {"summary", in.summary},
                                            {"body", in.body},
                                            {"video_url", in.video_url},
                                            {"published_on", in.published_on},
                                            {"themes", in.themes},
                                            {"pedagogical", in.pedagogical == "1" || in.pedagogical == "on"}}}};
  put_errors(data, errors);
  return web::page(ctx, "resources/form", std::move(data), status);
}

http::Response save_post(Ctx& ctx, std::optional<std::int64_t> id) {
  if (id) managed_or_404(ctx, *id);
  auto in = input_from_form(ctx);
  if (in.author_organisation_id.empty()) {
    auto authors = author_choices(ctx);
    if (authors.size() == 1) in.author_organisation_id = std::to_string(authors[0].first);
  }
  bool publish = ctx.form("publish") == "1";
  std::int64_t saved = 0;
  auto errors = save_resource(ctx, in, id, publish, id ? std::nullopt : ctx.file("file"), saved);
  if (!errors.empty()) return form_page(ctx, in, id, errors, 422);
  ctx.flash(publish ? "La ressource est publiée." : "La ressource est enregistrée.");
  return http::Response::redirect(fmt::format("/ressources/{}", saved));
}

}  // namespace

void register_routes(web::App& app) {
  // Fixed paths before /ressources/{id}.
  app.route("GET", "/ressources", web::Access::anyone(), [](Ctx& ctx) { return list_page(ctx); });
  app.route("GET", "/ressources/export", web::Access::logged_in(), [](Ctx& ctx) { return export_list(ctx); });
  app.route("GET", "/ressources/nouvelle", staff(), [](Ctx& ctx) { return form_page(ctx, {}, std::nullopt, {}, 200); });
  app.route("POST", "/ressources", staff(), [](Ctx& ctx) { return save_post(ctx, std::nullopt); });
  app.route("GET", "/ressources/{id}", web::Access::anyone(),
            [](Ctx& ctx) { return resource_page(ctx, web::path_id(ctx)); });
  app.route("GET", "/ressources/{id}/modifier", staff(), [](Ctx& ctx) {
    auto r = managed_or_404(ctx, web::path_id(ctx));
    return form_page(ctx, input_of(r), r.id, {}, 200);
  });
  app.route("POST", "/ressources/{id}", staff(), [](Ctx& ctx) { return save_post(ctx, web::path_id(ctx)); });
  app.route("POST", "/ressources/{id}/publier", staff(), [](Ctx& ctx) {
    auto r = managed_or_404(ctx, web::path_id(ctx));
    change_status(ctx, r, "published");
    ctx.flash("La ressource est publiée.");
    return http::Response::redirect(fmt::format("/ressources/{}", r.id));
  });
  app.route("POST", "/ressources/{id}/archiver", staff(), [](Ctx& ctx) {
    auto r = managed_or_404(ctx, web::path_id(ctx));
    change_status(ctx, r, "archived");
    ctx.flash("La ressource est archivée : seule l'équipe la voit encore.");
    return http::Response::redirect(fmt::format("/ressources/{}", r.id));
  });
  app.route("POST", "/ressources/{id}/fichiers", staff(), [](Ctx& ctx) {
    auto r = managed_or_404(ctx, web::path_id(ctx));
    auto up = ctx.file("file");
    auto errors = up && !(up->filename.empty() && up->data.empty())
                      ? attach_file(ctx, r, up->filename, up->data)
                      : web::Errors{{"file", "Choisissez un fichier."}};
    if (!errors.empty()) return resource_page(ctx, r.id, errors, 422);
    ctx.flash("Le fichier est ajouté.");
    return http::Response::redirect(fmt::format("/ressources/{}", r.id));
  });
  app.route("POST", "/ressources/{id}/fichiers/{file_id}/supprimer", staff(), [](Ctx& ctx) {
    auto r = managed_or_404(ctx, web::path_id(ctx));
    db::Transaction tx(ctx.db());
    auto fid = web::path_id(ctx, "file_id");
    if (!delete_file(ctx.db(), r.id, fid)) throw web::NotFound{};
    audit::record(ctx.db(), ctx.user().id, "delete", "resource_file", fid, "", ctx.req.remote_addr);
    tx.commit();
    ctx.flash("Le fichier est retiré.");
    return http::Response::redirect(fmt::format("/ressources/{}", r.id));
  });
  app.route("GET", "/ressources/{id}/fichiers/{file_id}", web::Access::anyone(),
            [](Ctx& ctx) { return file_download(ctx, web::path_id(ctx), web::path_id(ctx, "file_id")); });
}

}  // namespace passerelle::resources
