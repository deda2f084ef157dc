#pragma once
// Pure rules of events: validation of an event, Europe/Paris ↔ UTC, which
// registration statuses use a seat, the seat decision and the offer of a
// freed seat. No I/O; unit-tested alone (tests/unit/events_rules_test.cpp).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/web/validation.hpp"
#include "core/web/ics.hpp"
#include "events/model.hpp"

namespace passerelle::events {

// "2020-04-20T10:00" (local time in Europe/Paris, as typed in a form) →
// "2020-04-20T08:00:00Z". nullopt when not a valid date and time.
std::optional<std::string> paris_to_utc(std::string_view local);
// "2020-04-20T08:00:00Z" → "2020-04-20T10:00" (for the form's inputs).
std::string utc_to_paris(std::string_view utc);
// UTC ISO instant plus `hours`.
std::string add_hours(std::string_view utc, int hours);

// What a form or a JSON body gives for an event, as typed (local Paris times).
struct EventInput {
  std::string kind, title, description, starts_at, ends_at, venue, visio_url, organiser_id, capacity,
      registration_opens_at, registration_closes_at, offer_hours, themes, status;
  std::vector<std::string> regions;  // INSEE region codes ("11": Île-de-France)
  std::string open_to_all, requires_approval;  // "1" (a checked box, true) or "" / "0"
};

// The checked values, instants in UTC.
struct EventValues {
  std::string kind, title, description, starts_at, ends_at, venue, visio_url;
  std::int64_t organiser_id = 0;
  std::optional<std::int64_t> capacity;
  std::optional<std::string> registration_opens_at, registration_closes_at;
  int offer_hours = 48;
  std::string themes, status = "draft";
  std::vector<std::string> regions;
  bool open_to_all = false;        // false: contacts of member organisations only
  bool requires_approval = false;  // a member's registration waits for the staff's approval
};

// Every error at once, in French, by field; `out` filled when there is none.
web::Errors validate_event(const EventInput& in, EventValues& out);

// Registration statuses that hold a seat of the event and of its sessions.
bool uses_seat(std::string_view status);

// A new registration when the event has `used` seats taken out of `capacity`
// (none: no limit): "registered", or "waitlisted" when full. Full is not an error.
std::string seat_decision(std::optional<std::int64_t> capacity, std::int64_t used);

// Whether a session with `used` seats taken can take one more.
bool session_has_room(std::optional<std::int64_t> capacity, std::int64_t used);

// The French reason why nobody may register at `now` (UTC ISO) to an event
// with this status and window, or nullopt when registration is open.
std::optional<std::string> registration_closed_reason(std::string_view event_status,
                                                      const std::optional<std::string>& opens_at,
                                                      const std::optional<std::string>& closes_at,
                                                      std::string_view starts_at, std::string_view now);

// The iCalendar document of an event (RFC 5545, core/web/ics.hpp): UID stable
// per event, DTSTART/DTEND in UTC, LOCATION the venue or else the visio link,
// the event page as URL; CANCEL when the event is cancelled.
struct CalendarEvent {
  std::int64_t id = 0;
  std::string title, description, starts_at, ends_at, venue, visio_url, organiser_name, status, created_at, updated_at;
};
std::string event_calendar(const CalendarEvent& e, const std::string& now, const std::string& site_url);

// Whether the reminder of the day before is due at `now` for a registration
// last changed at `registered_at` to an event starting at `starts_at`: the
// event starts within 24 hours, and the person did not register within the
// 24 hours before it (their confirmation, just received, says it all).
bool reminder_due(std::string_view now, std::string_view starts_at, std::string_view registered_at);

// Allowed status changes of an event (draft → published → done; cancelled from draft or published).
bool event_transition_allowed(std::string_view from, std::string_view to);

}  // namespace passerelle::events
