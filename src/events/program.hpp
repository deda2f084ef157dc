#pragma once
// The programme of an event, kept by its staff: editing and deleting its
// sessions (a capacity never below the seats already taken; a session chosen
// by someone is not deleted), and its speakers (a contact and the organisation
// they speak for, with their topic). Store on both engines (program_store.cpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/db/batch.hpp"
#include "core/db/database.hpp"
#include "core/web/validation.hpp"
#include "events/store.hpp"

namespace passerelle::events {

// What a form or the API gives for a session, as typed.
struct SessionTyped {
  std::string title, theme, capacity;
};
// Every error at once, in French ("session_title", "session_capacity"); `out` filled when none.
web::Errors validate_session(const SessionTyped& in, SessionInput& out);

// Updates a session of `event_id` (inside the caller's transaction). Errors:
// unknown session, capacity below the seats its registrations hold.
web::Errors update_session(db::Connection& db, std::int64_t event_id, std::int64_t session_id, const SessionInput& s);
// Deletes a session nobody holds a seat in (links of cancelled or expired
// registrations go with it). Errors: unknown session, chosen by N people.
web::Errors delete_session(db::Connection& db, std::int64_t event_id, std::int64_t session_id);

struct Speaker {
  std::int64_t id = 0, event_id = 0, contact_id = 0, organisation_id = 0;
  std::string name, organisation_name, function_title, topic;
};
std::vector<Speaker> list_speakers(db::Connection& db, std::int64_t event_id);
// The same as a statement, for a page's db::query_all, and its rows read back.
db::OwnedStatement speakers_read(std::int64_t event_id);
std::vector<Speaker> speakers_from(const db::Result& result);
// Adds a speaker (inside the caller's transaction). Errors: already a speaker,
// topic over 300 characters. The contact and organisation are checked by the caller.
std::variant<std::int64_t, web::Errors> add_speaker(db::Connection& db, std::int64_t event_id, std::int64_t contact_id,
                                                    std::int64_t organisation_id, const std::string& topic);
// False when not a speaker of this event.
bool remove_speaker(db::Connection& db, std::int64_t event_id, std::int64_t speaker_id);

struct SpeakerChoice {
  std::int64_t contact_id = 0, organisation_id = 0;
  std::string name, organisation_name, function_title;
};
// Contacts of the directory in `scope` matching `q` (accent-insensitive, every
// word), at most `limit`, by name.
std::vector<SpeakerChoice> find_speaker_choices(db::Connection& db, const network::Scope& scope, const std::string& q,
                                                int limit = 20);
// One of them, by contact and organisation (nullopt when outside the scope).
std::optional<SpeakerChoice> speaker_choice(db::Connection& db, const network::Scope& scope, std::int64_t contact_id,
                                            std::int64_t organisation_id);

}  // namespace passerelle::events
