#pragma once
// After the registrations: attendance (the check-in list at the door, bulk
// present/absent after the event), outcomes (a synthesis, video links, the next
// date announced to the same audience) and the reports of registrations and
// attendance per event, per member and per region, with the members who never
// attend. Rules are pure (attendance_rules.cpp, unit-tested alone); the store
// runs on both engines (attendance_store.cpp).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/db/database.hpp"
#include "core/web/validation.hpp"
#include "events/store.hpp"

namespace passerelle::events {

// --- Rules -------------------------------------------------------------------

// The French reason why attendance cannot be taken at `now` (UTC ISO) for an
// event with this status and start, or nullopt: it opens on the event's day
// (Europe/Paris) and stays open afterwards; never for a draft or cancelled event.
std::optional<std::string> attendance_closed_reason(std::string_view event_status, std::string_view starts_at,
                                                    std::string_view now);
// Whether bulk marking (after the event) is open: the event has ended.
bool event_over(std::string_view ends_at, std::string_view now);
// Check-in changes: a person registered is marked present or absent; a mark
// can be corrected (present ↔ absent) or undone (back to registered).
bool attendance_change_allowed(std::string_view from, std::string_view to);

struct VideoInput {
  std::string title, url;
};
struct OutcomeInput {
  std::string synthesis;
  std::vector<VideoInput> videos;  // empty lines are dropped
};
// Every error at once, in French, by field ("synthesis", "videos").
// A video needs an http(s) address; its title defaults to "Vidéo N".
web::Errors validate_outcome(OutcomeInput& in);

// The next date typed in the outcome form (local Paris times) for an event
// that ended at `previous_end` (UTC). Errors by field: next_starts_at, next_ends_at.
struct NextDateInput {
  std::string starts_at, ends_at;
};
web::Errors validate_next_date(const NextDateInput& in, std::string_view previous_end, std::string& starts_utc,
                               std::string& ends_utc);

// --- Store -------------------------------------------------------------------

// The people expected at the door: registrations holding a seat (registered,
// offered, present, absent), by name; `q` filters on name and organisation
// (accent-insensitive).
std::vector<Registration> checkin_list(db::Connection& db, std::int64_t event_id, std::string_view q);

struct AttendanceCount {
  std::int64_t expected = 0, attended = 0, no_show = 0;
};
AttendanceCount attendance_count(db::Connection& db, std::int64_t event_id);

// One tap: marks one registration of `event_id`. Returns the French reason
// when refused (not of the event, or a status that cannot change this way).
std::optional<std::string> set_attendance(db::Connection& db, std::int64_t event_id, std::int64_t registration_id,
                                          const std::string& to, const std::string& now,
                                          std::optional<std::int64_t> user_id);
// After the event: marks the chosen registrations (or, with `only_unmarked`,
// every "registered" one left) as `to`. Returns how many changed.
std::int64_t bulk_attendance(db::Connection& db, std::int64_t event_id, const std::vector<std::int64_t>& ids,
                             bool only_unmarked, const std::string& to, const std::string& now,
                             std::optional<std::int64_t> user_id);

struct Video {
  std::int64_t id = 0;
  std::string title, url;
};
struct Outcome {
  std::string synthesis;
  std::vector<Video> videos;
  std::optional<std::int64_t> next_event_id;
  std::string next_title, next_starts_at, next_status;
};
Outcome get_outcome(db::Connection& db, std::int64_t event_id);
// The same reads as statements (two), for a page's db::query_all, and the
// outcome read back from their results starting at `first`.
std::vector<db::OwnedStatement> outcome_reads(std::int64_t event_id);
Outcome outcome_from_reads(const std::vector<db::Result>& results, std::size_t first);
// Replaces the synthesis and the videos (inside the caller's transaction).
void save_outcome(db::Connection& db, std::int64_t event_id, const OutcomeInput& in);
// Announces the next date: a new event like this one (kind, title, organiser,
// venue or visio, capacity, audience, themes, sessions), published for the same
// regions, linked as its next. Returns the new event's id.
std::int64_t announce_next(db::Connection& db, std::int64_t event_id, const std::string& starts_utc,
                           const std::string& ends_utc);

// --- Reports -----------------------------------------------------------------

struct ReportFilter {
  network::Scope scope;  // events organised in these subtrees; members inside them
  std::string from, to;  // ISO dates (Paris days), inclusive; events starting in them
};
struct EventReportRow {
  std::int64_t id = 0;
  std::string title, kind, starts_at, organiser_name, status;
  std::vector<std::string> regions;
  std::optional<std::int64_t> capacity;
  std::int64_t registrations = 0, attended = 0, no_show = 0, cancelled = 0, waitlisted = 0;
};
struct MemberReportRow {
  std::int64_t organisation_id = 0;
  std::string name, kind, region;
  std::int64_t registrations = 0, events = 0, attended = 0, no_show = 0;
  std::string last_attended;  // starts_at of the last event attended, "" when none
};
struct RegionReportRow {
  std::string region;
  std::int64_t events = 0, registrations = 0, attended = 0, no_show = 0, members = 0, members_attending = 0;
};
struct Report {
  std::vector<EventReportRow> events;
  std::vector<MemberReportRow> members;   // organisations that registered someone
  std::vector<RegionReportRow> regions;
  std::vector<MemberReportRow> never;     // today's members (a membership that counts) who attended nothing in the period
  std::int64_t registrations = 0, attended = 0, no_show = 0;
};
// "registrations" counts every registration but the cancelled and expired ones.
Report attendance_report(db::Connection& db, const ReportFilter& f);

}  // namespace passerelle::events
