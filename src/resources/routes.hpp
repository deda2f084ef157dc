#pragma once
#include "core/web/app.hpp"
#include "resources/store.hpp"

namespace passerelle::resources {
// Pages: /ressources…
void register_routes(web::App& app);
// API: /api/v1/resources…
void register_api_routes(web::App& app);

// Shared by pages and API (routes_common.cpp).
// The caller as a reader (anonymous when not signed in).
Reader reader_of(web::Ctx& ctx);
// The resource or 404 (unknown, or not for this reader).
Resource resource_or_404(web::Ctx& ctx, std::int64_t id);
// The resource or 404, and only if the caller manages it (staff of the author's subtree).
Resource managed_or_404(web::Ctx& ctx, std::int64_t id);
// The organisations a staff member writes for (where they hold admin or network), id and name.
std::vector<std::pair<std::int64_t, std::string>> author_choices(web::Ctx& ctx);
// Region codes accepted for a region audience.
std::vector<std::string> region_codes();
// Validates, checks the author organisation is managed by the caller, checks
// the file if any, then writes (audited). Returns the errors (French, by field)
// or nothing; `id` is set on creation.
web::Errors save_resource(web::Ctx& ctx, const ResourceInput& in, std::optional<std::int64_t> existing, bool publish,
                          const std::optional<web::Ctx::Upload>& file, std::int64_t& id);
web::Errors attach_file(web::Ctx& ctx, const Resource& r, const std::string& filename, const std::string& bytes);
// Publish or archive (audited).
void change_status(web::Ctx& ctx, const Resource& r, const std::string& status);
// The file as a download; 404 when not of a resource the caller sees.
http::Response file_download(web::Ctx& ctx, std::int64_t resource_id, std::int64_t file_id);
// The list's filter from the query (q, type/kind, theme, audience, topic,
// pedagogical, from/du, to/au); BadRequest with a French message on a bad code or date.
ResourceFilter filter_from_query(web::Ctx& ctx, bool api);
}  // namespace passerelle::resources
