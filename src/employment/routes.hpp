#pragma once
#include "core/web/app.hpp"
#include "employment/store.hpp"

namespace passerelle::employment {
// Pages: /offres…, /cvtheque…, /positionnements….
void register_routes(web::App& app);
// API: /api/v1/offers, /api/v1/cv-profiles, /api/v1/positionings, /api/v1/rome-codes.
void register_api_routes(web::App& app);

// Who reads (routes.cpp): a clause facilitator or an administrator sees their
// organisations' subtrees; a partner only their own recommendations and positionings.
Viewer viewer_of(web::Ctx& ctx);
bool is_manager(web::Ctx& ctx);  // facilitator or administrator
// The CV library a new profile goes to: the given organisation when the caller
// may use it (in a manager's scope; for a partner, a facilitating structure:
// maison de l'emploi, PLIE or facilitator), else nullopt.
std::optional<std::int64_t> library_for(web::Ctx& ctx, std::optional<std::int64_t> requested);

// Shared by pages and API (routes_api.cpp): a stored profile as form input, the
// CV as an audited download, a partner's own organisation and kind on their orientation.
ProfileInput profile_values(const Profile& p);
http::Response cv_download(web::Ctx& ctx, std::int64_t profile_id);
void default_partner(web::Ctx& ctx, PositioningInput& in);
}  // namespace passerelle::employment
