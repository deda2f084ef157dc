#pragma once
// SQL of the hotline. Questions are seen by the staff (admin, network) of the
// subtrees holding the asking organisation (`manage`) and by the members of
// that organisation (`own`); internal notes only by the former. Every state
// change writes a history row and restamps the SLA columns in the same call,
// inside the caller's transaction.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/db/database.hpp"
#include "hotline/rules.hpp"
#include "network/store.hpp"

namespace passerelle::hotline {

struct HotlineAccess {
  network::Scope manage;  // staff: every question of these subtrees, notes included
  network::Scope own;     // members: their organisations' questions
  bool manages(const std::string& organisation_path) const;
};

// ---- Categories and calendar ---------------------------------------------------

struct Category {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id;
  std::string name, label;  // label: "Juridique › Droit du travail"
  std::int64_t first_response_minutes = 0, resolution_minutes = 0, position = 0;
  int depth = 0;
  bool active = true;   // its own switch (an administrator retires a category)
  bool offered = true;  // active and every ancestor active: proposed for new questions
};
// In tree order (parents before their children, by position then name),
// retired ones included (older questions keep their category).
std::vector<Category> list_categories(db::Connection& db);
std::optional<Category> get_category(db::Connection& db, std::int64_t id);
std::int64_t create_category(db::Connection& db, const CategoryValues& v);
void update_category(db::Connection& db, std::int64_t id, const CategoryValues& v);
// The working hours of table hotline_business_hours.
Calendar load_calendar(db::Connection& db);
// Replaces every span (in the caller's transaction). Questions already asked keep
// the due instants computed when they came; new ones follow the new hours.
void save_calendar(db::Connection& db, const Calendar& cal);

// ---- Questions ----------------------------------------------------------------

struct Question {
  std::int64_t id = 0, organisation_id = 0, category_id = 0;
  std::optional<std::int64_t> contact_id, assignee_id, created_by;
  std::string organisation_name, organisation_path, region, contact_name, category_label, channel, priority, subject,
      body, state, assignee_name, created_at, updated_at, first_response_due, resolution_due, next_due;
  std::optional<std::string> first_response_at, resolved_at;
  std::optional<std::int64_t> first_response_minutes, resolution_minutes;
  std::optional<int> rating;
  std::string rating_comment;
  bool managed = false;  // the caller handles it (staff)
};

struct QuestionFilter {
  std::string q, state;
  std::optional<std::int64_t> category_id, assignee_id, organisation_id;
  bool unassigned = false;
  bool late = false;      // next due instant before `now`
  std::string now;
  bool newest_first = false;  // members' list: newest first (keyset on id); staff: by next due, then id
  std::string after_due;
  std::int64_t after_id = 0;
  int limit = 50;
};
std::vector<Question> list_questions(db::Connection& db, const HotlineAccess& access, const QuestionFilter& f);
std::optional<Question> get_question(db::Connection& db, const HotlineAccess& access, std::int64_t id);

// Due instants from the category's targets and the calendar; history row new.
std::int64_t create_question(db::Connection& db, const QuestionValues& v, const std::string& now,
                             std::optional<std::int64_t> user_id, const Calendar& cal);

struct Message {
  std::int64_t id = 0;
  std::string kind, author_name, body, created_at;
  bool by_staff = false;
};
// Replies, and the internal notes when `with_notes` (staff only).
std::vector<Message> messages_of(db::Connection& db, std::int64_t question_id, bool with_notes);

struct HistoryRow {
  std::string from_state, to_state, user_name, at;
};
std::vector<HistoryRow> history_of(db::Connection& db, std::int64_t question_id);

// A reply: the first by staff stamps the first response; the state follows
// state_after_reply. Returns the new state.
std::string add_reply(db::Connection& db, const Question& q, const std::string& body, bool by_staff,
                      std::optional<std::int64_t> user_id, const std::string& now, const std::string& then,
                      const Calendar& cal);
void add_note(db::Connection& db, std::int64_t question_id, const std::string& body, std::optional<std::int64_t> user_id,
              const std::string& now);
// Assumes transition_allowed was checked. Answered/closed stamp the
// resolution; reopening clears it and restarts the resolution target from now.
void change_state(db::Connection& db, const Question& q, const std::string& to, std::optional<std::int64_t> user_id,
                  const std::string& now, const Calendar& cal);

// Staff who may handle a question of an organisation: admin and network users
// of the organisation's ancestors (delegation, federation) or itself.
struct StaffMember {
  std::int64_t id = 0;
  std::string name;
};
std::vector<StaffMember> staff_for(db::Connection& db, const std::string& organisation_path);
void assign(db::Connection& db, std::int64_t question_id, std::optional<std::int64_t> user_id, const std::string& now);

struct Attachment {
  std::int64_t id = 0, question_id = 0, size = 0;
  std::string filename, content_type, sha256, created_at, data;  // data: get_attachment only
};
std::int64_t add_attachment(db::Connection& db, std::int64_t question_id, const std::string& filename,
                            const std::string& content_type, const std::string& bytes,
                            std::optional<std::int64_t> user_id, const std::string& now);
std::vector<Attachment> attachments_of(db::Connection& db, std::int64_t question_id);
std::optional<Attachment> get_attachment(db::Connection& db, std::int64_t question_id, std::int64_t attachment_id);

// False when the question was already rated (once only).
bool rate(db::Connection& db, std::int64_t question_id, int score, const std::string& comment,
          std::optional<std::int64_t> user_id, const std::string& now);

// ---- FAQ ------------------------------------------------------------------------

struct FaqEntry {
  std::int64_t id = 0;
  std::optional<std::int64_t> category_id, source_question_id;
  std::string category_label, title, answer, status, published_at, created_at;
};
struct FaqValues {
  std::string title, answer;
  std::optional<std::int64_t> category_id, source_question_id;
};
// Newest first (keyset on id); accent-insensitive word search.
std::vector<FaqEntry> list_faq(db::Connection& db, const std::string& q, bool with_drafts, std::int64_t after_id,
                               int limit);
std::optional<FaqEntry> get_faq(db::Connection& db, std::int64_t id, bool with_drafts);
std::int64_t create_faq(db::Connection& db, const FaqValues& v, std::optional<std::int64_t> user_id,
                        const std::string& now, bool publish);
void update_faq(db::Connection& db, std::int64_t id, const FaqValues& v, const std::string& now);
void publish_faq(db::Connection& db, std::int64_t id, std::optional<std::int64_t> user_id, const std::string& now);
// Published entries sharing the most meaningful words with `text` (a subject as typed).
std::vector<FaqEntry> similar_faq(db::Connection& db, const std::string& text, int limit = 5);

// ---- Reports ----------------------------------------------------------------------

struct ReportFilter {
  std::string from, to;  // dates "YYYY-MM-DD" in Paris, both included
  std::string region;    // INSEE code, or "" for all
};
struct CountRow {
  std::string key, label;
  std::int64_t count = 0;
};
struct RegionRow {
  std::string code, name;
  std::int64_t questions = 0, backlog = 0;
  std::optional<std::int64_t> median_first_response;
};
struct Report {
  std::int64_t questions = 0, backlog = 0, first_responses = 0, resolutions = 0;
  std::optional<std::int64_t> median_first_response, p90_first_response, median_resolution, p90_resolution;
  std::vector<CountRow> by_category, by_week;
  std::vector<RegionRow> by_region;
};
// Questions created in the period in the scope; times in business minutes;
// backlog: created before the end and not answered or closed at the end.
Report hotline_report(db::Connection& db, const network::Scope& scope, const ReportFilter& f);

}  // namespace passerelle::hotline
