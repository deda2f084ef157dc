#include "hotline/store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "core/auth/auth.hpp"
#include "core/web/text.hpp"
#include "core/web/words.hpp"
#include "network/model.hpp"

namespace passerelle::hotline {

bool HotlineAccess::manages(const std::string& path) const {
  return std::any_of(manage.begin(), manage.end(), [&](const std::string& root) { return path.starts_with(root); });
}

// ---- Categories ------------------------------------------------------------------

std::vector<Category> list_categories(db::Connection& db) {
  auto r = db.query(
      "SELECT id, parent_id, name, first_response_minutes, resolution_minutes, position, active FROM hotline_categories "
      "ORDER BY position, name, id");
  std::map<std::optional<std::int64_t>, std::vector<Category>> children;
  for (auto& row : r.rows) {
    Category c;
    c.id = row.integer(0);
    c.parent_id = row.opt_integer(1);
    c.name = row.text(2);
    c.first_response_minutes = row.integer(3);
    c.resolution_minutes = row.integer(4);
    c.position = row.integer(5);
    c.active = row.integer(6) != 0;
    children[c.parent_id].push_back(std::move(c));
  }
  std::vector<Category> out;
  std::set<std::int64_t> seen;
  auto walk = [&](auto& self, std::optional<std::int64_t> parent, const std::string& prefix, int depth,
                  bool parent_offered) -> void {
    auto it = children.find(parent);
    if (it == children.end()) return;
    for (auto& c : it->second) {
      if (!seen.insert(c.id).second) continue;
      c.label = prefix.empty() ? c.name : prefix + " › " + c.name;
      c.depth = depth;
      c.offered = parent_offered && c.active;
      out.push_back(c);
      self(self, c.id, c.label, depth + 1, c.offered);
    }
  };
  walk(walk, std::nullopt, "", 0, true);
  return out;
}

std::optional<Category> get_category(db::Connection& db, std::int64_t id) {
  for (auto& c : list_categories(db))
    if (c.id == id) return c;
  return std::nullopt;
}

std::int64_t create_category(db::Connection& db, const CategoryValues& v) {
  return db
      .query("INSERT INTO hotline_categories (parent_id, name, first_response_minutes, resolution_minutes, position, "
             "active) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
             {v.parent_id, v.name, v.first_response_minutes, v.resolution_minutes, v.position, v.active ? 1 : 0})
      .rows.at(0)
      .integer(0);
}

void update_category(db::Connection& db, std::int64_t id, const CategoryValues& v) {
  db.query("UPDATE hotline_categories SET parent_id = ?, name = ?, first_response_minutes = ?, resolution_minutes = ?, "
           "position = ?, active = ? WHERE id = ?",
           {v.parent_id, v.name, v.first_response_minutes, v.resolution_minutes, v.position, v.active ? 1 : 0, id});
}

Calendar load_calendar(db::Connection& db) {
  Calendar c;
  for (auto& row : db.query("SELECT weekday, opens_minute, closes_minute FROM hotline_business_hours "
                            "ORDER BY weekday, opens_minute")
                       .rows)
    c.spans.push_back({static_cast<int>(row.integer(0)), static_cast<int>(row.integer(1)),
                       static_cast<int>(row.integer(2))});
  return c;
}

void save_calendar(db::Connection& db, const Calendar& cal) {
  db.query("DELETE FROM hotline_business_hours", {});
  for (auto& s : cal.spans)
    db.query("INSERT INTO hotline_business_hours (weekday, opens_minute, closes_minute) VALUES (?, ?, ?)",
             {s.weekday, s.opens, s.closes});
}

// ---- Questions ------------------------------------------------------------------------

namespace {

constexpr const char* kQuestionColumns =
    "SELECT q.id, q.organisation_id, o.name, o.path, o.region, q.contact_id, "
    "COALESCE(c.first_name || ' ' || c.last_name, ''), q.category_id, q.channel, q.priority, q.subject, q.body, "
    "q.state, q.assignee_id, COALESCE(u.display_name, ''), q.created_by, q.created_at, q.updated_at, "
    "q.first_response_due, q.resolution_due, q.next_due, q.first_response_at, q.first_response_minutes, "
    "q.resolved_at, q.resolution_minutes, r.score, COALESCE(r.comment, '') ";
constexpr const char* kQuestionJoins =
    "LEFT JOIN contacts c ON c.id = q.contact_id LEFT JOIN users u ON u.id = q.assignee_id "
    "LEFT JOIN question_ratings r ON r.question_id = q.id ";
// One question, or a member's few: from the organisations of the scope.
const std::string kQuestionSelect = std::string(kQuestionColumns) +
                                    "FROM questions q JOIN organisations o ON o.id = q.organisation_id " +
                                    kQuestionJoins + "WHERE 1 = 1 ";
// The staff queue: CROSS JOIN keeps SQLite walking questions_next_due (the
// list's order) and reading each question's organisation by its key, instead
// of reading every question of a national scope and sorting them.
const std::string kQueueSelect = std::string(kQuestionColumns) + "FROM questions q CROSS JOIN organisations o " +
                                 kQuestionJoins + "WHERE o.id = q.organisation_id ";

Question question_of(const db::Row& row, const HotlineAccess& access, const std::map<std::int64_t, std::string>& labels) {
  Question q;
  q.id = row.integer(0);
  q.organisation_id = row.integer(1);
  q.organisation_name = row.text(2);
  q.organisation_path = row.text(3);
  q.region = row.text(4);
  q.contact_id = row.opt_integer(5);
  q.contact_name = row.text(6);
  q.category_id = row.integer(7);
  auto l = labels.find(q.category_id);
  q.category_label = l == labels.end() ? "" : l->second;
  q.channel = row.text(8);
  q.priority = row.text(9);
  q.subject = row.text(10);
  q.body = row.text(11);
  q.state = row.text(12);
  q.assignee_id = row.opt_integer(13);
  q.assignee_name = row.text(14);
  q.created_by = row.opt_integer(15);
  q.created_at = row.text(16);
  q.updated_at = row.text(17);
  q.first_response_due = row.text(18);
  q.resolution_due = row.text(19);
  q.next_due = row.text(20);
  q.first_response_at = row.opt_text(21);
  q.first_response_minutes = row.opt_integer(22);
  q.resolved_at = row.opt_text(23);
  q.resolution_minutes = row.opt_integer(24);
  if (!row.is_null(25)) q.rating = static_cast<int>(row.integer(25));
  q.rating_comment = row.text(26);
  q.managed = access.manages(q.organisation_path);
  return q;
}

std::map<std::int64_t, std::string> category_labels(db::Connection& db) {
  std::map<std::int64_t, std::string> out;
  for (auto& c : list_categories(db)) out[c.id] = c.label;
  return out;
}

std::string scope_of(const HotlineAccess& access, db::Params& params) {
  auto manage = network::scope_condition(access.manage, params, "o.path");
  auto own = network::scope_condition(access.own, params, "o.path");
  return fmt::format("({} OR {})", manage, own);
}

void history(db::Connection& db, std::int64_t id, std::optional<std::string> from, const std::string& to,
             std::optional<std::int64_t> user_id, const std::string& now) {
  db.query("INSERT INTO question_history (question_id, from_state, to_state, user_id, at) VALUES (?, ?, ?, ?, ?)",
           {id, from, to, user_id, now});
}

}  // namespace

std::vector<Question> list_questions(db::Connection& db, const HotlineAccess& access, const QuestionFilter& f) {
  db::Params params;
  std::string sql = (f.newest_first ? kQuestionSelect : kQueueSelect) + "AND " + scope_of(access, params);
  if (!f.state.empty()) {
    sql += " AND q.state = ?";
    params.push_back(f.state);
  } else if (!f.newest_first) {
    sql += " AND q.state <> 'closed'";  // the staff queue: what is still to handle
  }
  if (f.category_id) {
    // The category and its subcategories.
    std::vector<std::int64_t> ids{*f.category_id};
    auto cats = list_categories(db);
    for (bool grew = true; grew;) {
      grew = false;
      for (auto& c : cats)
        if (c.parent_id && std::count(ids.begin(), ids.end(), *c.parent_id) &&
            !std::count(ids.begin(), ids.end(), c.id)) {
          ids.push_back(c.id);
          grew = true;
        }
    }
    sql += " AND q.category_id IN (";
    for (std::size_t i = 0; i < ids.size(); ++i) {
      sql += i ? ", ?" : "?";
      params.push_back(ids[i]);
    }
    sql += ")";
  }
  if (f.unassigned) sql += " AND q.assignee_id IS NULL";
  else if (f.assignee_id) {
    sql += " AND q.assignee_id = ?";
    params.push_back(*f.assignee_id);
  }
  if (f.organisation_id) {
    sql += " AND q.organisation_id = ?";
    params.push_back(*f.organisation_id);
  }
  if (f.late) {
    sql += " AND q.next_due < ?";
    params.push_back(f.now);
  }
  web::add_word_search(sql, params, f.q, "q.id", "question_words", "question_id");
  if (f.newest_first) {
    if (f.after_id) {
      sql += " AND q.id < ?";
      params.push_back(f.after_id);
    }
    sql += " ORDER BY q.id DESC";
  } else {
    if (!f.after_due.empty()) {
      sql += " AND (q.next_due > ? OR (q.next_due = ? AND q.id > ?))";
      params.push_back(f.after_due);
      params.push_back(f.after_due);
      params.push_back(f.after_id);
    }
    sql += " ORDER BY q.next_due, q.id";
  }
  sql += fmt::format(" LIMIT {}", std::clamp(f.limit, 1, 500));
  auto labels = category_labels(db);
  std::vector<Question> out;
  for (auto& row : db.query(sql, params).rows) out.push_back(question_of(row, access, labels));
  return out;
}

std::optional<Question> get_question(db::Connection& db, const HotlineAccess& access, std::int64_t id) {
  db::Params params{id};
  auto sql = kQuestionSelect + "AND q.id = ? AND " + scope_of(access, params);
  auto r = db.query(sql, params);
  if (r.empty()) return std::nullopt;
  return question_of(r.rows[0], access, category_labels(db));
}

std::int64_t create_question(db::Connection& db, const QuestionValues& v, const std::string& now,
                             std::optional<std::int64_t> user_id, const Calendar& cal) {
  auto cat = db.query("SELECT first_response_minutes, resolution_minutes FROM hotline_categories WHERE id = ?",
                      {v.category_id});
  if (cat.empty()) throw db::Error("unknown hotline category", true);
  auto first_due = add_business_minutes(cal, now, cat.rows[0].integer(0));
  auto resolution_due = add_business_minutes(cal, now, cat.rows[0].integer(1));
  auto id = db.query("INSERT INTO questions (organisation_id, contact_id, category_id, channel, priority, subject, body, "
                     "state, created_by, created_at, updated_at, first_response_due, resolution_due, next_due, "
                     "search_text) VALUES (?, ?, ?, ?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                     {v.organisation_id, v.contact_id, v.category_id, v.channel, v.priority, v.subject, v.body,
                      user_id, now, now, first_due, resolution_due,
                      next_due("new", std::nullopt, first_due, resolution_due), text::fold(v.subject)})
                .rows.at(0)
                .integer(0);
  web::store_words(db, "question_words", "question_id", id, v.subject + " " + v.body);
  history(db, id, std::nullopt, "new", user_id, now);
  return id;
}

std::vector<Message> messages_of(db::Connection& db, std::int64_t question_id, bool with_notes) {
  std::string sql =
      "SELECT m.id, m.kind, COALESCE(u.display_name, ''), m.body, m.created_at, m.by_staff FROM question_messages m "
      "LEFT JOIN users u ON u.id = m.author_id WHERE m.question_id = ?";
  if (!with_notes) sql += " AND m.kind = 'reply'";
  sql += " ORDER BY m.id";
  std::vector<Message> out;
  for (auto& row : db.query(sql, {question_id}).rows)
    out.push_back({row.integer(0), row.text(1), row.text(2), row.text(3), row.text(4), row.integer(5) != 0});
  return out;
}

std::vector<HistoryRow> history_of(db::Connection& db, std::int64_t question_id) {
  std::vector<HistoryRow> out;
  for (auto& row : db.query("SELECT COALESCE(h.from_state, ''), h.to_state, COALESCE(u.display_name, ''), h.at "
                            "FROM question_history h LEFT JOIN users u ON u.id = h.user_id WHERE h.question_id = ? "
                            "ORDER BY h.id",
                            {question_id})
                       .rows)
    out.push_back({row.text(0), row.text(1), row.text(2), row.text(3)});
  return out;
}

void change_state(db::Connection& db, const Question& q, const std::string& to, std::optional<std::int64_t> user_id,
                  const std::string& now, const Calendar& cal) {
  if (to == q.state) return;
  auto resolved_at = q.resolved_at;
  auto resolution_minutes = q.resolution_minutes;
  auto resolution_due = q.resolution_due;
  if (is_resolved(to) && !is_resolved(q.state)) {
    resolved_at = now;
    resolution_minutes = business_minutes_between(cal, q.created_at, now);
  } else if (!is_resolved(to) && is_resolved(q.state)) {
    // Reopened: the resolution target starts again from now.
    resolved_at.reset();
    resolution_minutes.reset();
    auto cat = db.query("SELECT resolution_minutes FROM hotline_categories WHERE id = ?", {q.category_id});
    resolution_due = add_business_minutes(cal, now, cat.empty() ? 2400 : cat.rows[0].integer(0));
  }
  db.query("UPDATE questions SET state = ?, resolved_at = ?, resolution_minutes = ?, resolution_due = ?, next_due = ?, "
           "updated_at = ? WHERE id = ?",
           {to, resolved_at, resolution_minutes, resolution_due,
            next_due(to, q.first_response_at, q.first_response_due, resolution_due), now, q.id});
  history(db, q.id, q.state, to, user_id, now);
}

std::string add_reply(db::Connection& db, const Question& q, const std::string& body, bool by_staff,
                      std::optional<std::int64_t> user_id, const std::string& now, const std::string& then,
                      const Calendar& cal) {
  db.query("INSERT INTO question_messages (question_id, kind, by_staff, author_id, body, created_at) "
           "VALUES (?, 'reply', ?, ?, ?, ?)",
           {q.id, by_staff, user_id, body, now});
  Question current = q;
  if (by_staff && !q.first_response_at) {
    current.first_response_at = now;
    current.first_response_minutes = business_minutes_between(cal, q.created_at, now);
    db.query("UPDATE questions SET first_response_at = ?, first_response_minutes = ?, next_due = ?, updated_at = ? "
             "WHERE id = ?",
             {now, current.first_response_minutes, next_due(q.state, current.first_response_at, q.first_response_due,
                                                           q.resolution_due),
              now, q.id});
  } else {
    db.query("UPDATE questions SET updated_at = ? WHERE id = ?", {now, q.id});
  }
  auto to = state_after_reply(q.state, by_staff, then);
  change_state(db, current, to, user_id, now, cal);
  return to;
}

void add_note(db::Connection& db, std::int64_t question_id, const std::string& body, std::optional<std::int64_t> user_id,
              const std::string& now) {
  db.query("INSERT INTO question_messages (question_id, kind, by_staff, author_id, body, created_at) "
           "VALUES (?, 'note', 1, ?, ?, ?)",
           {question_id, user_id, body, now});
}

std::vector<StaffMember> staff_for(db::Connection& db, const std::string& organisation_path) {
  // "/1/5/30/" → "/1/", "/1/5/", "/1/5/30/": the organisation and its ancestors.
  db::Params params;
  std::string in;
  for (std::size_t i = 1; i < organisation_path.size(); ++i)
    if (organisation_path[i] == '/') {
      in += in.empty() ? "?" : ", ?";
      params.push_back(organisation_path.substr(0, i + 1));
    }
  if (in.empty()) return {};
  std::vector<StaffMember> out;
  for (auto& row : db.query("SELECT DISTINCT u.id, u.display_name FROM users u JOIN user_roles ur ON ur.user_id = u.id "
                            "JOIN organisations so ON so.id = ur.organisation_id WHERE ur.role IN ('admin', 'network') "
                            "AND u.disabled = 0 AND so.path IN (" + in + ") ORDER BY u.display_name, u.id",
                            params)
                       .rows)
    out.push_back({row.integer(0), row.text(1)});
  return out;
}

void assign(db::Connection& db, std::int64_t question_id, std::optional<std::int64_t> user_id, const std::string& now) {
  db.query("UPDATE questions SET assignee_id = ?, updated_at = ? WHERE id = ?", {user_id, now, question_id});
}

std::int64_t add_attachment(db::Connection& db, std::int64_t question_id, const std::string& filename,
                            const std::string& content_type, const std::string& bytes,
                            std::optional<std::int64_t> user_id, const std::string& now) {
  return db
      .query("INSERT INTO question_attachments (question_id, filename, content_type, size, sha256, data, uploaded_by, "
             "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
             {question_id, filename, content_type, static_cast<std::int64_t>(bytes.size()), auth::sha256_hex(bytes),
              db::Blob{bytes}, user_id, now})
      .rows.at(0)
      .integer(0);
}

std::vector<Attachment> attachments_of(db::Connection& db, std::int64_t question_id) {
  std::vector<Attachment> out;
  for (auto& row : db.query("SELECT id, filename, content_type, size, sha256, created_at FROM question_attachments "
                            "WHERE question_id = ? ORDER BY id",
                            {question_id})
                       .rows) {
    Attachment a;
    a.id = row.integer(0);
    a.question_id = question_id;
    a.filename = row.text(1);
    a.content_type = row.text(2);
    a.size = row.integer(3);
    a.sha256 = row.text(4);
    a.created_at = row.text(5);
    out.push_back(std::move(a));
  }
  return out;
}

std::optional<Attachment> get_attachment(db::Connection& db, std::int64_t question_id, std::int64_t attachment_id) {
  auto r = db.query("SELECT id, filename, content_type, size, sha256, created_at, data FROM question_attachments "
                    "WHERE id = ? AND question_id = ?",
                    {attachment_id, question_id});
  if (r.empty()) return std::nullopt;
  auto& row = r.rows[0];
  Attachment a;
  a.id = row.integer(0);
  a.question_id = question_id;
  a.filename = row.text(1);
  a.content_type = row.text(2);
  a.size = row.integer(3);
  a.sha256 = row.text(4);
  a.created_at = row.text(5);
  a.data = row.blob(6);
  return a;
}

bool rate(db::Connection& db, std::int64_t question_id, int score, const std::string& comment,
          std::optional<std::int64_t> user_id, const std::string& now) {
  auto r = db.query("INSERT INTO question_ratings (question_id, score, comment, user_id, created_at) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (question_id) DO NOTHING",
                    {question_id, score, comment, user_id, now});
  return r.affected == 1;
}

// ---- FAQ -----------------------------------------------------------------------------------

namespace {

constexpr const char* kFaqSelect =
    "SELECT f.id, f.category_id, f.source_question_id, f.title, f.answer, f.status, COALESCE(f.published_at, ''), "
    "f.created_at FROM faq_entries f ";

FaqEntry faq_of(const db::Row& row, const std::map<std::int64_t, std::string>& labels) {
  FaqEntry e;
  e.id = row.integer(0);
  e.category_id = row.opt_integer(1);
  if (e.category_id)
    if (auto it = labels.find(*e.category_id); it != labels.end()) e.category_label = it->second;
  e.source_question_id = row.opt_integer(2);
  e.title = row.text(3);
  e.answer = row.text(4);
  e.status = row.text(5);
  e.published_at = row.text(6);
  e.created_at = row.text(7);
  return e;
}

// Words too common to say two questions are alike.
const std::set<std::string, std::less<>> kStopWords{
    "les", "des", "une", "pour", "dans", "avec", "est", "que", "qui", "sur", "nos", "notre", "nous", "vous", "votre",
    "comment", "quel", "quelle", "quels", "quelles", "par", "pas", "plus", "aux", "ces", "ses", "son", "sont", "faut",
    "peut", "elle", "ils", "leur", "leurs", "mais", "ou", "et", "le", "la", "de", "du", "un", "en", "au", "ce", "se",
    "il", "on", "ne", "je", "a", "y", "d", "l", "s", "question", "bonjour", "merci", "fait", "etre", "avoir"};

}  // namespace

std::vector<FaqEntry> list_faq(db::Connection& db, const std::string& q, bool with_drafts, std::int64_t after_id,
                               int limit) {
  db::Params params;
  std::string sql = std::string(kFaqSelect) + "WHERE 1 = 1";
  if (!with_drafts) sql += " AND f.status = 'published'";
  if (after_id) {
    sql += " AND f.id < ?";
    params.push_back(after_id);
  }
  web::add_word_search(sql, params, q, "f.id", "faq_words", "faq_id");
  sql += fmt::format(" ORDER BY f.id DESC LIMIT {}", std::clamp(limit, 1, 200));
  auto labels = category_labels(db);
  std::vector<FaqEntry> out;
  for (auto& row : db.query(sql, params).rows) out.push_back(faq_of(row, labels));
  return out;
}

std::optional<FaqEntry> get_faq(db::Connection& db, std::int64_t id, bool with_drafts) {
  std::string sql = std::string(kFaqSelect) + "WHERE f.id = ?";
  if (!with_drafts) sql += " AND f.status = 'published'";
  auto r = db.query(sql, {id});
  if (r.empty()) return std::nullopt;
  return faq_of(r.rows[0], category_labels(db));
}

std::int64_t create_faq(db::Connection& db, const FaqValues& v, std::optional<std::int64_t> user_id,
                        const std::string& now, bool publish) {
  auto id = db.query("INSERT INTO faq_entries (category_id, source_question_id, title, answer, status, search_text, "
                     "created_by, published_by, published_at, created_at, updated_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                     {v.category_id, v.source_question_id, text::trim(v.title), text::trim(v.answer),
                      publish ? "published" : "draft", text::fold(v.title), user_id,
                      publish ? db::Value(user_id) : db::Value(), publish ? db::Value(now) : db::Value(), now, now})
                .rows.at(0)
                .integer(0);
  web::store_words(db, "faq_words", "faq_id", id, v.title + " " + v.answer);
  return id;
}

void update_faq(db::Connection& db, std::int64_t id, const FaqValues& v, const std::string& now) {
  db.query("UPDATE faq_entries SET category_id = ?, title = ?, answer = ?, search_text = ?, updated_at = ? WHERE id = ?",
           {v.category_id, text::trim(v.title), text::trim(v.answer), text::fold(v.title), now, id});
  web::store_words(db, "faq_words", "faq_id", id, v.title + " " + v.answer);
}

void publish_faq(db::Connection& db, std::int64_t id, std::optional<std::int64_t> user_id, const std::string& now) {
  db.query("UPDATE faq_entries SET status = 'published', published_by = ?, published_at = ?, updated_at = ? "
           "WHERE id = ? AND status = 'draft'",
           {user_id, now, now, id});
}

std::vector<FaqEntry> similar_faq(db::Connection& db, const std::string& text_typed, int limit) {
  std::vector<std::string> words;
  for (auto& w : web::split_words(text_typed, 30))
    if (w.size() >= 3 && !kStopWords.count(w)) words.push_back(w);
  if (words.empty()) return {};
  if (words.size() > 12) words.resize(12);
  db::Params params;
  std::string in;
  for (auto& w : words) {
    in += in.empty() ? "?" : ", ?";
    params.push_back(w);
  }
  auto sql = std::string(kFaqSelect) +
             "JOIN (SELECT faq_id, COUNT(*) AS shared FROM faq_words WHERE word IN (" + in +
             ") GROUP BY faq_id) w ON w.faq_id = f.id WHERE f.status = 'published' ORDER BY w.shared DESC, f.id DESC " +
             fmt::format("LIMIT {}", std::clamp(limit, 1, 20));
  auto labels = category_labels(db);
  std::vector<FaqEntry> out;
  for (auto& row : db.query(sql, params).rows) out.push_back(faq_of(row, labels));
  return out;
}

// ---- Report -------------------------------------------------------------------------------------

Report hotline_report(db::Connection& db, const network::Scope& scope, const ReportFilter& f) {
  Report rep;
  auto start = paris_day_start_utc(f.from), end = paris_day_start_utc(next_date(f.to));
  if (!start || !end) return rep;
  auto cats = list_categories(db);
  std::map<std::int64_t, std::string> labels;
  for (auto& c : cats) labels[c.id] = c.label;

  db::Params params{*start, *end};
  std::string sql =
      "SELECT q.category_id, SUBSTR(q.created_at, 1, 13), q.first_response_minutes, q.resolution_minutes, o.region "
      "FROM questions q CROSS JOIN organisations o "
      "WHERE o.id = q.organisation_id AND q.created_at >= ? AND q.created_at < ? AND " +
      network::scope_condition(scope, params, "o.path");
  // CROSS JOIN keeps SQLite on the period's range of questions_created (covering), the
  // organisation read by its key; otherwise it walks every question of every organisation
  // of the scope. PostgreSQL plans the join as usual.
  if (!f.region.empty()) {
    sql += " AND o.region = ?";
    params.push_back(f.region);
  }
  std::map<std::int64_t, std::int64_t> by_category;
  std::map<std::string, std::int64_t> by_week;
  std::unordered_map<std::string, std::string> week_cache;
  std::map<std::string, RegionRow> regions;
  std::map<std::string, std::vector<std::int64_t>> region_first;
  std::vector<std::int64_t> first, resolution;
  for (auto& row : db.query(sql, params).rows) {
    ++rep.questions;
    ++by_category[row.integer(0)];
    // The week of an instant depends on its Paris date, the same for a whole UTC hour
    // (Paris is a whole number of hours ahead): computed once per hour of the period.
    auto hour = row.text(1);
    auto week = week_cache.find(hour);
    if (week == week_cache.end()) week = week_cache.emplace(hour, week_of(hour + ":00:00Z")).first;
    ++by_week[week->second];
    auto region = row.text(4);
    ++regions[region].questions;
    if (!row.is_null(2)) {
      first.push_back(row.integer(2));
      region_first[region].push_back(row.integer(2));
    }
    if (!row.is_null(3)) resolution.push_back(row.integer(3));
  }
  rep.first_responses = static_cast<std::int64_t>(first.size());
  rep.resolutions = static_cast<std::int64_t>(resolution.size());
  rep.median_first_response = percentile(first, 50);
  rep.p90_first_response = percentile(first, 90);
  rep.median_resolution = percentile(resolution, 50);
  rep.p90_resolution = percentile(resolution, 90);

  // Backlog: asked before the end of the period and neither answered nor closed at its end.
  // Two ranges of questions_resolved: never resolved, or resolved after the end.
  db::Params bp{*end, *end, *end};
  std::string backlog_sql =
      "SELECT o.region, COUNT(*) FROM (SELECT organisation_id FROM questions WHERE resolved_at IS NULL AND created_at < ? "
      "UNION ALL SELECT organisation_id FROM questions WHERE resolved_at >= ? AND created_at < ?) q "
      "JOIN organisations o ON o.id = q.organisation_id WHERE " +
      network::scope_condition(scope, bp, "o.path");
  if (!f.region.empty()) {
    backlog_sql += " AND o.region = ?";
    bp.push_back(f.region);
  }
  backlog_sql += " GROUP BY o.region";
  for (auto& row : db.query(backlog_sql, bp).rows) {
    regions[row.text(0)].backlog = row.integer(1);
    rep.backlog += row.integer(1);
  }

  for (auto& c : cats)
    if (auto it = by_category.find(c.id); it != by_category.end())
      rep.by_category.push_back({std::to_string(c.id), c.label, it->second});
  // Every week of the period, those without questions too (a chart without holes).
  if (auto t = parse_utc(*start)) {
    for (auto week = week_of(format_utc(*t + 7200)); !week.empty() && week <= f.to;) {
      auto it = by_week.find(week);
      rep.by_week.push_back({week, week, it == by_week.end() ? 0 : it->second});
      auto next = parse_utc(week + "T12:00:00Z");
      if (!next) break;
      week = format_utc(*next + 7 * 86400).substr(0, 10);
    }
  }
  for (auto& [code, row] : regions) {
    row.code = code;
    auto* r = network::find_region(code);
    row.name = r ? std::string(r->name) : (code.empty() ? "Sans région" : code);
    row.median_first_response = percentile(region_first[code], 50);
    rep.by_region.push_back(row);
  }
  std::sort(rep.by_region.begin(), rep.by_region.end(),
            [](const RegionRow& a, const RegionRow& b) { return text::fold(a.name) < text::fold(b.name); });
  return rep;
}

}  // namespace passerelle::hotline
