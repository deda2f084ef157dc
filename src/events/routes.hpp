#pragma once
#include "core/web/app.hpp"
#include "events/store.hpp"

namespace passerelle::events {
// Pages: /evenements…
void register_routes(web::App& app);
// API: /api/v1/events, /api/v1/events/{id}/sessions, /api/v1/registrations.
void register_api_routes(web::App& app);
// Attendance, outcomes and reports, pages and API (attendance_routes.cpp);
// registered before the others ("/evenements/rapports" is not an event id).
void register_attendance_routes(web::App& app);
// Sessions edited or deleted, speakers; pages and API (program_routes.cpp).
void register_program_routes(web::App& app);
struct Speaker;
struct Outcome;
// The speakers of an event for its page.
void speakers_view(const std::vector<Speaker>& speakers, boost::json::object& data);
// The outcome of an event for its page: synthesis paragraphs, videos, next date.
void outcome_view(const Outcome& o, boost::json::object& data);

// Who looks (routes_common.cpp): staff (admin, network) manage the events
// organised in their subtrees; everyone (staff and members) sees the published
// events open to the regions of their organisations (a delegation's staff see
// the national congress), and their organisations' registrations.
EventAccess access_of(web::Ctx& ctx);
// GET …/evenement.ics and /api/v1/events/{id}/ics: the event's iCalendar file (routes.cpp).
http::Response calendar_download(web::Ctx& ctx);
bool is_staff(web::Ctx& ctx);
// An event the caller manages (staff of the organiser's subtree); 404 otherwise,
// like an unknown id.
Event managed_event_or_404(web::Ctx& ctx, std::int64_t id);
// The contacts a caller may register: of organisations in their scope.
struct ContactChoice {
  std::int64_t contact_id = 0, organisation_id = 0;
  std::string name, organisation_name;
};
std::vector<ContactChoice> registrable_contacts(web::Ctx& ctx, const EventAccess& access);
// One of them, by id (and organisation when given; else their first in scope):
// whatever the number of contacts in scope (the list above stops at 500).
std::optional<ContactChoice> registrable_contact(web::Ctx& ctx, const EventAccess& access, std::int64_t contact_id,
                                                 std::optional<std::int64_t> organisation_id);
}  // namespace passerelle::events
