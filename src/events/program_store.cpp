// SQL of the programme of an event: sessions edited or deleted, speakers.
#include <fmt/format.h>

#include "core/web/text.hpp"

#include "events/program.hpp"
#include "events/rules.hpp"
#include "network/store.hpp"

namespace passerelle::events {
namespace {

// Registrations holding a seat that chose this session.
std::int64_t session_seats(db::Connection& db, std::int64_t session_id) {
  return db.query("SELECT COUNT(*) FROM registration_sessions rs JOIN registrations r ON r.id = rs.registration_id "
                  "WHERE rs.session_id = ? AND r.status IN ('registered', 'offered', 'attended', 'no_show')",
                  {session_id})
      .rows[0]
      .integer(0);
}

bool session_of(db::Connection& db, std::int64_t event_id, std::int64_t session_id) {
  return !db.query("SELECT 1 FROM event_sessions WHERE id = ? AND event_id = ?", {session_id, event_id}).empty();
}

}  // namespace

web::Errors validate_session(const SessionTyped& in, SessionInput& out) {
  web::Errors errors;
  SessionInput s;
  s.title = text::trim(in.title);
  s.theme = text::trim(in.theme);
  if (s.title.empty()) errors.push_back({"session_title", "Le titre de la session est obligatoire."});
  else if (s.title.size() > 200) errors.push_back({"session_title", "200 caractères au plus pour le titre."});
  auto cap = text::trim(in.capacity);
  if (!cap.empty()) {
    bool digits = cap.size() <= 9 && cap.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stoll(cap) == 0) errors.push_back({"session_capacity", "La capacité doit être un nombre entier positif."});
    else s.capacity = std::stoll(cap);
  }
  if (errors.empty()) out = std::move(s);
  return errors;
}

web::Errors update_session(db::Connection& db, std::int64_t event_id, std::int64_t session_id, const SessionInput& s) {
  if (!session_of(db, event_id, session_id)) return {{"session", "Cette session ne fait pas partie de l'événement."}};
  auto used = session_seats(db, session_id);
  if (s.capacity && *s.capacity < used)
    return {{"session_capacity",
             fmt::format("{} personne(s) ont déjà choisi cette session : la capacité ne peut pas descendre en dessous.", used)}};
  db.query("UPDATE event_sessions SET title = ?, theme = ?, capacity = ? WHERE id = ?",
           {s.title, s.theme, s.capacity, session_id});
  return {};
}

web::Errors delete_session(db::Connection& db, std::int64_t event_id, std::int64_t session_id) {
  if (!session_of(db, event_id, session_id)) return {{"session", "Cette session ne fait pas partie de l'événement."}};
  if (auto used = session_seats(db, session_id))
    return {{"session", fmt::format("{} personne(s) ont choisi cette session : retirez-la de leur inscription ou "
                                    "annulez celle-ci avant de la supprimer.",
                                    used)}};
  db.query("DELETE FROM registration_sessions WHERE session_id = ?", {session_id});
  db.query("DELETE FROM event_sessions WHERE id = ?", {session_id});
  return {};
}

db::OwnedStatement speakers_read(std::int64_t event_id) {
  return {"SELECT s.id, s.event_id, s.contact_id, s.organisation_id, c.first_name || ' ' || c.last_name, "
          "o.name, c.function_title, s.topic FROM event_speakers s JOIN contacts c ON c.id = s.contact_id "
          "JOIN organisations o ON o.id = s.organisation_id WHERE s.event_id = ? ORDER BY s.position, s.id",
          {event_id}};
}

std::vector<Speaker> speakers_from(const db::Result& result) {
  std::vector<Speaker> out;
  for (auto& r : result.rows)
    out.push_back({r.integer(0), r.integer(1), r.integer(2), r.integer(3), r.text(4), r.text(5), r.text(6), r.text(7)});
  return out;
}

std::vector<Speaker> list_speakers(db::Connection& db, std::int64_t event_id) {
  auto read = speakers_read(event_id);
  return speakers_from(db.query(read.sql, read.params));
}

std::variant<std::int64_t, web::Errors> add_speaker(db::Connection& db, std::int64_t event_id, std::int64_t contact_id,
                                                    std::int64_t organisation_id, const std::string& topic) {
  auto t = text::trim(topic);
  web::Errors errors;
  if (t.size() > 300) errors.push_back({"topic", "300 caractères au plus pour le sujet."});
  if (!db.query("SELECT 1 FROM event_speakers WHERE event_id = ? AND contact_id = ?", {event_id, contact_id}).empty())
    errors.push_back({"contact", "Cette personne intervient déjà à cet événement."});
  if (!errors.empty()) return errors;
  auto pos = db.query("SELECT COALESCE(MAX(position), 0) + 1 FROM event_speakers WHERE event_id = ?", {event_id})
                 .rows[0]
                 .integer(0);
  return db.query("INSERT INTO event_speakers (event_id, contact_id, organisation_id, topic, position) VALUES "
                  "(?, ?, ?, ?, ?) RETURNING id",
                  {event_id, contact_id, organisation_id, t, pos})
      .rows[0]
      .integer(0);
}

bool remove_speaker(db::Connection& db, std::int64_t event_id, std::int64_t speaker_id) {
  if (db.query("SELECT 1 FROM event_speakers WHERE id = ? AND event_id = ?", {speaker_id, event_id}).empty()) return false;
  db.query("DELETE FROM event_speakers WHERE id = ?", {speaker_id});
  return true;
}

std::vector<SpeakerChoice> find_speaker_choices(db::Connection& db, const network::Scope& scope, const std::string& q,
                                                int limit) {
  std::vector<SpeakerChoice> out;
  auto words = network::search_words(q);
  if (words.empty()) return out;
  db::Params params;
  std::string sql = "SELECT c.id, o.id, c.first_name || ' ' || c.last_name, o.name, c.function_title FROM contacts c "
                    "JOIN contact_organisations co ON co.contact_id = c.id JOIN organisations o ON o.id = co.organisation_id "
                    "WHERE " +
                    network::scope_condition(scope, params, "o.path");
  for (auto& w : words) {
    sql += " AND c.search_text LIKE ?";
    params.push_back("%" + w + "%");
  }
  sql += " ORDER BY c.sort_name, c.id, o.sort_name LIMIT ?";
  params.push_back(limit);
  for (auto& r : db.query(sql, params).rows)
    out.push_back({r.integer(0), r.integer(1), r.text(2), r.text(3), r.text(4)});
  return out;
}

std::optional<SpeakerChoice> speaker_choice(db::Connection& db, const network::Scope& scope, std::int64_t contact_id,
                                            std::int64_t organisation_id) {
  db::Params params{contact_id, organisation_id};
  auto r = db.query("SELECT c.id, o.id, c.first_name || ' ' || c.last_name, o.name, c.function_title FROM contacts c "
                    "JOIN contact_organisations co ON co.contact_id = c.id JOIN organisations o ON o.id = co.organisation_id "
                    "WHERE c.id = ? AND o.id = ? AND " +
                        network::scope_condition(scope, params, "o.path"),
                    params);
  if (r.empty()) return std::nullopt;
  return SpeakerChoice{r.rows[0].integer(0), r.rows[0].integer(1), r.rows[0].text(2), r.rows[0].text(3), r.rows[0].text(4)};
}

}  // namespace passerelle::events
