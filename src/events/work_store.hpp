#pragma once
// SQL of working groups and funded projects. The staff of the organiser's
// (carrier's) subtree manage them (`manage`); the members of a working group
// read it (`own`: their organisations). Anything else is unseen: nullopt, so
// the routes answer 404. The checks of what a write names (an organisation, a
// contact, an event in the caller's reach, no duplicate) live here too, so that
// pages and API say the same French words.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/db/database.hpp"
#include "core/web/validation.hpp"
#include "events/work_rules.hpp"
#include "network/store.hpp"

namespace passerelle::events {

struct WorkAccess {
  network::Scope manage;  // staff (admin, network): groups and projects organised in these subtrees
  network::Scope own;     // organisations of the caller: groups they are a member of, read only
};

struct Deliverable {
  std::int64_t id = 0;
  std::optional<std::int64_t> working_group_id, project_id;
  std::string kind, title;
  std::optional<std::string> dated_on;
  std::string url, file_ref;
  std::optional<std::int64_t> duration_seconds;
  std::string status;
};

// --- Working groups ----------------------------------------------------------
struct GroupMember {
  std::int64_t id = 0, organisation_id = 0;
  std::string organisation_name;
  std::optional<std::int64_t> contact_id;
  std::string contact_name, role, joined_on;
};

struct Meeting {
  std::int64_t event_id = 0;
  std::string title, kind, starts_at, ends_at, status;
};

struct WorkingGroup {
  std::int64_t id = 0, organiser_id = 0;
  std::string title, description, organiser_name, organiser_path, starts_on;
  std::optional<std::string> ends_on;
  std::string status, created_at, updated_at;
  bool managed = false;
  std::int64_t member_count = 0, meeting_count = 0;
  // get_group only
  std::vector<GroupMember> members;
  std::vector<Meeting> meetings;  // by start
  std::vector<Deliverable> deliverables;
};

struct GroupFilter {
  std::string q, status;
  std::string after_title;  // keyset: sort_title, id
  std::int64_t after_id = 0;
  int limit = 50;
};

std::vector<WorkingGroup> list_groups(db::Connection& db, const WorkAccess& access, const GroupFilter& f);
std::optional<WorkingGroup> get_group(db::Connection& db, const WorkAccess& access, std::int64_t id);
// The organiser must be a delegation or the federation in the caller's subtrees.
web::Errors check_organiser(db::Connection& db, const WorkAccess& access, std::int64_t organisation_id,
                            const char* field = "organiser_id");
std::int64_t create_group(db::Connection& db, const GroupValues& v, std::int64_t user_id);
// A status change is written to work_status_history.
void update_group(db::Connection& db, const WorkingGroup& current, const GroupValues& v, std::int64_t user_id);
// The organisation in the caller's subtrees, the contact one of its people,
// not already a member.
std::variant<std::int64_t, web::Errors> add_member(db::Connection& db, const WorkAccess& access, std::int64_t group_id,
                                                   const MemberValues& v);
// The event one the caller manages, not already a meeting of the group.
web::Errors add_meeting(db::Connection& db, const WorkAccess& access, std::int64_t group_id, const std::string& event_id);
// Removals, inside the caller's transaction: a member who left the group, an
// event that was not one of its meetings. Each answers what it removed (a
// label for the audit and the flash), or nullopt when the row is not of this
// group (then nothing is written).
std::optional<std::string> remove_member(db::Connection& db, std::int64_t group_id, std::int64_t member_id);
std::optional<std::string> remove_meeting(db::Connection& db, std::int64_t group_id, std::int64_t event_id);

// --- Funded projects ---------------------------------------------------------
struct Funder {
  std::int64_t id = 0, organisation_id = 0, project_id = 0;
  std::string name;
  std::int64_t amount_cents = 0;
};

struct Activity {
  std::int64_t id = 0;
  std::string kind, title, planned_on;
  std::optional<std::int64_t> event_id;
  std::string event_title, event_starts_at, event_status;
  std::string state;            // planned, done, cancelled (from the event)
  std::int64_t attended = 0;    // registrations "attended" at its event
};

// Figures computed from the rows, never typed: activities planned (all of
// them) and done (their event is done), participants = distinct people
// (contacts) marked present at one of the linked events at least, attendances
// = present marks over those events.
struct ProjectFigures {
  std::int64_t activities = 0, activities_done = 0, activities_cancelled = 0;
  std::int64_t participants = 0, attendances = 0;
  std::int64_t funded_cents = 0;
  std::int64_t deliverables = 0, deliverables_delivered = 0;
};

struct Project {
  std::int64_t id = 0, carrier_id = 0;
  std::string title, goal, carrier_name, carrier_path, starts_on, ends_on, status;
  std::int64_t target_participants = 0;
  std::optional<std::int64_t> contact_id;
  std::string contact_name, contact_function, contact_email, contact_phone;
  std::string created_at, updated_at;
  bool managed = false;
  std::int64_t funded_cents = 0;  // lists too
  // get_project only
  std::vector<Funder> funders;
  std::vector<Activity> activities;  // by planned date
  std::vector<Deliverable> deliverables;
  ProjectFigures figures;
};

struct ProjectFilter {
  std::string q, status;
  std::string after_title;
  std::int64_t after_id = 0;
  int limit = 50;
};

std::vector<Project> list_projects(db::Connection& db, const WorkAccess& access, const ProjectFilter& f);
std::optional<Project> get_project(db::Connection& db, const WorkAccess& access, std::int64_t id);
// The contact person: a contact of an organisation in the caller's subtrees.
web::Errors check_project(db::Connection& db, const WorkAccess& access, const ProjectValues& v);
std::int64_t create_project(db::Connection& db, const ProjectValues& v, std::int64_t user_id);
void update_project(db::Connection& db, const Project& current, const ProjectValues& v, std::int64_t user_id);
// A funder is an organisation of kind "funder" (foundations are shared by the
// whole network) or any organisation in the caller's subtrees; once per project.
std::variant<std::int64_t, web::Errors> add_funder(db::Connection& db, const WorkAccess& access, std::int64_t project_id,
                                                   const FunderValues& v);
std::optional<Funder> get_funder(db::Connection& db, std::int64_t id);
void update_funder_amount(db::Connection& db, std::int64_t id, std::int64_t amount_cents);
// The event, if any, one the caller manages and not linked to another activity of the project.
// The same for a project: a funder that withdrew, an activity dropped.
std::optional<std::string> remove_funder(db::Connection& db, std::int64_t project_id, std::int64_t funder_id);
std::optional<std::string> remove_activity(db::Connection& db, std::int64_t project_id, std::int64_t activity_id);
std::variant<std::int64_t, web::Errors> add_activity(db::Connection& db, const WorkAccess& access,
                                                     std::int64_t project_id, const ActivityValues& v);
// Funders a caller may choose from (kind "funder", or in their subtrees).
std::vector<std::pair<std::int64_t, std::string>> funder_choices(db::Connection& db, const WorkAccess& access);

// --- Deliverables --------------------------------------------------------------
std::int64_t add_deliverable(db::Connection& db, std::optional<std::int64_t> group_id,
                             std::optional<std::int64_t> project_id, const DeliverableValues& v);
std::optional<Deliverable> get_deliverable(db::Connection& db, std::int64_t id);
// Whether the caller manages the group or project the deliverable belongs to.
bool manages_owner(db::Connection& db, const WorkAccess& access, const Deliverable& d);
void update_deliverable(db::Connection& db, std::int64_t id, const DeliverableValues& v);

}  // namespace passerelle::events
