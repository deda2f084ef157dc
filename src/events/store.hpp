#pragma once
// SQL of events, sessions and registrations. Events are seen by the staff of
// the organiser's subtree (`manage`) and, once published, by members of the
// audience's regions (`regions`). Every seat decision runs in one transaction
// that locks the event row, so two people never take the same last seat.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/db/batch.hpp"
#include "core/db/database.hpp"
#include "core/web/validation.hpp"
#include "events/rules.hpp"
#include "network/store.hpp"

namespace passerelle::events {

// Who looks: staff subtrees they manage, and the regions of the member
// organisations they belong to.
struct EventAccess {
  network::Scope manage;             // events organised in these subtrees: every status, registrations of all
  std::vector<std::string> regions;  // published/done events open to these regions
  network::Scope own;                // their own organisations: their registrations
};

struct Session {
  std::int64_t id = 0, event_id = 0;
  std::string title, theme;
  std::optional<std::int64_t> capacity;
  std::int64_t used = 0;  // seats taken (statuses that use a seat)
};

struct Event {
  std::int64_t id = 0;
  std::string kind, title, description, starts_at, ends_at, venue, visio_url;
  std::int64_t organiser_id = 0;
  std::string organiser_name, organiser_path;
  std::optional<std::int64_t> capacity;
  std::optional<std::string> registration_opens_at, registration_closes_at;
  int offer_hours = 48;
  std::string themes, status, created_at, updated_at;
  std::vector<std::string> regions;
  bool open_to_all = false, requires_approval = false;
  bool managed = false;  // the caller manages it
  // Counts (get_event only).
  std::int64_t used = 0, waitlisted = 0, offered = 0;
  std::vector<Session> sessions;
};

struct EventFilter {
  std::string q, kind, status, region;
  std::string from;              // UTC instant: events ending after it
  std::string after_start;       // keyset: starts_at, id
  std::int64_t after_id = 0;
  int limit = 50;
};

// Sorted by start then id.
std::vector<Event> list_events(db::Connection& db, const EventAccess& access, const EventFilter& f);
// With its sessions and seat counts; nullopt when unseen.
std::optional<Event> get_event(db::Connection& db, const EventAccess& access, std::int64_t id);
// The same reads as statements, for a page that sends them with others in one
// round trip (db::query_all), and the event read back from their results
// (the kEventReads results starting at `first`).
inline constexpr std::size_t kEventReads = 4;
std::vector<db::OwnedStatement> event_reads(const EventAccess& access, std::int64_t id);
std::optional<Event> event_from_reads(const EventAccess& access, std::int64_t id, std::vector<db::Result>& results,
                                      std::size_t first = 0);

struct SessionInput {
  std::string title, theme;
  std::optional<std::int64_t> capacity;
};
// `v.organiser_id` must be in the caller's manage scope (checked by the caller).
std::int64_t create_event(db::Connection& db, const EventValues& v, const std::vector<SessionInput>& sessions = {});
// Inside the caller's transaction; seats freed by a larger capacity are offered
// to the waiting list.
void update_event(db::Connection& db, std::int64_t id, const EventValues& v);
void set_event_status(db::Connection& db, std::int64_t id, const std::string& status);
std::int64_t add_session(db::Connection& db, std::int64_t event_id, const SessionInput& s);

struct Registration {
  std::int64_t id = 0, event_id = 0, contact_id = 0, organisation_id = 0;
  std::string event_title, event_starts_at, contact_name, organisation_name, status, offer_expires_at, dietary,
      accessibility, created_at;
  std::vector<std::int64_t> session_ids;
};

struct RegistrationRequest {
  std::int64_t event_id = 0, contact_id = 0, organisation_id = 0;
  std::vector<std::int64_t> session_ids;
  std::string dietary, accessibility;
  bool by_staff = false;  // made by the event's staff: no approval step
};

// Registers in one transaction (the event row locked): "registered" while a
// seat is left, else "waitlisted"; "awaiting_approval" (no seat yet) when the
// event requires approval and the staff did not make it. Errors (French, by
// field): registration closed, not a member (unless the event is open to all),
// already registered, a session not of the event or full.
std::variant<Registration, web::Errors> register_contact(db::Connection& db, const RegistrationRequest& r,
                                                         const std::string& now, std::optional<std::int64_t> user_id);
// Cancels; a freed seat is offered to the first waitlisted. False when the
// registration was already cancelled or expired.
bool cancel_registration(db::Connection& db, std::int64_t registration_id, const std::string& now,
                         std::optional<std::int64_t> user_id);
// The staff's decision on a registration awaiting approval: approved, it takes
// a seat (or the waiting list) as any registration; refused, it is cancelled
// with the reason. False when it was not awaiting approval.
bool approve_registration(db::Connection& db, std::int64_t registration_id, const std::string& now,
                          std::optional<std::int64_t> user_id);
bool refuse_registration(db::Connection& db, std::int64_t registration_id, const std::string& reason,
                         const std::string& now, std::optional<std::int64_t> user_id);
// An offered seat accepted before its expiry: registered. False otherwise.
bool accept_offer(db::Connection& db, std::int64_t registration_id, const std::string& now,
                  std::optional<std::int64_t> user_id);
// The pass (daily, or a command): offers expired at `now` become "expired"
// and their seats go to the next waitlisted. Returns the number expired.
std::int64_t expire_offers(db::Connection& db, const std::string& now);

// Registrations the caller may see: of events they manage, or of their own organisations.
std::optional<Registration> get_registration(db::Connection& db, const EventAccess& access, std::int64_t id);
std::vector<Registration> event_registrations(db::Connection& db, std::int64_t event_id);
// One page of an event's registrations for its staff: by status, searched on
// the person and organisation (accent-insensitive), in registration order
// (keyset on id), `limit` at most.
struct EventRegistrationFilter {
  std::string status, q;
  std::int64_t after_id = 0;
  int limit = 100;
};
std::vector<Registration> event_registrations(db::Connection& db, std::int64_t event_id, const EventRegistrationFilter& f);
struct RegistrationFilter {
  std::optional<std::int64_t> event_id;
  std::int64_t after_id = 0;
  int limit = 50;
};
// The caller's organisations' registrations, newest first (keyset on id, descending).
std::vector<Registration> own_registrations(db::Connection& db, const EventAccess& access, const RegistrationFilter& f);
// The same as a statement, and its rows read back (their sessions loaded).
db::OwnedStatement own_registrations_read(const EventAccess& access, const RegistrationFilter& f);
std::vector<Registration> registrations_from(db::Connection& db, const db::Result& result);

}  // namespace passerelle::events
