#pragma once
// Pure rules of working groups and funded projects: validation of what a form
// or a JSON body gives (every error at once, in French, by field) and the
// state of an activity from its event. No I/O; unit-tested alone
// (tests/unit/work_rules_test.cpp).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/web/validation.hpp"
#include "events/work_model.hpp"

namespace passerelle::events {

// --- Working groups --------------------------------------------------------
struct GroupInput {
  std::string title, description, organiser_id, starts_on, ends_on, status;
};
struct GroupValues {
  std::string title, description;
  std::int64_t organiser_id = 0;
  std::string starts_on;
  std::optional<std::string> ends_on;
  std::string status = "active";
};
web::Errors validate_group(const GroupInput& in, GroupValues& out);

struct MemberInput {
  std::string organisation_id, contact_id, role, joined_on;
};
struct MemberValues {
  std::int64_t organisation_id = 0;
  std::optional<std::int64_t> contact_id;
  std::string role = "member", joined_on;
};
// `today` (ISO) is the joining date when none is typed.
web::Errors validate_member(const MemberInput& in, const std::string& today, MemberValues& out);

// --- Deliverables (of a group or of a project) -------------------------------
struct DeliverableInput {
  std::string kind, title, dated_on, url, file_ref, duration, status;  // duration "3:20" (min:s) or minutes
};
struct DeliverableValues {
  std::string kind, title;
  std::optional<std::string> dated_on;
  std::string url, file_ref;
  std::optional<std::int64_t> duration_seconds;
  std::string status = "planned";
};
web::Errors validate_deliverable(const DeliverableInput& in, DeliverableValues& out);
// 200 → "3 min 20 s"
std::string format_duration(std::int64_t seconds);

// --- Funded projects ---------------------------------------------------------
struct ProjectInput {
  std::string title, goal, carrier_id, starts_on, ends_on, status, target_participants, contact_id;
};
struct ProjectValues {
  std::string title, goal;
  std::int64_t carrier_id = 0;
  std::string starts_on, ends_on, status = "planned";
  std::int64_t target_participants = 0;
  std::optional<std::int64_t> contact_id;
};
web::Errors validate_project(const ProjectInput& in, ProjectValues& out);

// A funder and its amount, typed in euros in forms ("12 500,00") or in cents
// through the API (`in_cents`).
struct FunderInput {
  std::string organisation_id, amount;
  bool in_cents = false;
};
struct FunderValues {
  std::int64_t organisation_id = 0, amount_cents = 0;
};
web::Errors validate_funder(const FunderInput& in, FunderValues& out);

struct ActivityInput {
  std::string kind, title, planned_on, event_id;
};
struct ActivityValues {
  std::string kind, title, planned_on;
  std::optional<std::int64_t> event_id;
};
web::Errors validate_activity(const ActivityInput& in, ActivityValues& out);

// An activity is done when its event is done, cancelled when its event is
// cancelled, planned otherwise (no event yet, draft or published).
std::string activity_state(const std::optional<std::string>& event_status);

// "2021-06-01" → "1er juin 2021"; "" for anything else.
std::string french_long_date(std::string_view iso);

}  // namespace passerelle::events
