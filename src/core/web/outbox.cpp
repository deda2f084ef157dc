#include "core/web/outbox.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>

#include "core/auth/auth.hpp"

namespace passerelle::outbox {
namespace {

std::string after(const std::string& utc, std::int64_t seconds) {
  std::tm tm{};
  if (!strptime(utc.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return utc;
  std::time_t t = timegm(&tm) + seconds;
  std::tm d{};
  gmtime_r(&t, &d);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", d.tm_year + 1900, d.tm_mon + 1, d.tm_mday, d.tm_hour,
                     d.tm_min, d.tm_sec);
}

void history(db::Connection& db, std::int64_t id, std::string_view from, std::string_view to, std::string_view detail,
             std::optional<std::int64_t> user_id, const std::string& now) {
  db.query("INSERT INTO mail_status_history (mail_id, from_status, to_status, detail, user_id, changed_at) "
           "VALUES (?, ?, ?, ?, ?, ?)",
           {id, from.empty() ? db::Value() : db::Value(from), to, detail, user_id, now});
}

// "(o.path >= ? AND o.path < ?) OR …" over the caller's roots, or every row
// when a root is "" (the command line).
std::string scope_sql(const std::vector<std::string>& scope, db::Params& params) {
  std::string sql;
  for (auto& root : scope) {
    if (root.empty()) return "1 = 1";
    auto high = root;
    high.back() = static_cast<char>(high.back() + 1);  // "/1/5/" → "/1/50": just past the subtree
    sql += sql.empty() ? "" : " OR ";
    sql += "(o.path >= ? AND o.path < ?)";
    params.push_back(root);
    params.push_back(high);
  }
  return sql.empty() ? "1 = 0" : "(" + sql + ")";
}

constexpr const char* kEntryColumns =
    "m.id, m.kind, m.to_address, m.to_name, m.subject, m.status, m.last_error, m.next_attempt_at, "
    "COALESCE(m.sent_at, ''), m.created_at, m.attempts, m.registration_id, m.organisation_id";

Entry entry_from_row(const db::Row& r) {
  Entry e;
  e.id = r.integer(0);
  e.kind = r.text(1);
  e.to_address = r.text(2);
  e.to_name = r.text(3);
  e.subject = r.text(4);
  e.status = r.text(5);
  e.last_error = r.text(6);
  e.next_attempt_at = r.text(7);
  e.sent_at = r.text(8);
  e.created_at = r.text(9);
  e.attempts = static_cast<int>(r.integer(10));
  e.registration_id = r.opt_integer(11);
  e.organisation_id = r.opt_integer(12);
  return e;
}

}  // namespace

std::string_view status_label(std::string_view code) {
  for (auto& l : kStatuses)
    if (l.code == code) return l.label;
  return code;
}

bool is_status(std::string_view code) {
  for (auto& l : kStatuses)
    if (l.code == code) return true;
  return false;
}

std::optional<std::int64_t> enqueue(db::Connection& db, const Outgoing& m, const std::string& now) {
  auto message_id = fmt::format("{}@passerelle", auth::random_token(12));
  auto r = db.query(
      "INSERT INTO mail_outbox (kind, dedupe_key, to_address, to_name, subject, body_text, body_html, message_id, "
      "status, attempts, next_attempt_at, registration_id, organisation_id, created_at, updated_at, list_unsubscribe) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
      {m.kind, m.dedupe_key, m.to_address, m.to_name, m.subject, m.text,
       m.html.empty() ? db::Value() : db::Value(m.html), message_id, now, m.registration_id, m.organisation_id, now,
       now, m.list_unsubscribe});
  if (r.empty()) return std::nullopt;
  auto id = r.rows[0].integer(0);
  for (auto& a : m.attachments)
    db.query("INSERT INTO mail_attachments (mail_id, filename, content_type, content, size, sha256) "
             "VALUES (?, ?, ?, ?, ?, ?)",
             {id, a.filename, a.content_type, db::Blob{a.data}, static_cast<std::int64_t>(a.data.size()),
              auth::sha256_hex(a.data)});
  history(db, id, "", "queued", m.kind, std::nullopt, now);
  return id;
}

std::vector<std::int64_t> default_retry_delays() { return {60, 300, 1800, 7200, 21600, 86400}; }

std::vector<std::int64_t> retry_delays_from_env() {
  const char* v = std::getenv("PASSERELLE_MAIL_RETRY_DELAYS");
  if (!v || !*v) return default_retry_delays();
  std::vector<std::int64_t> out;
  std::string s(v);
  std::size_t i = 0;
  while (i <= s.size()) {
    auto comma = s.find(',', i);
    if (comma == std::string::npos) comma = s.size();
    try {
      auto n = std::stoll(s.substr(i, comma - i));
      if (n > 0) out.push_back(n);
    } catch (...) {
    }
    i = comma + 1;
  }
  return out.empty() ? default_retry_delays() : out;
}

std::optional<std::int64_t> retry_delay(int attempts, const std::vector<std::int64_t>& delays) {
  if (attempts < 1 || attempts > static_cast<int>(delays.size())) return std::nullopt;
  return delays[attempts - 1];
}

std::vector<Claimed> claim_due(db::Connection& db, const std::string& now, std::int64_t lease_seconds, int limit) {
  auto token = auth::random_token(12);
  std::string pick = "SELECT id FROM mail_outbox WHERE status = 'queued' AND next_attempt_at <= ? "
                     "ORDER BY next_attempt_at, id LIMIT ?";
  // Two senders never take the same row: PostgreSQL skips the rows another
  // transaction holds; SQLite's BEGIN IMMEDIATE lets one writer in at a time.
  if (db.engine() == db::Engine::postgres) pick += " FOR UPDATE SKIP LOCKED";
  db::Transaction tx(db);
  auto rows = db.query("UPDATE mail_outbox SET status = 'sending', attempts = attempts + 1, lease_until = ?, "
                       "claim_token = ?, updated_at = ? WHERE id IN (" + pick + ") "
                       "RETURNING id, kind, to_address, to_name, subject, body_text, COALESCE(body_html, ''), "
                       "message_id, attempts, list_unsubscribe",
                       {after(now, lease_seconds), token, now, now, limit});
  std::vector<Claimed> out;
  for (auto& r : rows.rows) {
    Claimed c;
    c.id = r.integer(0);
    c.claim_token = token;
    c.kind = r.text(1);
    c.to_address = r.text(2);
    c.to_name = r.text(3);
    c.subject = r.text(4);
    c.text = r.text(5);
    c.html = r.text(6);
    c.message_id = r.text(7);
    c.attempts = static_cast<int>(r.integer(8));
    c.list_unsubscribe = r.text(9);
    history(db, c.id, "queued", "sending", fmt::format("essai {}", c.attempts), std::nullopt, now);
    for (auto& a : db.query("SELECT filename, content_type, content FROM mail_attachments WHERE mail_id = ? ORDER BY id",
                            {c.id})
                       .rows)
      c.attachments.push_back({a.text(0), a.text(1), a.blob(2)});
    out.push_back(std::move(c));
  }
  tx.commit();
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.id < b.id; });
  return out;
}

void mark_sent(db::Connection& db, const Claimed& m, const std::string& now) {
  db::Transaction tx(db);
  // Also from "uncertain": a send that outlived its lease did succeed.
  auto r = db.query("UPDATE mail_outbox SET status = 'sent', sent_at = ?, lease_until = NULL, last_error = '', "
                    "updated_at = ? WHERE id = ? AND claim_token = ? AND status IN ('sending', 'uncertain') "
                    "RETURNING id",
                    {now, now, m.id, m.claim_token});
  if (!r.empty()) history(db, m.id, "sending", "sent", "", std::nullopt, now);
  tx.commit();
}

void mark_failed(db::Connection& db, const Claimed& m, const std::string& error, bool permanent, const std::string& now,
                 const std::vector<std::int64_t>& delays) {
  auto delay = permanent ? std::nullopt : retry_delay(m.attempts, delays);
  std::string to = delay ? "queued" : "failed";
  std::string next = delay ? after(now, *delay) : now;
  db::Transaction tx(db);
  auto r = db.query("UPDATE mail_outbox SET status = ?, next_attempt_at = ?, lease_until = NULL, last_error = ?, "
                    "updated_at = ? WHERE id = ? AND claim_token = ? AND status IN ('sending', 'uncertain') "
                    "RETURNING id",
                    {to, next, error, now, m.id, m.claim_token});
  if (!r.empty()) history(db, m.id, "sending", to, error, std::nullopt, now);
  tx.commit();
}

std::int64_t recover_stale(db::Connection& db, const std::string& now) {
  db::Transaction tx(db);
  auto r = db.query(
      "UPDATE mail_outbox SET status = 'uncertain', last_error = ?, updated_at = ? "
      "WHERE status = 'sending' AND lease_until < ? RETURNING id",
      {"L'envoi a été interrompu (arrêt du serveur) : le message est peut-être parti. Vérifiez avant de le renvoyer.",
       now, now});
  for (auto& row : r.rows) history(db, row.integer(0), "sending", "uncertain", "bail d'envoi expiré", std::nullopt, now);
  tx.commit();
  return static_cast<std::int64_t>(r.rows.size());
}

bool requeue(db::Connection& db, std::int64_t id, std::optional<std::int64_t> user_id, const std::string& now) {
  auto cur = db.query("SELECT status FROM mail_outbox WHERE id = ?", {id});
  if (cur.empty()) return false;
  auto from = cur.rows[0].text(0);
  if (from != "failed" && from != "uncertain") return false;
  auto r = db.query("UPDATE mail_outbox SET status = 'queued', next_attempt_at = ?, claim_token = NULL, "
                    "lease_until = NULL, updated_at = ? WHERE id = ? AND status = ? RETURNING id",
                    {now, now, id, from});
  if (r.empty()) return false;
  history(db, id, from, "queued", "remis en file", user_id, now);
  return true;
}

std::vector<Entry> list(db::Connection& db, const Filter& f) {
  db::Params params;
  std::string sql = fmt::format("SELECT {} FROM mail_outbox m LEFT JOIN organisations o ON o.id = m.organisation_id "
                                "WHERE (m.organisation_id IS NULL OR ",
                                kEntryColumns) +
                    scope_sql(f.scope, params) + ")";
  if (!f.status.empty()) {
    sql += " AND m.status = ?";
    params.push_back(f.status);
  }
  if (f.before_id > 0) {
    sql += " AND m.id < ?";
    params.push_back(f.before_id);
  }
  sql += " ORDER BY m.id DESC LIMIT ?";
  params.push_back(f.limit);
  std::vector<Entry> out;
  for (auto& r : db.query(sql, params).rows) out.push_back(entry_from_row(r));
  return out;
}

std::optional<Entry> get(db::Connection& db, const std::vector<std::string>& scope, std::int64_t id) {
  db::Params params{id};
  auto sql = fmt::format("SELECT {} FROM mail_outbox m LEFT JOIN organisations o ON o.id = m.organisation_id "
                         "WHERE m.id = ? AND (m.organisation_id IS NULL OR ",
                         kEntryColumns) +
             scope_sql(scope, params) + ")";
  auto r = db.query(sql, params);
  if (r.empty()) return std::nullopt;
  return entry_from_row(r.rows[0]);
}

std::vector<std::pair<std::string, std::int64_t>> counts(db::Connection& db) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (auto& l : kStatuses) out.emplace_back(std::string(l.code), 0);
  for (auto& r : db.query("SELECT status, COUNT(*) FROM mail_outbox GROUP BY status").rows)
    for (auto& [code, n] : out)
      if (code == r.text(0)) n = r.integer(1);
  return out;
}

std::string prometheus_text(db::Connection& db) {
  std::string out =
      "# HELP passerelle_mail_outbox_messages Messages of the mail outbox not sent (yet), by status.\n"
      "# TYPE passerelle_mail_outbox_messages gauge\n";
  std::vector<std::pair<std::string, std::int64_t>> n{{"queued", 0}, {"sending", 0}, {"failed", 0}, {"uncertain", 0}};
  for (auto& [status, count] : n)
    count = db.query("SELECT COUNT(*) FROM mail_outbox WHERE status = ?", {status}).rows[0].integer(0);
  for (auto& [status, count] : n)
    out += fmt::format("passerelle_mail_outbox_messages{{status=\"{}\"}} {}\n", status, count);
  return out;
}

}  // namespace passerelle::outbox
