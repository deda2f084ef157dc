// Shared by the pages and the API of the resource library: who reads, the
// writes both make (validation, scope checks, audit), downloads and filters.
#include <fmt/format.h>

#include "core/auth/audit.hpp"
#include "core/web/input.hpp"
#include "core/web/text.hpp"
#include "network/model.hpp"
#include "network/store.hpp"
#include "resources/routes.hpp"

namespace passerelle::resources {

Reader reader_of(web::Ctx& ctx) { return reader_for(ctx.db(), ctx.principal ? &ctx.user() : nullptr); }

Resource resource_or_404(web::Ctx& ctx, std::int64_t id) {
  auto r = get_resource(ctx.db(), reader_of(ctx), id);
  if (!r) throw web::NotFound{};
  return *r;
}

Resource managed_or_404(web::Ctx& ctx, std::int64_t id) {
  auto r = resource_or_404(ctx, id);
  if (!r.manageable) throw web::NotFound{};
  return r;
}

std::vector<std::pair<std::int64_t, std::string>> author_choices(web::Ctx& ctx) {
  std::vector<std::pair<std::int64_t, std::string>> out;
  if (!ctx.principal) return out;
  for (auto& g : ctx.user().grants)
    if ((g.role == "admin" || g.role == "network") &&
        std::none_of(out.begin(), out.end(), [&](auto& o) { return o.first == g.organisation_id; }))
      out.emplace_back(g.organisation_id, g.organisation_name);
  return out;
}

std::vector<std::string> region_codes() {
  std::vector<std::string> out;
  for (auto& r : network::kRegions) out.emplace_back(r.code);
  return out;
}

web::Errors save_resource(web::Ctx& ctx, const ResourceInput& in, std::optional<std::int64_t> existing, bool publish,
                          const std::optional<web::Ctx::Upload>& file, std::int64_t& id) {
  ResourceValues v;
  auto errors = validate_resource(in, v, region_codes());
  auto reader = reader_of(ctx);
  if (!web::find_error(errors, "author_organisation_id")) {
    auto org = network::get_organisation(ctx.db(), reader.manage, v.author_organisation_id);
    if (!org) errors.push_back({"author_organisation_id", "Structure introuvable dans votre périmètre."});
  }
  FileCheck checked;
  if (file && !(file->filename.empty() && file->data.empty())) {
    checked = check_file(file->filename, file->data);
    if (!checked.error.empty())
      errors.push_back({"file", checked.error + " Le reste du formulaire est conservé : choisissez à nouveau le fichier."});
  }
  if (!errors.empty()) return errors;
  auto now = auth::now_utc();
  db::Transaction tx(ctx.db());
  if (existing) {
    id = *existing;
    update_resource(ctx.db(), id, v, ctx.user().id, now);
    if (publish) set_status(ctx.db(), id, "published", ctx.user().id, now);
  } else {
    id = create_resource(ctx.db(), v, ctx.user().id, now, publish);
  }
  if (file && !checked.content_type.empty())
    add_file(ctx.db(), id, file->filename, checked.content_type, file->data, ctx.user().id, now);
  audit::record(ctx.db(), ctx.user().id, existing ? "update" : "create", "resource", id,
                publish ? "publiée : " + v.title : v.title, ctx.req.remote_addr);
  tx.commit();
  return {};
}

web::Errors attach_file(web::Ctx& ctx, const Resource& r, const std::string& filename, const std::string& bytes) {
  auto checked = check_file(filename, bytes);
  if (!checked.error.empty()) return {{"file", checked.error}};
  db::Transaction tx(ctx.db());
  auto id = add_file(ctx.db(), r.id, filename, checked.content_type, bytes, ctx.user().id, auth::now_utc());
  audit::record(ctx.db(), ctx.user().id, "create", "resource_file", id, filename, ctx.req.remote_addr);
  tx.commit();
  return {};
}

void change_status(web::Ctx& ctx, const Resource& r, const std::string& status) {
  db::Transaction tx(ctx.db());
  set_status(ctx.db(), r.id, status, ctx.user().id, auth::now_utc());
  audit::record(ctx.db(), ctx.user().id, "update", "resource", r.id, fmt::format("état {} → {}", r.status, status),
                ctx.req.remote_addr);
  tx.commit();
}

http::Response file_download(web::Ctx& ctx, std::int64_t resource_id, std::int64_t file_id) {
  auto r = resource_or_404(ctx, resource_id);
  auto f = get_file(ctx.db(), r.id, file_id);
  if (!f) throw web::NotFound{};
  http::Response res{200, {}, std::move(f->data), {}};
  res.set_header("Content-Type", f->content_type);
  std::string safe;
  for (char c : f->filename) safe += (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) ? '_' : c;
  res.set_header("Content-Disposition", fmt::format("attachment; filename=\"{}\"", safe));
  res.set_header("X-Content-Type-Options", "nosniff");
  return res;
}

ResourceFilter filter_from_query(web::Ctx& ctx, bool api) {
  ResourceFilter f;
  auto q = [&](const char* api_name, const char* page_name) { return ctx.req.query(api ? api_name : page_name); };
  f.q = q("q", "q");
  f.kind = q("kind", "type");
  if (!f.kind.empty() && !is_code(kKinds, f.kind)) throw web::BadRequest{"Type de ressource inconnu."};
  f.theme = text::trim(q("theme", "theme"));
  f.audience = q("audience", "public");
  if (!f.audience.empty() && !is_code(kAudiences, f.audience)) throw web::BadRequest{"Public destinataire inconnu."};
  f.topic = q("topic", "thematique");
  if (!f.topic.empty() && !is_code(kTopics, f.topic)) throw web::BadRequest{"Thème pédagogique inconnu."};
  auto ped = q("pedagogical", "pedagogique");
  f.pedagogical = ped == "1" || ped == "true";
  f.from = q("from", "du");
  f.to = q("to", "au");
  if (!f.from.empty() && !is_iso_date(f.from)) throw web::BadRequest{"Date de début invalide (AAAA-MM-JJ)."};
  if (!f.to.empty() && !is_iso_date(f.to)) throw web::BadRequest{"Date de fin invalide (AAAA-MM-JJ)."};
  f.status = q("status", "etat");
  if (!f.status.empty() && !is_code(kStatuses, f.status)) throw web::BadRequest{"État inconnu."};
  auto after = q("after", "apres");
  if (!after.empty()) {
    f.after = parse_cursor(after);
    if (!f.after) throw web::BadRequest{"Curseur de pagination invalide."};
  }
  return f;
}

}  // namespace passerelle::resources
