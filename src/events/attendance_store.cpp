// SQL of attendance, outcomes and reports (see attendance.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "core/auth/auth.hpp"
#include "core/web/text.hpp"
#include "events/attendance.hpp"

#include "core/db/batch.hpp"
#include "events/rules.hpp"

namespace passerelle::events {
namespace {

constexpr const char* kColumns =
    "r.id, r.event_id, r.contact_id, r.organisation_id, e.title, e.starts_at, c.first_name || ' ' || c.last_name, "
    "ro.name, r.status, COALESCE(r.offer_expires_at, ''), r.dietary, r.accessibility, r.created_at";

Registration from_row(const db::Row& row) {
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

void change(db::Connection& db, std::int64_t id, const std::string& from, const std::string& to,
            std::optional<std::int64_t> user_id, const char* reason, const std::string& now) {
  db.query("UPDATE registrations SET status = ?, offer_expires_at = NULL, updated_at = ? WHERE id = ?", {to, now, id});
  db.query(
      "INSERT INTO registration_status_history (registration_id, from_status, to_status, user_id, reason, changed_at) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {id, from, to, user_id, std::string(reason), now});
}

// The event row, locked on PostgreSQL, so that a check-in and a cancellation
// of the same person do not cross.
void lock(db::Connection& db, std::int64_t event_id) {
  std::string sql = "SELECT id FROM events WHERE id = ?";
  if (db.engine() == db::Engine::postgres) sql += " FOR UPDATE";
  db.query(sql, {event_id});
}

// Paris day "YYYY-MM-DD" → UTC instant of its midnight (start) or of the next midnight (end, exclusive).
std::string day_start(const std::string& day) { return paris_to_utc(day + "T00:00").value_or(day); }
std::string day_after(const std::string& day) {
  auto start = paris_to_utc(day + "T00:00");
  if (!start) return day;
  // 24 h later, then back to that Paris day's midnight (summer/winter change days last 23 or 25 h).
  auto next = utc_to_paris(add_hours(*start, 26)).substr(0, 10);
  return paris_to_utc(next + "T00:00").value_or(day);
}

}  // namespace

std::vector<Registration> checkin_list(db::Connection& db, std::int64_t event_id, std::string_view q) {
  auto rows = db.query(fmt::format("SELECT {} FROM registrations r JOIN events e ON e.id = r.event_id "
                                   "JOIN contacts c ON c.id = r.contact_id JOIN organisations ro ON ro.id = r.organisation_id "
                                   "WHERE r.event_id = ? AND r.status IN ('registered', 'offered', 'attended', 'no_show') "
                                   "ORDER BY c.sort_name, c.id",
                                   kColumns),
                       {event_id});
  auto words = network::search_words(q);
  std::vector<Registration> out;
  for (auto& row : rows.rows) {
    auto r = from_row(row);
    if (!words.empty()) {
      auto hay = text::fold(r.contact_name + " " + r.organisation_name);
      if (!std::all_of(words.begin(), words.end(), [&](const std::string& w) { return hay.find(w) != std::string::npos; }))
        continue;
    }
    out.push_back(std::move(r));
  }
  return out;
}

AttendanceCount attendance_count(db::Connection& db, std::int64_t event_id) {
  auto r = db.query(
      "SELECT COALESCE(SUM(CASE WHEN status IN ('registered', 'offered', 'attended', 'no_show') THEN 1 ELSE 0 END), 0), "
      "COALESCE(SUM(CASE WHEN status = 'attended' THEN 1 ELSE 0 END), 0), "
      "COALESCE(SUM(CASE WHEN status = 'no_show' THEN 1 ELSE 0 END), 0) FROM registrations WHERE event_id = ?",
      {event_id});
  return {r.rows[0].integer(0), r.rows[0].integer(1), r.rows[0].integer(2)};
}

std::optional<std::string> set_attendance(db::Connection& db, std::int64_t event_id, std::int64_t registration_id,
                                          const std::string& to, const std::string& now,
                                          std::optional<std::int64_t> user_id) {
  db::Transaction tx(db);
  lock(db, event_id);
  auto cur = db.query("SELECT status FROM registrations WHERE id = ? AND event_id = ?", {registration_id, event_id});
  if (cur.empty()) return "Cette inscription ne fait pas partie de l'événement.";
  auto from = cur.rows[0].text(0);
  if (from == to) return std::nullopt;  // a second tap changes nothing
  if (!attendance_change_allowed(from, to))
    return fmt::format("Une inscription « {} » ne peut pas être marquée « {} ».", label_of(kRegistrationStatuses, from),
                       label_of(kRegistrationStatuses, to));
  change(db, registration_id, from, to, user_id,
         to == "attended" ? "Émargement : présent" : to == "no_show" ? "Émargement : absent" : "Émargement annulé", now);
  tx.commit();
  return std::nullopt;
}

std::int64_t bulk_attendance(db::Connection& db, std::int64_t event_id, const std::vector<std::int64_t>& ids,
                             bool only_unmarked, const std::string& to, const std::string& now,
                             std::optional<std::int64_t> user_id) {
  db::Transaction tx(db);
  lock(db, event_id);
  auto rows = db.query("SELECT id, status FROM registrations WHERE event_id = ? AND status IN ('registered', 'offered', "
                       "'attended', 'no_show') ORDER BY id",
                       {event_id});
  std::int64_t changed = 0;
  for (auto& row : rows.rows) {
    auto id = row.integer(0);
    auto from = row.text(1);
    bool chosen = only_unmarked ? (from == "registered" || from == "offered")
                                : std::find(ids.begin(), ids.end(), id) != ids.end();
    if (!chosen || !attendance_change_allowed(from, to)) continue;
    change(db, id, from, to, user_id, "Pointage après l'événement", now);
    ++changed;
  }
  tx.commit();
  return changed;
}

std::vector<db::OwnedStatement> outcome_reads(std::int64_t event_id) {
  return {{"SELECT e.synthesis, e.next_event_id, COALESCE(n.title, ''), COALESCE(n.starts_at, ''), "
           "COALESCE(n.status, '') FROM events e LEFT JOIN events n ON n.id = e.next_event_id WHERE e.id = ?",
           {event_id}},
          {"SELECT id, title, url FROM event_videos WHERE event_id = ? ORDER BY position, id", {event_id}}};
}

Outcome outcome_from_reads(const std::vector<db::Result>& results, std::size_t first) {
  Outcome o;
  auto& r = results.at(first);
  if (r.empty()) return o;
  o.synthesis = r.rows[0].text(0);
  o.next_event_id = r.rows[0].opt_integer(1);
  o.next_title = r.rows[0].text(2);
  o.next_starts_at = r.rows[0].text(3);
  o.next_status = r.rows[0].text(4);
  for (auto& v : results.at(first + 1).rows) o.videos.push_back({v.integer(0), v.text(1), v.text(2)});
  return o;
}

Outcome get_outcome(db::Connection& db, std::int64_t event_id) {
  return outcome_from_reads(db::query_all_owned(db, outcome_reads(event_id)), 0);
}

void save_outcome(db::Connection& db, std::int64_t event_id, const OutcomeInput& in) {
  db.query("UPDATE events SET synthesis = ?, updated_at = ? WHERE id = ?", {in.synthesis, auth::now_utc(), event_id});
  db.query("DELETE FROM event_videos WHERE event_id = ?", {event_id});
  int pos = 0;
  for (auto& v : in.videos)
    db.query("INSERT INTO event_videos (event_id, title, url, position) VALUES (?, ?, ?, ?)",
             {event_id, v.title, v.url, ++pos});
}

std::int64_t announce_next(db::Connection& db, std::int64_t event_id, const std::string& starts_utc,
                           const std::string& ends_utc) {
  auto r = db.query("SELECT kind, title, description, venue, visio_url, organiser_id, capacity, offer_hours, themes, "
                    "open_to_all, requires_approval FROM events WHERE id = ?",
                    {event_id});
  auto& row = r.rows.at(0);
  EventValues v;
  v.kind = row.text(0);
  v.title = row.text(1);
  v.description = row.text(2);
  v.venue = row.text(3);
  v.visio_url = row.text(4);
  v.organiser_id = row.integer(5);
  v.capacity = row.opt_integer(6);
  v.offer_hours = static_cast<int>(row.integer(7));
  v.themes = row.text(8);
  v.open_to_all = row.integer(9) != 0;
  v.requires_approval = row.integer(10) != 0;
  v.starts_at = starts_utc;
  v.ends_at = ends_utc;
  v.status = "published";
  for (auto& reg : db.query("SELECT region FROM event_regions WHERE event_id = ? ORDER BY region", {event_id}).rows)
    v.regions.push_back(reg.text(0));
  std::vector<SessionInput> sessions;
  for (auto& s : db.query("SELECT title, theme, capacity FROM event_sessions WHERE event_id = ? ORDER BY position, id",
                          {event_id})
                     .rows)
    sessions.push_back({s.text(0), s.text(1), s.opt_integer(2)});
  auto id = create_event(db, v, sessions);
  db.query("UPDATE events SET next_event_id = ? WHERE id = ?", {id, event_id});
  return id;
}

Report attendance_report(db::Connection& db, const ReportFilter& f) {
  Report rep;
  auto from = day_start(f.from), to = day_after(f.to);
  // Events of the scope starting in the period.
  db::Params params{from, to};
  auto scope = network::scope_condition(f.scope, params, "o.path");
  auto events = db.query(
      "SELECT e.id, e.title, e.kind, e.starts_at, o.name, e.status, e.capacity FROM events e JOIN organisations o ON "
      "o.id = e.organiser_id WHERE e.starts_at >= ? AND e.starts_at < ? AND e.status <> 'draft' AND " +
          scope + " ORDER BY e.starts_at, e.id",
      params);
  std::unordered_map<std::int64_t, std::size_t> by_id;
  by_id.reserve(events.rows.size());
  for (auto& row : events.rows) {
    EventReportRow e;
    e.id = row.integer(0);
    e.title = row.text(1);
    e.kind = row.text(2);
    e.starts_at = row.text(3);
    e.organiser_name = row.text(4);
    e.status = row.text(5);
    e.capacity = row.opt_integer(6);
    by_id[e.id] = rep.events.size();
    rep.events.push_back(std::move(e));
  }
  if (!rep.events.empty()) {
    db::Params rp{from, to};
    auto rscope = network::scope_condition(f.scope, rp, "o.path");
    for (auto& row : db.query("SELECT er.event_id, er.region FROM event_regions er JOIN events e ON e.id = er.event_id "
                              "JOIN organisations o ON o.id = e.organiser_id WHERE e.starts_at >= ? AND e.starts_at < ? "
                              "AND e.status <> 'draft' AND " +
                                  rscope + " ORDER BY er.event_id, er.region",
                              rp)
                          .rows)
      if (auto it = by_id.find(row.integer(0)); it != by_id.end()) rep.events[it->second].regions.push_back(row.text(1));
  }

  // Their registrations, read once (from the index on event and status) and
  // counted here per event and per member organisation.
  struct OrgCount {
    std::int64_t registrations = 0, attended = 0, no_show = 0;
    std::int64_t last_event = -1;  // index in rep.events of the last event attended
    std::int64_t events = 0;       // distinct events
  };
  std::unordered_map<std::int64_t, OrgCount> orgs;
  if (!rep.events.empty()) {
    db::Params gp{from, to};
    auto gscope = network::scope_condition(f.scope, gp, "o.path");
    // In no particular order: sorting a national year (70,000 rows) spilled to
    // disk on PostgreSQL; distinct events per organisation are counted with a set.
    auto regs = db.query("SELECT r.event_id, r.organisation_id, r.status FROM events e JOIN organisations o ON "
                         "o.id = e.organiser_id JOIN registrations r ON r.event_id = e.id WHERE e.starts_at >= ? AND "
                         "e.starts_at < ? AND e.status <> 'draft' AND " +
                             gscope,
                         gp);
    std::unordered_set<std::uint64_t> org_events;  // (organisation id, event index) pairs seen
    org_events.reserve(regs.rows.size());
    for (auto& row : regs.rows) {
      auto it = by_id.find(row.integer(0));
      if (it == by_id.end()) continue;
      auto& e = rep.events[it->second];
      auto status = row.text(2);
      if (status == "cancelled") {
        ++e.cancelled;
        continue;
      }
      if (status == "expired") continue;
      ++e.registrations;
      if (status == "waitlisted") ++e.waitlisted;
      auto& o = orgs[row.integer(1)];
      ++o.registrations;
      if (org_events.insert((static_cast<std::uint64_t>(row.integer(1)) << 24) ^ it->second).second) ++o.events;
      if (status == "attended") {
        ++e.attended;
        ++o.attended;
        if (static_cast<std::int64_t>(it->second) > o.last_event) o.last_event = static_cast<std::int64_t>(it->second);
      } else if (status == "no_show") {
        ++e.no_show;
        ++o.no_show;
      }
    }
  }
  for (auto& e : rep.events) {
    rep.registrations += e.registrations;
    rep.attended += e.attended;
    rep.no_show += e.no_show;
  }
  // Names of those organisations, 500 at a time.
  std::vector<std::int64_t> org_ids;
  org_ids.reserve(orgs.size());
  for (auto& [id, _] : orgs) org_ids.push_back(id);
  for (std::size_t i = 0; i < org_ids.size(); i += 500) {
    std::string in;
    db::Params ip;
    for (std::size_t j = i; j < std::min(org_ids.size(), i + 500); ++j) {
      in += in.empty() ? "?" : ", ?";
      ip.push_back(org_ids[j]);
    }
    for (auto& row : db.query("SELECT id, name, kind, region FROM organisations WHERE id IN (" + in + ")", ip).rows) {
      auto& c = orgs[row.integer(0)];
      rep.members.push_back({row.integer(0), row.text(1), row.text(2), row.text(3), c.registrations, c.events,
                             c.attended, c.no_show,
                             c.last_event >= 0 ? rep.events[static_cast<std::size_t>(c.last_event)].starts_at : ""});
    }
  }
  std::sort(rep.members.begin(), rep.members.end(), [](const MemberReportRow& a, const MemberReportRow& b) {
    return a.name != b.name ? a.name < b.name : a.organisation_id < b.organisation_id;
  });

  // Members: organisations of the scope whose membership counts as being a
  // member today (the question is "which of our members never come?").
  auto today = utc_to_paris(auth::now_utc()).substr(0, 10);
  db::Params np{today, today};
  auto nscope = network::scope_condition(f.scope, np, "o.path");
  auto member_orgs = db.query(
      "SELECT o.id, o.name, o.kind, o.region FROM organisations o WHERE EXISTS (SELECT 1 FROM memberships m "
      "JOIN membership_status_rules s ON s.code = m.status WHERE m.organisation_id = o.id AND s.is_member = 1 "
      "AND m.start_date <= ? AND m.end_date >= ?) AND " +
          nscope + " ORDER BY o.region, o.name, o.id",
      np);
  std::unordered_map<std::int64_t, const MemberReportRow*> attending, member_rows;
  for (auto& m : rep.members) {
    member_rows[m.organisation_id] = &m;
    if (m.attended > 0) attending[m.organisation_id] = &m;
  }

  // Per region: events open to it, registrations and members of it.
  std::map<std::string, RegionReportRow> regions;
  for (auto& e : rep.events)
    for (auto& code : e.regions) {
      auto& r = regions[code];
      r.region = code;
      ++r.events;
    }
  for (auto& m : rep.members) {
    if (m.region.empty()) continue;
    auto& r = regions[m.region];
    r.region = m.region;
    r.registrations += m.registrations;
    r.attended += m.attended;
    r.no_show += m.no_show;
  }
  for (auto& row : member_orgs.rows) {
    MemberReportRow m{row.integer(0), row.text(1), row.text(2), row.text(3), 0, 0, 0, 0, ""};
    bool attends = attending.count(m.organisation_id) > 0;
    if (!m.region.empty()) {
      auto& r = regions[m.region];
      r.region = m.region;
      ++r.members;
      if (attends) ++r.members_attending;
    }
    if (!attends) {
      if (auto it = member_rows.find(m.organisation_id); it != member_rows.end()) m = *it->second;
      rep.never.push_back(std::move(m));
    }
  }
  for (auto& [code, r] : regions) rep.regions.push_back(r);
  return rep;
}

}  // namespace passerelle::events
