#pragma once
#include "core/web/app.hpp"
#include "network/membership_rules.hpp"

namespace passerelle::network {
// Pages /adhesions… and API /api/v1/memberships…, /api/v1/membership-statuses.
void register_membership_routes(web::App& app);
// Today's date for the status rules (UTC calendar day).
CivilDate membership_today();
}  // namespace passerelle::network
