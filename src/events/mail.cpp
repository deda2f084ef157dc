#include "events/mail.hpp"

#include <fmt/format.h>

#include "core/web/app.hpp"
#include "core/web/outbox.hpp"
#include "events/model.hpp"
#include "events/rules.hpp"

namespace passerelle::events {
namespace {

namespace json = boost::json;

CalendarEvent load_event(db::Connection& db, std::int64_t event_id) {
  auto r = db.query("SELECT e.id, e.title, e.description, e.starts_at, e.ends_at, e.venue, e.visio_url, o.name, "
                    "e.status, e.created_at, e.updated_at FROM events e "
                    "JOIN organisations o ON o.id = e.organiser_id WHERE e.id = ?",
                    {event_id});
  if (r.empty()) throw std::runtime_error(fmt::format("événement {} introuvable", event_id));
  auto& row = r.rows[0];
  return {row.integer(0), row.text(1), row.text(2), row.text(3), row.text(4), row.text(5),
          row.text(6),    row.text(7), row.text(8), row.text(9), row.text(10)};
}

// "le lundi 30 janvier 2023 de 9 h 00 à 17 h 00", or "du … au …" over several days.
std::string when(const CalendarEvent& e) {
  auto start_day = web::french_long_date(e.starts_at), end_day = web::french_long_date(e.ends_at);
  if (start_day == end_day)
    return fmt::format("le {} de {} à {}", start_day, web::french_time(e.starts_at), web::french_time(e.ends_at));
  return fmt::format("du {} au {}", web::french_long_datetime(e.starts_at), web::french_long_datetime(e.ends_at));
}

json::object event_data(db::Connection& db, const CalendarEvent& e) {
  auto offer_hours = db.query("SELECT offer_hours FROM events WHERE id = ?", {e.id}).rows[0].integer(0);
  return json::object{{"title", e.title},
                      {"when", when(e)},
                      {"starts", web::french_long_datetime(e.starts_at)},
                      {"venue", e.venue},
                      {"visio_url", e.visio_url},
                      {"organiser_name", e.organiser_name},
                      {"offer_hours", offer_hours},
                      {"url", fmt::format("{}/evenements/{}", web::public_url(), e.id)}};
}

struct Recipient {
  std::int64_t registration_id = 0, event_id = 0, organisation_id = 0;
  std::string email, name, organisation_name, offer_expires_at, updated_at;
};

std::optional<Recipient> recipient(db::Connection& db, std::int64_t registration_id) {
  auto r = db.query("SELECT r.id, r.event_id, r.organisation_id, c.email, c.first_name || ' ' || c.last_name, o.name, "
                    "COALESCE(r.offer_expires_at, ''), r.updated_at FROM registrations r "
                    "JOIN contacts c ON c.id = r.contact_id JOIN organisations o ON o.id = r.organisation_id "
                    "WHERE r.id = ?",
                    {registration_id});
  if (r.empty() || r.rows[0].text(3).find('@') == std::string::npos) return std::nullopt;
  auto& row = r.rows[0];
  return Recipient{row.integer(0), row.integer(1), row.integer(2), row.text(3), row.text(4),
                   row.text(5),    row.text(6),    row.text(7)};
}

json::array session_titles(db::Connection& db, std::int64_t registration_id) {
  json::array out;
  for (auto& row : db.query("SELECT s.title FROM registration_sessions rs JOIN event_sessions s ON s.id = rs.session_id "
                            "WHERE rs.registration_id = ? ORDER BY s.position, s.id",
                            {registration_id})
                       .rows)
    out.push_back(json::value(row.text(0)));
  return out;
}

// Renders templates/events/<name>.mustache and queues it.
void queue(db::Connection& db, const std::string& name, const std::string& kind, const std::string& dedupe_key,
           const Recipient& to, json::object data, bool with_calendar, const CalendarEvent& e, const std::string& now) {
  data["contact_name"] = to.name;
  data["organisation_name"] = to.organisation_name;
  auto rendered = web::render_fragment("events/" + name, std::move(data));
  // Sections left out (no venue, no session) leave blank lines: one is enough.
  for (auto at = rendered.find("\n\n\n"); at != std::string::npos; at = rendered.find("\n\n\n"))
    rendered.erase(at, 1);
  auto blank = rendered.find("\n\n");
  outbox::Outgoing m;
  m.kind = kind;
  m.dedupe_key = dedupe_key;
  m.to_address = to.email;
  m.to_name = to.name;
  m.subject = rendered.substr(0, rendered.find('\n'));
  m.text = blank == std::string::npos ? "" : rendered.substr(blank + 2);
  if (with_calendar)
    m.attachments.push_back({"evenement.ics",
                             e.status == "cancelled" ? "text/calendar; charset=UTF-8; method=CANCEL"
                                                     : "text/calendar; charset=UTF-8; method=PUBLISH",
                             event_calendar(e, now, web::public_url())});
  m.registration_id = to.registration_id;
  m.organisation_id = to.organisation_id;
  outbox::enqueue(db, m, now);
}

}  // namespace

void queue_status_mail(db::Connection& db, std::int64_t registration_id, const std::string& status,
                       std::int64_t change_id, const std::string& now) {
  const char* name = status == "registered"   ? "mail_confirmation"
                     : status == "waitlisted" ? "mail_waitlisted"
                     : status == "offered"    ? "mail_offer"
                     : status == "cancelled"  ? "mail_cancellation"
                     : status == "expired"    ? "mail_offer_expired"
                                              : nullptr;
  if (!name) return;
  auto to = recipient(db, registration_id);
  if (!to) return;
  auto e = load_event(db, to->event_id);
  auto data = event_data(db, e);
  data["sessions"] = session_titles(db, registration_id);
  data["has_sessions"] = !data["sessions"].as_array().empty();
  if (status == "offered") data["offer_until"] = web::french_long_datetime(to->offer_expires_at);
  auto kind = std::string("event_") + (status == "registered"   ? "confirmation"
                                       : status == "waitlisted" ? "waitlisted"
                                       : status == "offered"    ? "offer"
                                       : status == "expired"    ? "offer_expired"
                                                                : "cancellation");
  queue(db, name, kind, fmt::format("{}:{}:{}", kind, registration_id, change_id), *to, std::move(data),
        status == "registered", e, now);
}

std::int64_t queue_event_cancelled(db::Connection& db, std::int64_t event_id, const std::string& now) {
  auto e = load_event(db, event_id);
  auto regs = db.query("SELECT id FROM registrations WHERE event_id = ? AND status IN ('registered', 'waitlisted', "
                       "'offered', 'awaiting_approval') ORDER BY id",
                       {event_id});
  std::int64_t n = 0;
  for (auto& row : regs.rows) {
    auto to = recipient(db, row.integer(0));
    if (!to) continue;
    queue(db, "mail_event_cancelled", "event_cancelled", fmt::format("event_cancelled:{}:{}", event_id, to->registration_id),
          *to, event_data(db, e), true, e, now);
    ++n;
  }
  return n;
}

std::int64_t queue_reminders(db::Connection& db, const std::string& now) {
  auto rows = db.query("SELECT r.id, e.id, e.starts_at, r.updated_at FROM events e "
                       "JOIN registrations r ON r.event_id = e.id AND r.status = 'registered' "
                       "WHERE e.status = 'published' AND e.starts_at > ? AND e.starts_at <= ? ORDER BY e.id, r.id",
                       {now, add_hours(now, 24)});
  std::int64_t n = 0;
  db::Transaction tx(db);
  std::optional<CalendarEvent> e;
  json::object data;
  for (auto& row : rows.rows) {
    if (!reminder_due(now, row.text(2), row.text(3))) continue;
    auto to = recipient(db, row.integer(0));
    if (!to) continue;
    if (!e || e->id != row.integer(1)) {
      e = load_event(db, row.integer(1));
      data = event_data(db, *e);
    }
    auto d = data;
    d["sessions"] = session_titles(db, to->registration_id);
    d["has_sessions"] = !d["sessions"].as_array().empty();
    // One per registration and start date: a moved event is reminded again.
    auto key = fmt::format("event_reminder:{}:{}", to->registration_id, e->starts_at);
    auto before = db.query("SELECT 1 FROM mail_outbox WHERE dedupe_key = ?", {key});
    if (!before.empty()) continue;
    queue(db, "mail_reminder", "event_reminder", key, *to, std::move(d), true, *e, now);
    ++n;
  }
  tx.commit();
  return n;
}

std::string event_ics(db::Connection& db, std::int64_t event_id, const std::string& now) {
  return event_calendar(load_event(db, event_id), now, web::public_url());
}

}  // namespace passerelle::events
