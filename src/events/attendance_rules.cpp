// Pure rules of attendance and outcomes (see attendance.hpp).
#include <fmt/format.h>

#include "core/web/text.hpp"

#include "core/web/app.hpp"
#include "events/attendance.hpp"
#include "events/rules.hpp"

namespace passerelle::events {
namespace {

bool web_address(std::string_view url) {
  if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) return false;
  auto host = url.substr(url.find("//") + 2);
  return !host.empty() && host.find_first_of(" \t\"<>") == std::string_view::npos;
}

}  // namespace

std::optional<std::string> attendance_closed_reason(std::string_view event_status, std::string_view starts_at,
                                                    std::string_view now) {
  if (event_status == "cancelled") return "Cet événement est annulé : il n'y a pas d'émargement.";
  if (event_status == "draft") return "Cet événement n'est pas publié : il n'y a pas encore d'émargement.";
  // Paris days compared as "YYYY-MM-DD".
  auto day = utc_to_paris(starts_at).substr(0, 10), today = utc_to_paris(now).substr(0, 10);
  if (today < day) return fmt::format("L'émargement ouvre le jour de l'événement, le {}.", web::french_date(day));
  return std::nullopt;
}

bool event_over(std::string_view ends_at, std::string_view now) { return now >= ends_at; }

bool attendance_change_allowed(std::string_view from, std::string_view to) {
  auto marked = [](std::string_view s) { return s == "attended" || s == "no_show"; };
  if (from == to) return false;
  if (from == "registered" || from == "offered") return marked(to);
  if (marked(from)) return marked(to) || to == "registered";
  return false;
}

web::Errors validate_outcome(OutcomeInput& in) {
  web::Errors errors;
  in.synthesis = text::trim(in.synthesis);
  if (in.synthesis.size() > 50000) errors.push_back({"synthesis", "La synthèse ne doit pas dépasser 50 000 caractères."});
  std::vector<VideoInput> kept;
  int n = 0;
  for (auto& v : in.videos) {
    auto title = text::trim(v.title), url = text::trim(v.url);
    if (title.empty() && url.empty()) continue;
    ++n;
    if (url.empty()) {
      errors.push_back({"videos", fmt::format("Vidéo {} : indiquez son adresse (https://…).", n)});
    } else if (!web_address(url) || url.size() > 2000) {
      errors.push_back({"videos", fmt::format("Vidéo {} : l'adresse doit commencer par https:// (« {} »).", n,
                                              url.substr(0, 80))});
    }
    if (title.size() > 200) errors.push_back({"videos", fmt::format("Vidéo {} : 200 caractères au plus pour le titre.", n)});
    kept.push_back({title.empty() ? fmt::format("Vidéo {}", n) : title, url});
  }
  if (kept.size() > 50) errors.push_back({"videos", "50 vidéos au plus."});
  in.videos = std::move(kept);
  return errors;
}

web::Errors validate_next_date(const NextDateInput& in, std::string_view previous_end, std::string& starts_utc,
                               std::string& ends_utc) {
  web::Errors errors;
  auto starts = paris_to_utc(in.starts_at), ends = paris_to_utc(in.ends_at);
  if (!starts) errors.push_back({"next_starts_at", "Indiquez la date et l'heure de début de la prochaine rencontre."});
  if (!ends) errors.push_back({"next_ends_at", "Indiquez la date et l'heure de fin de la prochaine rencontre."});
  if (starts && ends && *ends <= *starts) errors.push_back({"next_ends_at", "La fin doit être après le début."});
  if (starts && *starts < previous_end)
    errors.push_back({"next_starts_at", "La prochaine rencontre doit commencer après la fin de celle-ci."});
  if (errors.empty()) {
    starts_utc = *starts;
    ends_utc = *ends;
  }
  return errors;
}

}  // namespace passerelle::events
