#include "events/rules.hpp"

#include "network/model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace passerelle::events {
namespace {

// Europe/Paris: UTC+1, and UTC+2 from the last Sunday of March 01:00 UTC to
// the last Sunday of October 01:00 UTC (EU directive 2000/84/EC).
std::time_t last_sunday_utc(int year, int month) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month;
  tm.tm_mday = 1;
  tm.tm_hour = 1;
  std::time_t t = timegm(&tm) - 86400;
  std::tm d{};
  gmtime_r(&t, &d);
  return t - d.tm_wday * 86400;
}

int paris_offset(std::time_t t) {
  std::tm d{};
  gmtime_r(&t, &d);
  int year = d.tm_year + 1900;
  return t >= last_sunday_utc(year, 3) && t < last_sunday_utc(year, 10) ? 7200 : 3600;
}

std::string format_utc(std::time_t t) {
  std::tm d{};
  gmtime_r(&t, &d);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", d.tm_year + 1900, d.tm_mon + 1, d.tm_mday, d.tm_hour,
                     d.tm_min, d.tm_sec);
}

// "YYYY-MM-DDTHH:MM[:SS]" as a UTC calendar instant; nullopt when malformed or impossible.
std::optional<std::time_t> parse_instant(std::string_view s) {
  int y, mo, d, h, mi, se = 0;
  std::string str(s);
  if (str.size() >= 11 && str[10] == ' ') str[10] = 'T';
  char tail[8] = {0};
  int n = std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%7s", &y, &mo, &d, &h, &mi, &se, tail);
  if (n < 5) return std::nullopt;
  if (n == 5) se = 0;
  if (str.size() < 16 || str[4] != '-' || str[7] != '-' || str[10] != 'T' || str[13] != ':') return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59 || y < 1900 || y > 2999) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = se;
  std::time_t t = timegm(&tm);
  std::tm back{};
  gmtime_r(&t, &back);
  if (back.tm_mday != d) return std::nullopt;  // 31 February
  return t;
}

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::optional<std::int64_t> positive(const std::string& s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  for (char c : s)
    if (c < '0' || c > '9') return std::nullopt;
  return std::stoll(s);
}

}  // namespace

std::optional<std::string> paris_to_utc(std::string_view local) {
  auto t = parse_instant(trim(local));
  if (!t) return std::nullopt;
  // Summer offset if the instant it gives lies in summer time, else winter.
  std::time_t summer = *t - 7200;
  return format_utc(paris_offset(summer) == 7200 ? summer : *t - 3600);
}

std::string utc_to_paris(std::string_view utc) {
  auto t = parse_instant(utc);
  if (!t) return "";
  std::time_t local = *t + paris_offset(*t);
  return format_utc(local).substr(0, 16);
}

std::string add_hours(std::string_view utc, int hours) {
  auto t = parse_instant(utc);
  if (!t) return std::string(utc);
  return format_utc(*t + std::time_t{hours} * 3600);
}

web::Errors validate_event(const EventInput& in, EventValues& out) {
  web::Errors errors;
  EventValues v;
  v.kind = trim(in.kind);
  if (!is_code(kEventKinds, v.kind)) errors.push_back({"kind", "Choisissez le type d'événement."});
  v.title = trim(in.title);
  if (v.title.empty()) errors.push_back({"title", "Le titre est obligatoire."});
  else if (v.title.size() > 200) errors.push_back({"title", "Le titre ne doit pas dépasser 200 caractères."});
  v.description = trim(in.description);
  auto starts = paris_to_utc(in.starts_at), ends = paris_to_utc(in.ends_at);
  if (!starts) errors.push_back({"starts_at", "Indiquez la date et l'heure de début."});
  if (!ends) errors.push_back({"ends_at", "Indiquez la date et l'heure de fin."});
  if (starts && ends && *ends <= *starts) errors.push_back({"ends_at", "La fin doit être après le début."});
  v.starts_at = starts.value_or("");
  v.ends_at = ends.value_or("");
  v.venue = trim(in.venue);
  v.visio_url = trim(in.visio_url);
  if (v.venue.empty() && v.visio_url.empty())
    errors.push_back({"venue", "Indiquez un lieu ou un lien de visioconférence."});
  if (!v.visio_url.empty() && v.visio_url.rfind("https://", 0) != 0 && v.visio_url.rfind("http://", 0) != 0)
    errors.push_back({"visio_url", "Le lien de visioconférence doit commencer par https://."});
  auto organiser = positive(trim(in.organiser_id));
  if (!organiser || *organiser == 0) errors.push_back({"organiser_id", "Choisissez l'organisateur."});
  else v.organiser_id = *organiser;
  auto cap = trim(in.capacity);
  if (!cap.empty()) {
    auto c = positive(cap);
    if (!c || *c == 0) errors.push_back({"capacity", "La capacité doit être un nombre entier positif."});
    else v.capacity = *c;
  }
  auto opens = trim(in.registration_opens_at), closes = trim(in.registration_closes_at);
  if (!opens.empty()) {
    if (auto o = paris_to_utc(opens)) v.registration_opens_at = *o;
    else errors.push_back({"registration_opens_at", "Date d'ouverture des inscriptions invalide."});
  }
  if (!closes.empty()) {
    if (auto c = paris_to_utc(closes)) v.registration_closes_at = *c;
    else errors.push_back({"registration_closes_at", "Date de clôture des inscriptions invalide."});
  }
  if (v.registration_opens_at && v.registration_closes_at && *v.registration_closes_at <= *v.registration_opens_at)
    errors.push_back({"registration_closes_at", "La clôture des inscriptions doit être après leur ouverture."});
  if (v.registration_closes_at && ends && *v.registration_closes_at > *ends)
    errors.push_back({"registration_closes_at", "Les inscriptions doivent être closes avant la fin de l'événement."});
  auto hours = trim(in.offer_hours);
  if (!hours.empty()) {
    auto h = positive(hours);
    if (!h || *h == 0 || *h > 24 * 30) errors.push_back({"offer_hours", "Le délai de réponse doit être de 1 à 720 heures."});
    else v.offer_hours = static_cast<int>(*h);
  }
  v.themes = trim(in.themes);
  v.status = trim(in.status).empty() ? "draft" : trim(in.status);
  if (!is_code(kEventStatuses, v.status)) errors.push_back({"status", "Statut inconnu."});
  for (const auto& r : in.regions) {
    auto region = trim(r);
    if (region.empty() || std::find(v.regions.begin(), v.regions.end(), region) != v.regions.end()) continue;
    if (!network::find_region(region)) errors.push_back({"regions", fmt::format("Région inconnue : « {} ».", region)});
    else v.regions.push_back(region);
  }
  if (v.regions.empty()) errors.push_back({"regions", "Choisissez au moins une région."});
  auto flag = [&](const std::string& raw, const char* field, bool& out) {
    auto t = trim(raw);
    if (t == "1" || t == "on" || t == "true") out = true;
    else if (t.empty() || t == "0" || t == "false") out = false;
    else errors.push_back({field, "Valeur attendue : oui (1) ou non (0)."});
  };
  flag(in.open_to_all, "open_to_all", v.open_to_all);
  flag(in.requires_approval, "requires_approval", v.requires_approval);
  if (errors.empty()) out = std::move(v);
  return errors;
}

bool uses_seat(std::string_view status) {
  return status == "registered" || status == "offered" || status == "attended" || status == "no_show";
}

std::string seat_decision(std::optional<std::int64_t> capacity, std::int64_t used) {
  return !capacity || used < *capacity ? "registered" : "waitlisted";
}

bool session_has_room(std::optional<std::int64_t> capacity, std::int64_t used) { return !capacity || used < *capacity; }

std::optional<std::string> registration_closed_reason(std::string_view event_status,
                                                      const std::optional<std::string>& opens_at,
                                                      const std::optional<std::string>& closes_at,
                                                      std::string_view starts_at, std::string_view now) {
  if (event_status == "cancelled") return "Cet événement est annulé.";
  if (event_status != "published") return "Les inscriptions à cet événement ne sont pas ouvertes.";
  if (opens_at && now < *opens_at) return "Les inscriptions ne sont pas encore ouvertes.";
  if (closes_at ? now >= *closes_at : now >= starts_at) return "Les inscriptions sont closes.";
  return std::nullopt;
}

std::string event_calendar(const CalendarEvent& e, const std::string& now, const std::string& site_url) {
  ics::Event c;
  // The host of the site makes the UID unique across installations.
  auto host = site_url.substr(site_url.find("://") == std::string::npos ? 0 : site_url.find("://") + 3);
  host = host.substr(0, host.find_first_of(":/"));
  c.uid = fmt::format("evenement-{}@{}", e.id, host.empty() ? "passerelle" : host);
  c.starts_at = e.starts_at;
  c.ends_at = e.ends_at;
  c.stamp = now;
  c.summary = e.title;
  c.url = fmt::format("{}/evenements/{}", site_url, e.id);
  c.description = e.description;
  if (!e.visio_url.empty()) c.description += (c.description.empty() ? "" : "\n\n") + std::string("Visioconférence : ") + e.visio_url;
  c.description += (c.description.empty() ? "" : "\n\n") + std::string("Page de l'événement : ") + c.url;
  c.location = e.venue.empty() ? e.visio_url : e.venue;
  c.organizer_name = e.organiser_name;
  // Agendas apply a change when SEQUENCE grows: minutes since creation of the last change.
  auto created = parse_instant(e.created_at), updated = parse_instant(e.updated_at);
  c.sequence = created && updated && *updated > *created ? static_cast<int>((*updated - *created) / 60) : 0;
  c.cancelled = e.status == "cancelled";
  return ics::calendar(c);
}

bool reminder_due(std::string_view now, std::string_view starts_at, std::string_view registered_at) {
  auto n = parse_instant(now), s = parse_instant(starts_at), r = parse_instant(registered_at);
  if (!n || !s || !r) return false;
  return *n < *s && *s - *n <= 86400 && *s - *r > 86400;
}

bool event_transition_allowed(std::string_view from, std::string_view to) {
  if (from == to) return false;
  if (from == "draft") return to == "published" || to == "cancelled";
  if (from == "published") return to == "done" || to == "cancelled" || to == "draft";
  return false;
}

}  // namespace passerelle::events
