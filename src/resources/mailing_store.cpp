#include "resources/mailing_store.hpp"

#include <fmt/format.h>

#include "core/auth/auth.hpp"
#include "core/web/app.hpp"
#include "core/web/outbox.hpp"
#include "core/web/text.hpp"
#include "network/store.hpp"
#include "resources/mailing_rules.hpp"

namespace passerelle::mailings {
namespace {

constexpr const char* kColumns =
    "m.id, m.organisation_id, o.name, o.path, m.subject, m.body_text, m.audience, m.region, m.organisation_kind, "
    "m.programme_id, m.referent_id, COALESCE(p.name, ''), COALESCE(r.display_name, ''), m.status, m.recipients_count, "
    "COALESCE(m.test_sent_at, ''), COALESCE(m.send_started_at, ''), COALESCE(m.sent_at, ''), "
    "COALESCE(u.display_name, ''), m.created_at, m.updated_at";
constexpr const char* kFrom =
    " FROM mailings m JOIN organisations o ON o.id = m.organisation_id "
    "LEFT JOIN programmes p ON p.id = m.programme_id LEFT JOIN users r ON r.id = m.referent_id "
    "LEFT JOIN users u ON u.id = m.created_by";

Mailing from_row(const db::Row& r) {
  Mailing m;
  m.id = r.integer(0);
  m.organisation_id = r.integer(1);
  m.organisation_name = r.text(2);
  m.organisation_path = r.text(3);
  m.subject = r.text(4);
  m.body = r.text(5);
  m.audience = r.text(6);
  m.region = r.text(7);
  m.organisation_kind = r.text(8);
  m.programme_id = r.opt_integer(9);
  m.referent_id = r.opt_integer(10);
  m.programme_name = r.text(11);
  m.referent_name = r.text(12);
  m.status = r.text(13);
  m.recipients_count = r.integer(14);
  m.test_sent_at = r.text(15);
  m.send_started_at = r.text(16);
  m.sent_at = r.text(17);
  m.created_by_name = r.text(18);
  m.created_at = r.text(19);
  m.updated_at = r.text(20);
  return m;
}

// "/1/5/" → the condition "path in that subtree" for a column, with its parameters.
std::string subtree(const std::string& root, db::Params& params, const char* column) {
  return network::scope_condition({root}, params, column);
}

std::vector<ResourceLink> resources_of(db::Connection& db, std::int64_t mailing_id) {
  std::vector<ResourceLink> out;
  for (auto& r : db.query("SELECT x.id, x.title, x.summary FROM mailing_resources mr JOIN resources x ON x.id = "
                          "mr.resource_id WHERE mr.mailing_id = ? ORDER BY mr.position, x.id",
                          {mailing_id})
                     .rows)
    out.push_back({r.integer(0), r.text(1), r.text(2)});
  return out;
}

void write_resources(db::Connection& db, std::int64_t id, const std::vector<std::int64_t>& ids) {
  db.query("DELETE FROM mailing_resources WHERE mailing_id = ?", {id});
  int position = 0;
  for (auto rid : ids)
    db.query("INSERT INTO mailing_resources (mailing_id, resource_id, position) VALUES (?, ?, ?)", {id, rid, ++position});
}

// Resource fit (same rule as resources_for), as SQL on the alias x.
std::string fits_sql(const std::string& audience, const std::string& region, db::Params& params) {
  if (audience == "participants") return "(x.audience = 'public' OR x.pedagogical = 1)";
  params.push_back(region);
  return "(x.audience IN ('public', 'members') OR (x.audience = 'region' AND x.region = ? AND x.region <> ''))";
}

std::string search_text(const MailingValues& v) { return text::fold(v.subject + " " + v.body); }

}  // namespace

std::vector<Mailing> list_mailings(db::Connection& db, const Scope& scope, const MailingFilter& f) {
  db::Params params;
  auto sql = fmt::format("SELECT {}{} WHERE ", kColumns, kFrom) + network::scope_condition(scope, params, "o.path");
  if (!f.status.empty()) {
    sql += " AND m.status = ?";
    params.push_back(f.status);
  }
  if (!f.audience.empty()) {
    sql += " AND m.audience = ?";
    params.push_back(f.audience);
  }
  if (auto q = text::fold(text::trim(f.q)); !q.empty()) {
    sql += " AND m.search_text LIKE ?";
    params.push_back("%" + q + "%");
  }
  if (f.before_id > 0) {
    sql += " AND m.id < ?";
    params.push_back(f.before_id);
  }
  sql += " ORDER BY m.id DESC LIMIT ?";
  params.push_back(f.limit);
  std::vector<Mailing> out;
  for (auto& r : db.query(sql, params).rows) out.push_back(from_row(r));
  return out;
}

std::optional<Mailing> get_mailing(db::Connection& db, const Scope& scope, std::int64_t id) {
  db::Params params{id};
  auto sql = fmt::format("SELECT {}{} WHERE m.id = ? AND ", kColumns, kFrom) +
             network::scope_condition(scope, params, "o.path");
  auto r = db.query(sql, params);
  if (r.empty()) return std::nullopt;
  auto m = from_row(r.rows[0]);
  m.resources = resources_of(db, m.id);
  return m;
}

web::Errors check_references(db::Connection& db, const Scope& scope, const MailingValues& v) {
  web::Errors errors;
  std::string root;
  if (v.organisation_id) {
    db::Params params{v.organisation_id};
    auto r = db.query("SELECT o.path FROM organisations o WHERE o.id = ? AND " +
                          network::scope_condition(scope, params, "o.path"),
                      params);
    if (r.empty()) errors.push_back({"organisation_id", "Structure introuvable dans votre périmètre."});
    else root = r.rows[0].text(0);
  }
  if (!root.empty() && v.programme_id) {
    db::Params params{*v.programme_id};
    auto sql = "SELECT 1 FROM programmes p JOIN organisations o ON o.id = p.organisation_id WHERE p.id = ? AND " +
               subtree(root, params, "o.path");
    if (db.query(sql, params).empty())
      errors.push_back({"programme_id", "Ce programme n'est pas suivi par la structure qui envoie ni par ses membres."});
  }
  if (!root.empty() && v.referent_id) {
    db::Params params{*v.referent_id};
    auto sql = "SELECT 1 FROM user_roles ur JOIN organisations o ON o.id = ur.organisation_id WHERE ur.user_id = ? "
               "AND ur.role = 'referent' AND " + subtree(root, params, "o.path");
    if (db.query(sql, params).empty())
      errors.push_back({"referent_id", "Cette personne n'est pas référente dans la structure qui envoie."});
  }
  for (auto rid : v.resource_ids) {
    db::Params params{rid};
    auto sql = "SELECT 1 FROM resources x WHERE x.id = ? AND x.status = 'published' AND " +
               fits_sql(v.audience, v.region, params);
    if (db.query(sql, params).empty()) {
      errors.push_back({"resource_ids", "Une ressource choisie n'est pas publiée ou ne convient pas à ces destinataires."});
      break;
    }
  }
  return errors;
}

std::int64_t create_mailing(db::Connection& db, const MailingValues& v, std::int64_t user_id, const std::string& now) {
  auto id = db.query("INSERT INTO mailings (organisation_id, subject, body_text, audience, region, organisation_kind, "
                     "programme_id, referent_id, status, created_by, created_at, updated_at, search_text) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?) RETURNING id",
                     {v.organisation_id, v.subject, v.body, v.audience, v.region, v.organisation_kind, v.programme_id,
                      v.referent_id, user_id, now, now, search_text(v)})
                .rows.at(0)
                .integer(0);
  write_resources(db, id, v.resource_ids);
  return id;
}

bool update_mailing(db::Connection& db, std::int64_t id, const MailingValues& v, const std::string& now) {
  auto r = db.query("UPDATE mailings SET organisation_id = ?, subject = ?, body_text = ?, audience = ?, region = ?, "
                    "organisation_kind = ?, programme_id = ?, referent_id = ?, updated_at = ?, search_text = ? "
                    "WHERE id = ? AND status = 'draft' RETURNING id",
                    {v.organisation_id, v.subject, v.body, v.audience, v.region, v.organisation_kind, v.programme_id,
                     v.referent_id, now, search_text(v), id});
  if (r.empty()) return false;
  write_resources(db, id, v.resource_ids);
  return true;
}

std::vector<Choice> sender_organisations(db::Connection& db, const Scope& scope) {
  // The organisations at the roots of the scope and the delegations below them.
  db::Params params;
  auto sql = "SELECT o.id, o.name FROM organisations o WHERE o.kind IN ('federation', 'delegation') AND " +
             network::scope_condition(scope, params, "o.path") + " ORDER BY o.path, o.id LIMIT 200";
  std::vector<Choice> out;
  for (auto& r : db.query(sql, params).rows) out.push_back({r.integer(0), r.text(1)});
  return out;
}

std::vector<Choice> programmes_in(db::Connection& db, const Scope& scope) {
  db::Params params;
  auto sql = "SELECT p.id, p.name || ' (' || o.name || ')' FROM programmes p JOIN organisations o ON o.id = "
             "p.organisation_id WHERE " + network::scope_condition(scope, params, "o.path") +
             " ORDER BY p.name, p.id LIMIT 500";
  std::vector<Choice> out;
  for (auto& r : db.query(sql, params).rows) out.push_back({r.integer(0), r.text(1)});
  return out;
}

std::vector<Choice> referents_in(db::Connection& db, const Scope& scope) {
  db::Params params;
  auto sql = "SELECT DISTINCT u.id, u.display_name FROM user_roles ur JOIN users u ON u.id = ur.user_id "
             "JOIN organisations o ON o.id = ur.organisation_id WHERE ur.role = 'referent' AND u.disabled = 0 AND " +
             network::scope_condition(scope, params, "o.path") + " ORDER BY u.display_name, u.id LIMIT 500";
  std::vector<Choice> out;
  for (auto& r : db.query(sql, params).rows) out.push_back({r.integer(0), r.text(1)});
  return out;
}

std::vector<ResourceChoice> resources_for(db::Connection& db, const std::string& audience, const std::string& region) {
  db::Params params;
  auto sql = "SELECT x.id, x.title, x.summary, x.audience, COALESCE(x.published_on, ''), x.pedagogical FROM resources x "
             "WHERE x.status = 'published' AND " + fits_sql(audience, region, params) +
             " ORDER BY x.published_on DESC, x.id DESC LIMIT 200";
  std::vector<ResourceChoice> out;
  for (auto& r : db.query(sql, params).rows)
    out.push_back({r.integer(0), r.text(1), r.text(2), r.text(3), r.text(4), r.integer(5) != 0});
  return out;
}

std::vector<Recipient> audience_page(db::Connection& db, const Mailing& m, std::int64_t after_id, int limit,
                                     std::int64_t* last_id) {
  db::Params params{after_id};  // the first "?" of both queries
  std::string sql;
  if (m.audience == "contacts") {
    // "Member" = an organisation with a membership whose status counts as
    // member (membership_status_rules.is_member, kept current by the daily pass).
    sql = "SELECT c.id, c.email, c.first_name || ' ' || c.last_name, MIN(o.name) FROM contacts c "
          "JOIN contact_organisations co ON co.contact_id = c.id JOIN organisations o ON o.id = co.organisation_id "
          "WHERE c.mailing_consent = 1 AND c.email <> '' AND c.id > ? AND " +
          subtree(m.organisation_path, params, "o.path");
    if (!m.region.empty()) {
      sql += " AND o.region = ?";
      params.push_back(m.region);
    }
    if (!m.organisation_kind.empty()) {
      sql += " AND o.kind = ?";
      params.push_back(m.organisation_kind);
    }
    sql += " AND EXISTS (SELECT 1 FROM memberships ms WHERE ms.organisation_id = o.id AND ms.status IN "
           "(SELECT code FROM membership_status_rules WHERE is_member = 1)) "
           "AND NOT EXISTS (SELECT 1 FROM mailing_unsubscribes u WHERE u.email = LOWER(c.email) "
           "AND u.unsubscribed_at >= COALESCE(c.mailing_consent_at, '')) "
           "GROUP BY c.id, c.email, c.first_name, c.last_name ORDER BY c.id LIMIT ?";
  } else {
    sql = "SELECT p.id, p.email, p.first_name || ' ' || p.last_name, o.name FROM participants p "
          "JOIN organisations o ON o.id = p.organisation_id WHERE p.email <> '' AND p.consent_at <> '' AND p.id > ? AND " +
          subtree(m.organisation_path, params, "o.path") +
          " AND EXISTS (SELECT 1 FROM enrolments e WHERE e.participant_id = p.id AND e.status = 'active'";
    if (m.programme_id) {
      sql += " AND e.programme_id = ?";
      params.push_back(*m.programme_id);
    }
    if (m.referent_id) {
      sql += " AND e.referent_id = ?";
      params.push_back(*m.referent_id);
    }
    sql += ") AND NOT EXISTS (SELECT 1 FROM mailing_unsubscribes u WHERE u.participant_id = p.id) "
           "AND NOT EXISTS (SELECT 1 FROM mailing_unsubscribes u WHERE u.email = LOWER(p.email)) "
           "ORDER BY p.id LIMIT ?";
  }
  params.push_back(limit);
  std::vector<Recipient> out;
  for (auto& r : db.query(sql, params).rows) {
    if (last_id) *last_id = r.integer(0);
    auto email = text::trim(r.text(1));
    if (!plausible_email(email)) continue;
    Recipient x;
    (m.audience == "contacts" ? x.contact_id : x.participant_id) = r.integer(0);
    x.email = email;
    x.name = r.text(2);
    x.organisation_name = r.text(3);
    out.push_back(std::move(x));
  }
  return out;
}

std::int64_t audience_count(db::Connection& db, const Mailing& m) {
  std::int64_t n = 0, after = 0;
  for (;;) {
    std::int64_t last = 0;
    auto page = audience_page(db, m, after, 1000, &last);
    n += static_cast<std::int64_t>(page.size());
    if (last == 0 || last == after) break;
    after = last;
  }
  return n;
}

bool start_sending(db::Connection& db, std::int64_t id, std::int64_t user_id, const std::string& now) {
  return !db.query("UPDATE mailings SET status = 'sending', sent_by = ?, send_started_at = ?, updated_at = ? "
                   "WHERE id = ? AND status = 'draft' RETURNING id",
                   {user_id, now, now, id})
              .empty();
}

namespace {

outbox::Outgoing message_for(const Mailing& m, const Recipient& to, const std::string& base_url,
                             const std::string& token, const std::string& kind, const std::string& key) {
  auto c = compose(m.body, m.resources, base_url, base_url + "/desabonnement/" + token, m.organisation_name, to.name);
  outbox::Outgoing o;
  o.kind = kind;
  o.dedupe_key = key;
  o.to_address = to.email;
  o.to_name = to.name;
  o.subject = m.subject;
  o.text = std::move(c.text);
  o.html = std::move(c.html);
  o.organisation_id = m.organisation_id;
  if (kind == "mailing") o.list_unsubscribe = base_url + "/desabonnement/" + token;
  return o;
}

}  // namespace

std::int64_t queue_all(db::Connection& db, std::int64_t mailing_id, const std::string& base_url, int batch) {
  auto m = get_mailing(db, {""}, mailing_id);
  if (!m || m->status == "draft") return 0;
  std::int64_t queued = 0, after = 0;
  for (;;) {
    std::int64_t last = 0;
    auto now = auth::now_utc();
    // One transaction per batch: a crash loses at most the batch under way,
    // and the next run skips whoever is already queued.
    db::Transaction tx(db);
    auto page = audience_page(db, *m, after, batch, &last);
    for (auto& to : page) {
      auto email = normalized_email(to.email);
      auto token = auth::random_token(32);
      auto ins = db.query(
          "INSERT INTO mailing_recipients (mailing_id, contact_id, participant_id, email, name, organisation_name, "
          "unsubscribe_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (mailing_id, email) DO NOTHING "
          "RETURNING id",
          {m->id, to.contact_id, to.participant_id, email, to.name, to.organisation_name, auth::sha256_hex(token), now});
      if (ins.empty()) continue;  // already queued (a resumed send, or the same address twice)
      auto mail_id = outbox::enqueue(db, message_for(*m, to, base_url, token, "mailing", dedupe_key(m->id, email)), now);
      if (!mail_id) {
        auto r = db.query("SELECT id FROM mail_outbox WHERE dedupe_key = ?", {dedupe_key(m->id, email)});
        if (!r.empty()) mail_id = r.rows[0].integer(0);
      }
      db.query("UPDATE mailing_recipients SET mail_id = ? WHERE id = ?", {mail_id, ins.rows[0].integer(0)});
      ++queued;
    }
    db.query("UPDATE mailings SET recipients_count = (SELECT COUNT(*) FROM mailing_recipients WHERE mailing_id = ?), "
             "updated_at = ? WHERE id = ?",
             {m->id, now, m->id});
    tx.commit();
    if (last == 0 || last == after) break;
    after = last;
  }
  auto now = auth::now_utc();
  db.query("UPDATE mailings SET status = 'sent', sent_at = COALESCE(sent_at, ?), updated_at = ? WHERE id = ?",
           {now, now, m->id});
  return queued;
}

std::int64_t queue_test(db::Connection& db, const Mailing& m, const std::string& email, const std::string& name,
                        const std::string& base_url, const std::string& now) {
  Recipient to;
  to.email = email;
  to.name = name;
  auto msg = message_for(m, to, base_url, "exemple-de-lien", "mailing_test",
                         fmt::format("mailing-test:{}:{}", m.id, auth::random_token(8)));
  msg.subject = "[Test] " + m.subject;
  auto id = outbox::enqueue(db, msg, now);
  db.query("UPDATE mailings SET test_sent_at = ?, updated_at = ? WHERE id = ?", {now, now, m.id});
  return id.value_or(0);
}

std::vector<std::pair<std::string, std::int64_t>> delivery_counts(db::Connection& db, std::int64_t mailing_id) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (auto& l : outbox::kStatuses) out.emplace_back(std::string(l.code), 0);
  for (auto& r : db.query("SELECT m.status, COUNT(*) FROM mailing_recipients r JOIN mail_outbox m ON m.id = r.mail_id "
                          "WHERE r.mailing_id = ? GROUP BY m.status",
                          {mailing_id})
                     .rows)
    for (auto& [code, n] : out)
      if (code == r.text(0)) n = r.integer(1);
  return out;
}

std::vector<RecipientRow> recipients(db::Connection& db, std::int64_t mailing_id, const RecipientFilter& f) {
  db::Params params{mailing_id, f.after_id};
  std::string sql =
      "SELECT r.id, r.contact_id, r.participant_id, r.mail_id, r.email, r.name, r.organisation_name, "
      "COALESCE(m.status, ''), COALESCE(m.last_error, ''), COALESCE(m.sent_at, ''), COALESCE(m.attempts, 0) "
      "FROM mailing_recipients r LEFT JOIN mail_outbox m ON m.id = r.mail_id WHERE r.mailing_id = ? AND r.id > ?";
  if (!f.status.empty()) {
    sql += " AND m.status = ?";
    params.push_back(f.status);
  }
  if (auto q = text::trim(f.q); !q.empty()) {
    sql += " AND (LOWER(r.email) LIKE ? OR LOWER(r.name) LIKE ? OR LOWER(r.organisation_name) LIKE ?)";
    auto like = "%" + normalized_email(q) + "%";
    params.insert(params.end(), {like, like, like});
  }
  sql += " ORDER BY r.id LIMIT ?";
  params.push_back(f.limit);
  std::vector<RecipientRow> out;
  for (auto& r : db.query(sql, params).rows)
    out.push_back({r.integer(0), r.opt_integer(1), r.opt_integer(2), r.opt_integer(3), r.text(4), r.text(5), r.text(6),
                   r.text(7), r.text(8), r.text(9), static_cast<int>(r.integer(10))});
  return out;
}

std::optional<UnsubscribeTarget> find_unsubscribe(db::Connection& db, const std::string& token) {
  if (token.size() != 64) return std::nullopt;
  auto r = db.query("SELECT r.id, r.mailing_id, r.contact_id, r.participant_id, r.email, o.name, "
                    "(SELECT MAX(u.unsubscribed_at) FROM mailing_unsubscribes u WHERE u.email = r.email), r.created_at "
                    "FROM mailing_recipients r JOIN mailings m ON m.id = r.mailing_id "
                    "JOIN organisations o ON o.id = m.organisation_id WHERE r.unsubscribe_hash = ?",
                    {auth::sha256_hex(token)});
  if (r.empty()) return std::nullopt;
  auto& row = r.rows[0];
  UnsubscribeTarget t{row.integer(0), row.integer(1), row.opt_integer(2), row.opt_integer(3), row.text(4), row.text(5)};
  t.done = !row.is_null(6) && row.text(6) >= row.text(7);
  return t;
}

void unsubscribe(db::Connection& db, const UnsubscribeTarget& t, const std::string& now) {
  db.query("INSERT INTO mailing_unsubscribes (contact_id, participant_id, email, mailing_id, unsubscribed_at) "
           "VALUES (?, ?, ?, ?, ?)",
           {t.contact_id, t.participant_id, t.email, t.mailing_id, now});
  // The contact's consent is withdrawn (the directory shows it); the date is the row above.
  if (t.contact_id)
    db.query("UPDATE contacts SET mailing_consent = 0, mailing_consent_at = NULL, updated_at = ? WHERE id = ?",
             {now, *t.contact_id});
}

db::OwnedStatement sent_to_participant_read(std::int64_t participant_id, int limit) {
  return {"SELECT g.id, g.subject, COALESCE(m.status, ''), r.created_at, COALESCE(m.sent_at, '') "
          "FROM mailing_recipients r JOIN mailings g ON g.id = r.mailing_id "
          "LEFT JOIN mail_outbox m ON m.id = r.mail_id WHERE r.participant_id = ? "
          "ORDER BY r.id DESC LIMIT ?",
          {participant_id, limit}};
}

std::vector<SentToParticipant> sent_to_participant_from(const db::Result& result) {
  std::vector<SentToParticipant> out;
  for (auto& r : result.rows) out.push_back({r.integer(0), r.text(1), r.text(2), r.text(3), r.text(4)});
  return out;
}

std::vector<SentToParticipant> sent_to_participant(db::Connection& db, std::int64_t participant_id, int limit) {
  auto read = sent_to_participant_read(participant_id, limit);
  return sent_to_participant_from(db.query(read.sql, read.params));
}

}  // namespace passerelle::mailings
