#pragma once
// iCalendar (RFC 5545) documents of one event, for agendas: CRLF line ends,
// lines folded at 75 octets (never inside a UTF-8 character), TEXT values
// escaped (backslash, semicolon, comma, newline). Pure, unit-tested alone.
#include <string>
#include <string_view>

namespace passerelle::ics {

struct Event {
  std::string uid;                // stable per event: "event-12@passerelle.fr"
  std::string starts_at, ends_at; // UTC ISO instants "2023-01-31T08:00:00Z"
  std::string stamp;              // DTSTAMP, UTC ISO
  std::string summary, description, location, url;
  std::string organizer_name, organizer_email;  // optional
  int sequence = 0;               // grows when the event changes (agendas update it)
  bool cancelled = false;         // STATUS:CANCELLED and METHOD:CANCEL
};

// A VCALENDAR with one VEVENT (METHOD:PUBLISH, or CANCEL when cancelled).
std::string calendar(const Event& e);

// TEXT escaping of RFC 5545 §3.3.11.
std::string escape_text(std::string_view s);
// One content line folded at 75 octets, CRLF-ended.
std::string fold(std::string_view line);
// "2023-01-31T08:00:00Z" → "20230131T080000Z".
std::string utc_stamp(std::string_view iso);

}  // namespace passerelle::ics
