#include "events/store.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/auth/auth.hpp"
#include "core/db/batch.hpp"
#include "core/web/text.hpp"
#include "events/mail.hpp"

namespace passerelle::events {
namespace {

constexpr const char* kEventColumns =
    "e.id, e.kind, e.title, e.description, e.starts_at, e.ends_at, e.venue, e.visio_url, e.organiser_id, o.name, "
    "o.path, e.capacity, e.registration_opens_at, e.registration_closes_at, e.offer_hours, e.themes, e.status, "
    "e.created_at, e.updated_at, e.open_to_all, e.requires_approval";

Event event_from_row(const db::Row& r) {
  Event e;
  e.id = r.integer(0);
  e.kind = r.text(1);
  e.title = r.text(2);
  e.description = r.text(3);
  e.starts_at = r.text(4);
  e.ends_at = r.text(5);
  e.venue = r.text(6);
  e.visio_url = r.text(7);
  e.organiser_id = r.integer(8);
  e.organiser_name = r.text(9);
  e.organiser_path = r.text(10);
  e.capacity = r.opt_integer(11);
  e.registration_opens_at = r.opt_text(12);
  e.registration_closes_at = r.opt_text(13);
  e.offer_hours = static_cast<int>(r.integer(14));
  e.themes = r.text(15);
  e.status = r.text(16);
  e.created_at = r.text(17);
  e.updated_at = r.text(18);
  e.open_to_all = r.integer(19) != 0;
  e.requires_approval = r.integer(20) != 0;
  return e;
}

bool in_scope(const network::Scope& scope, const std::string& path) {
  return std::any_of(scope.begin(), scope.end(), [&](const std::string& root) { return path.rfind(root, 0) == 0; });
}

// "(managed) OR (published for one of the regions)", parameters appended.
std::string visibility(const EventAccess& a, db::Params& params) {
  std::string sql = "(" + network::scope_condition(a.manage, params, "o.path");
  if (!a.regions.empty()) {
    sql += " OR (e.status IN ('published', 'done') AND EXISTS (SELECT 1 FROM event_regions er WHERE er.event_id = e.id "
           "AND er.region IN (";
    for (std::size_t i = 0; i < a.regions.size(); ++i) {
      sql += i ? ", ?" : "?";
      params.push_back(a.regions[i]);
    }
    sql += ")))";
  }
  return sql + ")";
}

void load_regions(db::Connection& db, std::vector<Event>& events) {
  if (events.empty()) return;
  std::string in;
  db::Params params;
  for (auto& e : events) {
    in += in.empty() ? "?" : ", ?";
    params.push_back(e.id);
  }
  auto r = db.query("SELECT event_id, region FROM event_regions WHERE event_id IN (" + in + ") ORDER BY region", params);
  for (auto& row : r.rows)
    for (auto& e : events)
      if (e.id == row.integer(0)) e.regions.push_back(row.text(1));
}

// The history row, and the e-mail that tells the contact (same transaction).
void write_history(db::Connection& db, std::int64_t id, const std::string& from, const std::string& to,
                   std::optional<std::int64_t> user_id, const std::string& reason, const std::string& now) {
  auto change = db.query("INSERT INTO registration_status_history (registration_id, from_status, to_status, user_id, "
                         "reason, changed_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                         {id, from.empty() ? db::Value() : db::Value(from), to, user_id, reason, now})
                    .rows[0]
                    .integer(0);
  queue_status_mail(db, id, to, change, now);
}

void set_status(db::Connection& db, std::int64_t id, const std::string& from, const std::string& to,
                std::optional<std::string> offer_expires_at, std::optional<std::int64_t> user_id,
                const std::string& reason, const std::string& now) {
  db.query("UPDATE registrations SET status = ?, offer_expires_at = ?, updated_at = ? WHERE id = ?",
           {to, offer_expires_at, now, id});
  write_history(db, id, from, to, user_id, reason, now);
}

struct LockedEvent {
  std::string status, starts_at;
  std::optional<std::int64_t> capacity;
  std::optional<std::string> opens_at, closes_at;
  int offer_hours = 48;
  bool open_to_all = false, requires_approval = false;
};

// Reads the event inside the caller's transaction, locking its row on
// PostgreSQL (SQLite's BEGIN IMMEDIATE already serialises every writer).
std::optional<LockedEvent> lock_event(db::Connection& db, std::int64_t event_id) {
  std::string sql =
      "SELECT status, starts_at, capacity, registration_opens_at, registration_closes_at, offer_hours, open_to_all, "
      "requires_approval FROM events WHERE id = ?";
  if (db.engine() == db::Engine::postgres) sql += " FOR UPDATE";
  auto r = db.query(sql, {event_id});
  if (r.empty()) return std::nullopt;
  auto& row = r.rows[0];
  return LockedEvent{row.text(0),      row.text(1),      row.opt_integer(2),
                     row.opt_text(3),  row.opt_text(4),  static_cast<int>(row.integer(5)),
                     row.integer(6) != 0, row.integer(7) != 0};
}

constexpr const char* kSeatStatuses = "('registered', 'offered', 'attended', 'no_show')";

std::int64_t seats_used(db::Connection& db, std::int64_t event_id) {
  return db.query(fmt::format("SELECT COUNT(*) FROM registrations WHERE event_id = ? AND status IN {}", kSeatStatuses),
                  {event_id})
      .rows[0]
      .integer(0);
}

// Offers the free seats to the first waitlisted, in order of registration.
void offer_free_seats(db::Connection& db, std::int64_t event_id, const LockedEvent& e, const std::string& now) {
  auto used = seats_used(db, event_id);
  while (seat_decision(e.capacity, used) == "registered") {
    auto next = db.query(
        "SELECT id FROM registrations WHERE event_id = ? AND status = 'waitlisted' ORDER BY created_at, id LIMIT 1",
        {event_id});
    if (next.empty()) return;
    // Sessions that filled up while they waited are dropped from their choice,
    // so that no session goes over its capacity.
    db.query(fmt::format("DELETE FROM registration_sessions WHERE registration_id = ? AND session_id IN ("
                         "SELECT s.id FROM event_sessions s WHERE s.event_id = ? AND s.capacity IS NOT NULL AND "
                         "s.capacity <= (SELECT COUNT(*) FROM registration_sessions rs JOIN registrations r ON "
                         "r.id = rs.registration_id WHERE rs.session_id = s.id AND r.status IN {}))",
                         kSeatStatuses),
             {next.rows[0].integer(0), event_id});
    set_status(db, next.rows[0].integer(0), "waitlisted", "offered", add_hours(now, e.offer_hours), std::nullopt,
               "Place libérée", now);
    ++used;
  }
}

constexpr const char* kRegistrationColumns =
    "r.id, r.event_id, r.contact_id, r.organisation_id, e.title, e.starts_at, c.first_name || ' ' || c.last_name, "
    "ro.name, r.status, COALESCE(r.offer_expires_at, ''), r.dietary, r.accessibility, r.created_at";
constexpr const char* kRegistrationFrom =
    " FROM registrations r JOIN events e ON e.id = r.event_id JOIN contacts c ON c.id = r.contact_id"
    " JOIN organisations ro ON ro.id = r.organisation_id JOIN organisations o ON o.id = e.organiser_id";

Registration registration_from_row(const db::Row& row) {
  Registration r;
  r.id = row.integer(0);
  r.event_id = row.integer(1);
  r.contact_id = row.integer(2);
  r.organisation_id = row.integer(3);
  r.event_title = row.text(4);
  r.event_starts_at = row.text(5);
  r.contact_name = row.text(6);
  r.organisation_name = row.text(7);
  r.status = row.text(8);
  r.offer_expires_at = row.text(9);
  r.dietary = row.text(10);
  r.accessibility = row.text(11);
  r.created_at = row.text(12);
  return r;
}

void load_sessions(db::Connection& db, std::vector<Registration>& regs) {
  if (regs.empty()) return;
  std::string in;
  db::Params params;
  for (auto& r : regs) {
    in += in.empty() ? "?" : ", ?";
    params.push_back(r.id);
  }
  auto rows = db.query(
      "SELECT registration_id, session_id FROM registration_sessions WHERE registration_id IN (" + in + ") ORDER BY session_id",
      params);
  for (auto& row : rows.rows)
    for (auto& r : regs)
      if (r.id == row.integer(0)) r.session_ids.push_back(row.integer(1));
}

// Folded title, themes and venue: accent-insensitive search.
std::string search_text(const EventValues& v) { return text::fold(v.title + " " + v.themes + " " + v.venue); }

}  // namespace

std::vector<Event> list_events(db::Connection& db, const EventAccess& access, const EventFilter& f) {
  db::Params params;
  std::string sql = fmt::format("SELECT {} FROM events e JOIN organisations o ON o.id = e.organiser_id WHERE ", kEventColumns);
  sql += visibility(access, params);
  if (!f.kind.empty()) {
    sql += " AND e.kind = ?";
    params.push_back(f.kind);
  }
  if (!f.status.empty()) {
    sql += " AND e.status = ?";
    params.push_back(f.status);
  }
  if (!f.region.empty()) {
    sql += " AND EXISTS (SELECT 1 FROM event_regions fr WHERE fr.event_id = e.id AND fr.region = ?)";
    params.push_back(f.region);
  }
  if (!f.from.empty()) {
    sql += " AND e.ends_at >= ?";
    params.push_back(f.from);
  }
  for (const auto& word : network::search_words(f.q)) {
    sql += " AND e.search_text LIKE ?";
    params.push_back("%" + word + "%");
  }
  if (!f.after_start.empty()) {
    sql += " AND (e.starts_at > ? OR (e.starts_at = ? AND e.id > ?))";
    params.push_back(f.after_start);
    params.push_back(f.after_start);
    params.push_back(f.after_id);
  }
  sql += " ORDER BY e.starts_at, e.id LIMIT ?";
  params.push_back(f.limit);
  std::vector<Event> out;
  for (auto& row : db.query(sql, params).rows) {
    out.push_back(event_from_row(row));
    out.back().managed = in_scope(access.manage, out.back().organiser_path);
  }
  load_regions(db, out);
  return out;
}

std::vector<db::OwnedStatement> event_reads(const EventAccess& access, std::int64_t id) {
  db::Params params{id};
  auto sql = fmt::format("SELECT {} FROM events e JOIN organisations o ON o.id = e.organiser_id WHERE e.id = ? AND ",
                         kEventColumns) +
             visibility(access, params);
  std::vector<db::OwnedStatement> out;
  out.push_back({std::move(sql), std::move(params)});
  out.push_back({"SELECT event_id, region FROM event_regions WHERE event_id = ? ORDER BY region", {id}});
  out.push_back({fmt::format("SELECT COALESCE(SUM(CASE WHEN status IN {} THEN 1 ELSE 0 END), 0), "
                             "COALESCE(SUM(CASE WHEN status = 'waitlisted' THEN 1 ELSE 0 END), 0), "
                             "COALESCE(SUM(CASE WHEN status = 'offered' THEN 1 ELSE 0 END), 0) "
                             "FROM registrations WHERE event_id = ?",
                             kSeatStatuses),
                 {id}});
  out.push_back({fmt::format("SELECT s.id, s.title, s.theme, s.capacity, "
                             "(SELECT COUNT(*) FROM registration_sessions rs JOIN registrations r "
                             "ON r.id = rs.registration_id WHERE rs.session_id = s.id AND r.status IN {}) "
                             "FROM event_sessions s WHERE s.event_id = ? ORDER BY s.position, s.id",
                             kSeatStatuses),
                 {id}});
  return out;
}

std::optional<Event> event_from_reads(const EventAccess& access, std::int64_t id, std::vector<db::Result>& results,
                                      std::size_t first) {
  auto& row = results.at(first);
  if (row.empty()) return std::nullopt;  // unknown, or not visible: nothing else is kept
  Event e = event_from_row(row.rows[0]);
  for (auto& r : results.at(first + 1).rows) e.regions.push_back(r.text(1));
  e.managed = in_scope(access.manage, e.organiser_path);
  auto& counts = results.at(first + 2);
  e.used = counts.rows[0].integer(0);
  e.waitlisted = counts.rows[0].integer(1);
  e.offered = counts.rows[0].integer(2);
  for (auto& r : results.at(first + 3).rows)
    e.sessions.push_back({r.integer(0), id, r.text(1), r.text(2), r.opt_integer(3), r.integer(4)});
  return e;
}

std::optional<Event> get_event(db::Connection& db, const EventAccess& access, std::int64_t id) {
  auto results = db::query_all_owned(db, event_reads(access, id));
  return event_from_reads(access, id, results);
}

std::int64_t create_event(db::Connection& db, const EventValues& v, const std::vector<SessionInput>& sessions) {
  auto now = auth::now_utc();
  auto id = db.query(
                  "INSERT INTO events (kind, title, description, starts_at, ends_at, venue, visio_url, organiser_id, "
                  "capacity, registration_opens_at, registration_closes_at, offer_hours, themes, search_text, status, "
                  "created_at, updated_at, open_to_all, requires_approval) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                  "?, ?, ?, ?, ?, ?) RETURNING id",
                  {v.kind, v.title, v.description, v.starts_at, v.ends_at, v.venue, v.visio_url, v.organiser_id,
                   v.capacity, v.registration_opens_at, v.registration_closes_at, v.offer_hours, v.themes,
                   search_text(v), v.status, now, now, v.open_to_all ? 1 : 0, v.requires_approval ? 1 : 0})
                .rows[0]
                .integer(0);
  for (const auto& region : v.regions) db.query("INSERT INTO event_regions (event_id, region) VALUES (?, ?)", {id, region});
  for (const auto& s : sessions) add_session(db, id, s);
  return id;
}

void update_event(db::Connection& db, std::int64_t id, const EventValues& v) {
  auto before = db.query("SELECT status FROM events WHERE id = ?", {id});
  db.query(
      "UPDATE events SET kind = ?, title = ?, description = ?, starts_at = ?, ends_at = ?, venue = ?, visio_url = ?, "
      "organiser_id = ?, capacity = ?, registration_opens_at = ?, registration_closes_at = ?, offer_hours = ?, "
      "themes = ?, search_text = ?, status = ?, updated_at = ?, open_to_all = ?, requires_approval = ? WHERE id = ?",
      {v.kind, v.title, v.description, v.starts_at, v.ends_at, v.venue, v.visio_url, v.organiser_id, v.capacity,
       v.registration_opens_at, v.registration_closes_at, v.offer_hours, v.themes, search_text(v), v.status, auth::now_utc(),
       v.open_to_all ? 1 : 0, v.requires_approval ? 1 : 0, id});
  db.query("DELETE FROM event_regions WHERE event_id = ?", {id});
  for (const auto& region : v.regions) db.query("INSERT INTO event_regions (event_id, region) VALUES (?, ?)", {id, region});
  // A larger capacity frees seats: they go to the waiting list at once.
  if (auto e = lock_event(db, id)) offer_free_seats(db, id, *e, auth::now_utc());
  if (v.status == "cancelled" && !before.empty() && before.rows[0].text(0) != "cancelled")
    queue_event_cancelled(db, id, auth::now_utc());
}

void set_event_status(db::Connection& db, std::int64_t id, const std::string& status) {
  auto before = db.query("SELECT status FROM events WHERE id = ?", {id});
  db.query("UPDATE events SET status = ?, updated_at = ? WHERE id = ?", {status, auth::now_utc(), id});
  // Everyone registered is told (the caller's transaction: both or neither).
  if (status == "cancelled" && !before.empty() && before.rows[0].text(0) != "cancelled")
    queue_event_cancelled(db, id, auth::now_utc());
}

std::int64_t add_session(db::Connection& db, std::int64_t event_id, const SessionInput& s) {
  auto pos = db.query("SELECT COALESCE(MAX(position), 0) + 1 FROM event_sessions WHERE event_id = ?", {event_id})
                 .rows[0]
                 .integer(0);
  return db.query("INSERT INTO event_sessions (event_id, title, theme, capacity, position) VALUES (?, ?, ?, ?, ?) "
                  "RETURNING id",
                  {event_id, s.title, s.theme, s.capacity, pos})
      .rows[0]
      .integer(0);
}

std::variant<Registration, web::Errors> register_contact(db::Connection& db, const RegistrationRequest& req,
                                                         const std::string& now, std::optional<std::int64_t> user_id) {
  db::Transaction tx(db);
  auto e = lock_event(db, req.event_id);
  if (!e) return web::Errors{{"event_id", "Événement introuvable."}};
  if (auto closed = registration_closed_reason(e->status, e->opens_at, e->closes_at, e->starts_at, now))
    return web::Errors{{"event_id", *closed}};
  web::Errors errors;
  // Members only, unless the event is open to all: the organisation the contact
  // comes for holds a membership that counts today (the network's own staff too).
  if (!e->open_to_all) {
    auto today = utc_to_paris(now).substr(0, 10);
    auto member = db.query(
        "SELECT o.name, CASE WHEN o.kind IN ('federation', 'delegation') OR EXISTS (SELECT 1 FROM memberships m JOIN "
        "membership_status_rules s ON s.code = m.status WHERE m.organisation_id = o.id AND s.is_member = 1 AND "
        "m.start_date <= ? AND m.end_date >= ?) THEN 1 ELSE 0 END FROM organisations o WHERE o.id = ?",
        {today, today, req.organisation_id});
    if (member.empty() || member.rows[0].integer(1) == 0)
      return web::Errors{{"contact_id", fmt::format("Cet événement est réservé aux adhérents : « {} » n'a pas d'adhésion "
                                                    "en cours.",
                                                    member.empty() ? "" : member.rows[0].text(0))}};
  }
  auto existing = db.query("SELECT id, status FROM registrations WHERE event_id = ? AND contact_id = ?",
                           {req.event_id, req.contact_id});
  bool reuse = !existing.empty();
  if (reuse) {
    auto st = existing.rows[0].text(1);
    if (st != "cancelled" && st != "expired")
      errors.push_back({"contact_id", "Cette personne est déjà inscrite à cet événement."});
  }
  for (auto sid : req.session_ids) {
    auto s = db.query(fmt::format("SELECT s.title, s.capacity, (SELECT COUNT(*) FROM registration_sessions rs JOIN "
                                  "registrations r ON r.id = rs.registration_id WHERE rs.session_id = s.id AND "
                                  "r.status IN {}) FROM event_sessions s WHERE s.id = ? AND s.event_id = ?",
                                  kSeatStatuses),
                      {sid, req.event_id});
    if (s.empty()) errors.push_back({"sessions", "Cette session ne fait pas partie de l'événement."});
    else if (!session_has_room(s.rows[0].opt_integer(1), s.rows[0].integer(2)))
      errors.push_back({"sessions", fmt::format("La session « {} » est complète : choisissez-en une autre.",
                                                s.rows[0].text(0))});
  }
  if (!errors.empty()) return errors;
  auto status = e->requires_approval && !req.by_staff ? std::string("awaiting_approval")
                                                      : seat_decision(e->capacity, seats_used(db, req.event_id));
  std::int64_t id;
  std::string from;
  if (reuse) {
    id = existing.rows[0].integer(0);
    from = existing.rows[0].text(1);
    db.query("UPDATE registrations SET organisation_id = ?, status = ?, offer_expires_at = NULL, dietary = ?, "
             "accessibility = ?, created_at = ?, updated_at = ? WHERE id = ?",
             {req.organisation_id, status, req.dietary, req.accessibility, now, now, id});
    db.query("DELETE FROM registration_sessions WHERE registration_id = ?", {id});
  } else {
    id = db.query("INSERT INTO registrations (event_id, contact_id, organisation_id, status, dietary, accessibility, "
                  "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                  {req.event_id, req.contact_id, req.organisation_id, status, req.dietary, req.accessibility, now, now})
             .rows[0]
             .integer(0);
  }
  for (auto sid : req.session_ids)
    db.query("INSERT INTO registration_sessions (registration_id, session_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
             {id, sid});
  write_history(db, id, from, status, user_id, "Inscription", now);
  tx.commit();
  Registration r;
  r.id = id;
  r.event_id = req.event_id;
  r.contact_id = req.contact_id;
  r.organisation_id = req.organisation_id;
  r.status = status;
  r.dietary = req.dietary;
  r.accessibility = req.accessibility;
  r.session_ids = req.session_ids;
  r.created_at = now;
  return r;
}

bool cancel_registration(db::Connection& db, std::int64_t registration_id, const std::string& now,
                         std::optional<std::int64_t> user_id) {
  db::Transaction tx(db);
  auto reg = db.query("SELECT event_id FROM registrations WHERE id = ?", {registration_id});
  if (reg.empty()) return false;
  auto event_id = reg.rows[0].integer(0);
  auto e = lock_event(db, event_id);
  auto cur = db.query("SELECT status FROM registrations WHERE id = ?", {registration_id}).rows[0].text(0);
  if (cur == "cancelled" || cur == "expired" || cur == "attended" || cur == "no_show") return false;
  set_status(db, registration_id, cur, "cancelled", std::nullopt, user_id, "Annulation", now);
  if (uses_seat(cur)) offer_free_seats(db, event_id, *e, now);
  tx.commit();
  return true;
}

bool approve_registration(db::Connection& db, std::int64_t registration_id, const std::string& now,
                          std::optional<std::int64_t> user_id) {
  db::Transaction tx(db);
  auto reg = db.query("SELECT event_id FROM registrations WHERE id = ?", {registration_id});
  if (reg.empty()) return false;
  auto event_id = reg.rows[0].integer(0);
  auto e = lock_event(db, event_id);
  if (db.query("SELECT status FROM registrations WHERE id = ?", {registration_id}).rows[0].text(0) != "awaiting_approval")
    return false;
  // Sessions that filled up while it waited are dropped, as for an offered seat.
  db.query(fmt::format("DELETE FROM registration_sessions WHERE registration_id = ? AND session_id IN ("
                       "SELECT s.id FROM event_sessions s WHERE s.event_id = ? AND s.capacity IS NOT NULL AND "
                       "s.capacity <= (SELECT COUNT(*) FROM registration_sessions rs JOIN registrations r ON "
                       "r.id = rs.registration_id WHERE rs.session_id = s.id AND r.status IN {}))",
                       kSeatStatuses),
           {registration_id, event_id});
  auto to = seat_decision(e->capacity, seats_used(db, event_id));
  set_status(db, registration_id, "awaiting_approval", to, std::nullopt, user_id, "Inscription validée", now);
  tx.commit();
  return true;
}

bool refuse_registration(db::Connection& db, std::int64_t registration_id, const std::string& reason,
                         const std::string& now, std::optional<std::int64_t> user_id) {
  db::Transaction tx(db);
  auto reg = db.query("SELECT event_id, status FROM registrations WHERE id = ?", {registration_id});
  if (reg.empty() || reg.rows[0].text(1) != "awaiting_approval") return false;
  lock_event(db, reg.rows[0].integer(0));
  set_status(db, registration_id, "awaiting_approval", "cancelled", std::nullopt, user_id,
             reason.empty() ? "Inscription refusée" : "Inscription refusée : " + reason, now);
  tx.commit();
  return true;
}

bool accept_offer(db::Connection& db, std::int64_t registration_id, const std::string& now,
                  std::optional<std::int64_t> user_id) {
  db::Transaction tx(db);
  auto reg = db.query("SELECT event_id FROM registrations WHERE id = ?", {registration_id});
  if (reg.empty()) return false;
  lock_event(db, reg.rows[0].integer(0));
  auto cur = db.query("SELECT status, COALESCE(offer_expires_at, '') FROM registrations WHERE id = ?", {registration_id});
  if (cur.rows[0].text(0) != "offered" || cur.rows[0].text(1) <= now) return false;
  set_status(db, registration_id, "offered", "registered", std::nullopt, user_id, "Place acceptée", now);
  tx.commit();
  return true;
}

std::int64_t expire_offers(db::Connection& db, const std::string& now) {
  auto events = db.query(
      "SELECT DISTINCT event_id FROM registrations WHERE status = 'offered' AND offer_expires_at <= ? ORDER BY event_id",
      {now});
  std::int64_t expired = 0;
  for (auto& row : events.rows) {
    auto event_id = row.integer(0);
    db::Transaction tx(db);
    auto e = lock_event(db, event_id);
    auto due = db.query(
        "SELECT id FROM registrations WHERE event_id = ? AND status = 'offered' AND offer_expires_at <= ? ORDER BY id",
        {event_id, now});
    for (auto& r : due.rows) {
      set_status(db, r.integer(0), "offered", "expired", std::nullopt, std::nullopt, "Proposition expirée", now);
      ++expired;
    }
    offer_free_seats(db, event_id, *e, now);
    tx.commit();
  }
  return expired;
}

std::optional<Registration> get_registration(db::Connection& db, const EventAccess& access, std::int64_t id) {
  db::Params params{id};
  auto sql = fmt::format("SELECT {}{} WHERE r.id = ? AND (", kRegistrationColumns, kRegistrationFrom) +
             network::scope_condition(access.manage, params, "o.path") + " OR " +
             network::scope_condition(access.own, params, "ro.path") + ")";
  auto r = db.query(sql, params);
  if (r.empty()) return std::nullopt;
  std::vector<Registration> one{registration_from_row(r.rows[0])};
  load_sessions(db, one);
  return one[0];
}

std::vector<Registration> event_registrations(db::Connection& db, std::int64_t event_id) {
  auto rows = db.query(fmt::format("SELECT {}{} WHERE r.event_id = ? ORDER BY r.created_at, r.id", kRegistrationColumns,
                                   kRegistrationFrom),
                       {event_id});
  std::vector<Registration> out;
  for (auto& row : rows.rows) out.push_back(registration_from_row(row));
  load_sessions(db, out);
  return out;
}

db::OwnedStatement own_registrations_read(const EventAccess& access, const RegistrationFilter& f) {
  db::Params params;
  auto sql = fmt::format("SELECT {}{} WHERE ", kRegistrationColumns, kRegistrationFrom) +
             network::scope_condition(access.own, params, "ro.path");
  if (f.event_id) {
    sql += " AND r.event_id = ?";
    params.push_back(*f.event_id);
  }
  if (f.after_id > 0) {
    sql += " AND r.id < ?";
    params.push_back(f.after_id);
  }
  sql += " ORDER BY r.id DESC LIMIT ?";
  params.push_back(f.limit);
  return {std::move(sql), std::move(params)};
}

std::vector<Registration> registrations_from(db::Connection& db, const db::Result& result) {
  std::vector<Registration> out;
  for (auto& row : result.rows) out.push_back(registration_from_row(row));
  load_sessions(db, out);
  return out;
}

std::vector<Registration> own_registrations(db::Connection& db, const EventAccess& access, const RegistrationFilter& f) {
  auto read = own_registrations_read(access, f);
  return registrations_from(db, db.query(read.sql, read.params));
}

std::vector<Registration> event_registrations(db::Connection& db, std::int64_t event_id, const EventRegistrationFilter& f) {
  db::Params params{event_id};
  auto sql = fmt::format("SELECT {}{} WHERE r.event_id = ?", kRegistrationColumns, kRegistrationFrom);
  if (!f.status.empty()) {
    sql += " AND r.status = ?";
    params.push_back(f.status);
  }
  for (const auto& word : network::search_words(f.q)) {
    sql += " AND (c.search_text LIKE ? OR ro.search_text LIKE ?)";
    params.push_back("%" + word + "%");
    params.push_back("%" + word + "%");
  }
  if (f.after_id > 0) {
    sql += " AND r.id > ?";
    params.push_back(f.after_id);
  }
  sql += " ORDER BY r.id LIMIT ?";
  params.push_back(f.limit);
  std::vector<Registration> out;
  for (auto& row : db.query(sql, params).rows) out.push_back(registration_from_row(row));
  load_sessions(db, out);
  return out;
}

}  // namespace passerelle::events
