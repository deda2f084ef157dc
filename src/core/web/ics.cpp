#include "core/web/ics.hpp"

#include <fmt/format.h>

namespace passerelle::ics {

std::string escape_text(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' || c == ';' || c == ',') {
      out += '\\';
      out += c;
    } else if (c == '\r') {
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
      out += "\\n";
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
      // Other control characters are not allowed in TEXT.
    } else {
      out += c;
    }
  }
  return out;
}

std::string fold(std::string_view line) {
  std::string out;
  std::size_t used = 0;  // octets on the current physical line
  for (std::size_t i = 0; i < line.size();) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    std::size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    n = std::min(n, line.size() - i);
    if (used + n > 75) {
      out += "\r\n ";  // the leading space counts in the next line's 75 octets
      used = 1;
    }
    out.append(line.substr(i, n));
    used += n;
    i += n;
  }
  return out + "\r\n";
}

std::string utc_stamp(std::string_view iso) {
  std::string out;
  for (char c : iso.substr(0, 19))
    if (c != '-' && c != ':') out += c;
  return out + "Z";
}

std::string calendar(const Event& e) {
  std::string out;
  auto line = [&](std::string_view name, std::string_view value) { out += fold(std::string(name) + ":" + std::string(value)); };
  line("BEGIN", "VCALENDAR");
  line("VERSION", "2.0");
  line("PRODID", "-//Passerelle//Evenements//FR");
  line("CALSCALE", "GREGORIAN");
  line("METHOD", e.cancelled ? "CANCEL" : "PUBLISH");
  line("BEGIN", "VEVENT");
  line("UID", e.uid);
  line("SEQUENCE", std::to_string(e.sequence));
  line("DTSTAMP", utc_stamp(e.stamp));
  line("DTSTART", utc_stamp(e.starts_at));
  line("DTEND", utc_stamp(e.ends_at));
  line("SUMMARY", escape_text(e.summary));
  if (!e.description.empty()) line("DESCRIPTION", escape_text(e.description));
  if (!e.location.empty()) line("LOCATION", escape_text(e.location));
  if (!e.url.empty()) line("URL", e.url);
  if (!e.organizer_email.empty()) {
    std::string cn;
    if (!e.organizer_name.empty()) {
      // A parameter value is quoted; it may not contain a quote.
      cn = ";CN=\"";
      for (char c : e.organizer_name) cn += c == '"' ? '\'' : c;
      cn += "\"";
    }
    line("ORGANIZER" + cn, "mailto:" + e.organizer_email);
  }
  line("STATUS", e.cancelled ? "CANCELLED" : "CONFIRMED");
  line("END", "VEVENT");
  line("END", "VCALENDAR");
  return out;
}

}  // namespace passerelle::ics
