#pragma once
#include "core/web/app.hpp"
#include "events/store.hpp"

namespace passerelle::events {
// Pages: /evenements…
void register_routes(web::App& app);
// API: /api/v1/events, /api/v1/events/{id}/sessions, /api/v1/registrations.
void register_api_routes(web::App& app);

// Who looks (routes_common.cpp): staff (admin, network) manage the events
// organised in their subtrees; everyone (staff and members) sees the published
// events open to the regions of their organisations (a delegation's staff see
// the national congress), and their organisations' registrations.
EventAccess access_of(web::Ctx& ctx);
// GET …/evenement.ics and /api/v1/events/{id}/ics: the event's iCalendar file (routes.cpp).
http::Response calendar_download(web::Ctx& ctx);
bool is_staff(web::Ctx& ctx);
// The contacts a caller may register: of organisations in their scope.
struct ContactChoice {
  std::int64_t contact_id = 0, organisation_id = 0;
  std::string name, organisation_name;
};
std::vector<ContactChoice> registrable_contacts(web::Ctx& ctx, const EventAccess& access);
}  // namespace passerelle::events
