#include "hotline/mail.hpp"

#include <fmt/format.h>

#include "core/web/app.hpp"
#include "core/web/outbox.hpp"
#include "hotline/model.hpp"

namespace passerelle::hotline {
namespace {

namespace json = boost::json;

struct Addressee {
  std::string email, name;
};

bool has_address(const std::string& email) { return email.find('@') != std::string::npos; }

// The member to tell: the question's contact when they have an address, else
// the user who asked it if they are a member of the organisation (a question
// staff typed in from a phone call has no such user: nobody is mailed).
std::optional<Addressee> member_of(db::Connection& db, const Question& q) {
  if (q.contact_id) {
    auto r = db.query("SELECT email, first_name || ' ' || last_name FROM contacts WHERE id = ?", {*q.contact_id});
    if (!r.empty() && has_address(r.rows[0].text(0))) return Addressee{r.rows[0].text(0), r.rows[0].text(1)};
  }
  if (q.created_by) {
    auto r = db.query("SELECT u.email, u.display_name FROM users u WHERE u.id = ? AND u.disabled = 0 AND EXISTS "
                      "(SELECT 1 FROM user_roles ur WHERE ur.user_id = u.id AND ur.role = 'member' "
                      "AND ur.organisation_id = ?)",
                      {*q.created_by, q.organisation_id});
    if (!r.empty() && has_address(r.rows[0].text(0))) return Addressee{r.rows[0].text(0), r.rows[0].text(1)};
  }
  return std::nullopt;
}

std::optional<Addressee> assignee_of(db::Connection& db, const Question& q) {
  if (!q.assignee_id) return std::nullopt;
  auto r = db.query("SELECT email, display_name FROM users WHERE id = ? AND disabled = 0", {*q.assignee_id});
  if (r.empty() || !has_address(r.rows[0].text(0))) return std::nullopt;
  return Addressee{r.rows[0].text(0), r.rows[0].text(1)};
}

std::int64_t last_id(db::Connection& db, const std::string& sql, std::int64_t question_id) {
  auto r = db.query(sql, {question_id});
  return r.empty() || r.rows[0].is_null(0) ? 0 : r.rows[0].integer(0);
}

int queue(db::Connection& db, const std::string& name, const std::string& kind, const std::string& dedupe_key,
          const Addressee& to, const Question& q, json::object data, const std::string& now) {
  data["name"] = to.name;
  data["number"] = q.id;
  data["subject"] = q.subject;
  data["organisation_name"] = q.organisation_name;
  data["category"] = q.category_label;
  data["url"] = fmt::format("{}/questions/{}", web::public_url(), q.id);
  auto rendered = web::render_fragment("hotline/" + name, std::move(data));
  for (auto at = rendered.find("\n\n\n"); at != std::string::npos; at = rendered.find("\n\n\n")) rendered.erase(at, 1);
  auto blank = rendered.find("\n\n");
  outbox::Outgoing m;
  m.kind = kind;
  m.dedupe_key = dedupe_key;
  m.to_address = to.email;
  m.to_name = to.name;
  m.subject = rendered.substr(0, rendered.find('\n'));
  m.text = blank == std::string::npos ? "" : rendered.substr(blank + 2);
  m.organisation_id = q.organisation_id;
  return outbox::enqueue(db, m, now) ? 1 : 0;
}

}  // namespace

int queue_question_mail(db::Connection& db, const Question& q, std::string_view event, std::string_view detail,
                        bool by_staff, const std::string& body, const std::string& now) {
  if (event == "created") {
    auto to = member_of(db, q);
    if (!to) return 0;
    json::object d{{"first_response_due", web::french_long_datetime(q.first_response_due)}};
    return queue(db, "mail_received", "question_received", fmt::format("question_received:{}", q.id), *to, q,
                 std::move(d), now);
  }
  if (event == "reply") {
    auto message = last_id(db, "SELECT MAX(id) FROM question_messages WHERE question_id = ? AND kind = 'reply'", q.id);
    json::object d{{"body", body}, {"state", std::string(label_of(kStates, detail))}, {"waiting", detail == "waiting"}, {"closed", detail == "closed"}};
    if (by_staff) {
      auto to = member_of(db, q);
      if (!to) return 0;
      return queue(db, "mail_reply", "question_reply", fmt::format("question_reply:{}", message), *to, q, std::move(d),
                   now);
    }
    auto to = assignee_of(db, q);
    if (!to) return 0;
    return queue(db, "mail_member_reply", "question_member_reply", fmt::format("question_reply:{}", message), *to, q,
                 std::move(d), now);
  }
  if (event == "assigned") {
    auto to = assignee_of(db, q);
    if (!to) return 0;
    json::object d{{"state", std::string(label_of(kStates, q.state))},
                   {"next_due", web::french_long_datetime(q.next_due)},
                   {"has_due", q.next_due.rfind("9999", 0) != 0}};
    return queue(db, "mail_assigned", "question_assigned",
                 fmt::format("question_assigned:{}:{}:{}", q.id, *q.assignee_id, now), *to, q, std::move(d),
                 now);
  }
  if (event == "state" && detail == "closed" && q.state != "closed") {
    auto to = member_of(db, q);
    if (!to) return 0;
    auto change = last_id(db, "SELECT MAX(id) FROM question_history WHERE question_id = ?", q.id);
    return queue(db, "mail_closed", "question_closed", fmt::format("question_closed:{}:{}", q.id, change), *to, q, {},
                 now);
  }
  return 0;
}

}  // namespace passerelle::hotline
