#include "events/work_rules.hpp"

#include <fmt/format.h>

#include "core/web/text.hpp"
#include "network/membership_rules.hpp"

namespace passerelle::events {
namespace {

std::optional<std::int64_t> digits(std::string_view s, std::size_t max = 12) {
  if (s.empty() || s.size() > max || s.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  return std::stoll(std::string(s));
}

std::optional<std::int64_t> positive_id(const std::string& s) {
  auto v = digits(text::trim(s), 15);
  if (!v || *v == 0) return std::nullopt;
  return v;
}

bool valid_date(const std::string& iso) { return network::parse_iso_date(iso).has_value(); }

void check_title(const std::string& title, web::Errors& errors, const char* field = "title") {
  if (title.empty()) errors.push_back({field, "Le titre est obligatoire."});
  else if (text::length_utf8(title) > 200) errors.push_back({field, "Le titre ne doit pas dépasser 200 caractères."});
}

bool is_web_link(const std::string& url) { return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0; }

}  // namespace

web::Errors validate_group(const GroupInput& in, GroupValues& out) {
  web::Errors errors;
  GroupValues v;
  v.title = text::trim(in.title);
  check_title(v.title, errors);
  v.description = text::trim(in.description);
  if (auto id = positive_id(in.organiser_id)) v.organiser_id = *id;
  else errors.push_back({"organiser_id", "Choisissez l'organisation qui anime le groupe."});
  v.starts_on = text::trim(in.starts_on);
  bool start_ok = valid_date(v.starts_on);
  if (!start_ok) errors.push_back({"starts_on", "Indiquez la date de début."});
  auto end = text::trim(in.ends_on);
  if (!end.empty()) {
    if (!valid_date(end)) errors.push_back({"ends_on", "Date de fin invalide."});
    else if (start_ok && end < v.starts_on) errors.push_back({"ends_on", "La fin doit être après le début."});
    else v.ends_on = end;
  }
  v.status = text::trim(in.status).empty() ? "active" : text::trim(in.status);
  if (!is_code(kGroupStatuses, v.status)) errors.push_back({"status", "Statut inconnu."});
  if (errors.empty()) out = std::move(v);
  return errors;
}

web::Errors validate_member(const MemberInput& in, const std::string& today, MemberValues& out) {
  web::Errors errors;
  MemberValues v;
  if (auto id = positive_id(in.organisation_id)) v.organisation_id = *id;
  else errors.push_back({"organisation_id", "Choisissez la structure membre."});
  if (!text::trim(in.contact_id).empty()) {
    if (auto id = positive_id(in.contact_id)) v.contact_id = *id;
    else errors.push_back({"contact_id", "Contact inconnu."});
  }
  v.role = text::trim(in.role).empty() ? "member" : text::trim(in.role);
  if (!is_code(kMemberRoles, v.role)) errors.push_back({"role", "Rôle inconnu : pilote, membre ou expert·e invité·e."});
  v.joined_on = text::trim(in.joined_on).empty() ? today : text::trim(in.joined_on);
  if (!valid_date(v.joined_on)) errors.push_back({"joined_on", "Date d'arrivée invalide."});
  if (errors.empty()) out = std::move(v);
  return errors;
}

std::string format_duration(std::int64_t seconds) {
  if (seconds % 60 == 0) return fmt::format("{} min", seconds / 60);
  if (seconds < 60) return fmt::format("{} s", seconds);
  return fmt::format("{} min {} s", seconds / 60, seconds % 60);
}

web::Errors validate_deliverable(const DeliverableInput& in, DeliverableValues& out) {
  web::Errors errors;
  DeliverableValues v;
  v.kind = text::trim(in.kind);
  if (!is_code(kDeliverableKinds, v.kind)) errors.push_back({"kind", "Choisissez le type de livrable."});
  v.title = text::trim(in.title);
  check_title(v.title, errors);
  auto date = text::trim(in.dated_on);
  if (!date.empty()) {
    if (valid_date(date)) v.dated_on = date;
    else errors.push_back({"dated_on", "Date invalide."});
  }
  v.url = text::trim(in.url);
  if (!v.url.empty() && !is_web_link(v.url)) errors.push_back({"url", "Le lien doit commencer par https://."});
  v.file_ref = text::trim(in.file_ref);
  auto duration = text::trim(in.duration);
  if (!duration.empty()) {
    auto colon = duration.find(':');
    std::optional<std::int64_t> minutes = digits(duration.substr(0, colon), 4), secs = 0;
    if (colon != std::string::npos) {
      auto s = duration.substr(colon + 1);
      secs = s.size() == 2 ? digits(s) : std::nullopt;
      if (secs && *secs > 59) secs.reset();
    }
    if (!minutes || !secs || *minutes * 60 + *secs == 0)
      errors.push_back({"duration", "Durée invalide : minutes, ou minutes:secondes (3:20)."});
    else v.duration_seconds = *minutes * 60 + *secs;
  }
  v.status = text::trim(in.status).empty() ? "planned" : text::trim(in.status);
  if (!is_code(kDeliverableStatuses, v.status)) errors.push_back({"status", "Statut inconnu."});
  else if (v.status == "delivered" && v.url.empty() && v.file_ref.empty())
    errors.push_back({"url", "Un livrable remis a un lien ou une référence de fichier."});
  if (errors.empty()) out = std::move(v);
  return errors;
}

web::Errors validate_project(const ProjectInput& in, ProjectValues& out) {
  web::Errors errors;
  ProjectValues v;
  v.title = text::trim(in.title);
  check_title(v.title, errors);
  v.goal = text::trim(in.goal);
  if (auto id = positive_id(in.carrier_id)) v.carrier_id = *id;
  else errors.push_back({"carrier_id", "Choisissez l'organisation qui porte le projet."});
  v.starts_on = text::trim(in.starts_on);
  v.ends_on = text::trim(in.ends_on);
  bool start_ok = valid_date(v.starts_on), end_ok = valid_date(v.ends_on);
  if (!start_ok) errors.push_back({"starts_on", "Indiquez la date de début."});
  if (!end_ok) errors.push_back({"ends_on", "Indiquez la date de fin."});
  if (start_ok && end_ok && v.ends_on < v.starts_on) errors.push_back({"ends_on", "La fin doit être après le début."});
  v.status = text::trim(in.status).empty() ? "planned" : text::trim(in.status);
  if (!is_code(kProjectStatuses, v.status)) errors.push_back({"status", "Statut inconnu."});
  auto target = text::trim(in.target_participants);
  if (!target.empty()) {
    if (target[0] == '-') errors.push_back({"target_participants", "L'objectif de participants ne peut pas être négatif."});
    else if (auto t = digits(target, 7)) v.target_participants = *t;
    else errors.push_back({"target_participants", "L'objectif de participants doit être un nombre entier."});
  }
  if (!text::trim(in.contact_id).empty()) {
    if (auto id = positive_id(in.contact_id)) v.contact_id = *id;
    else errors.push_back({"contact_id", "Contact inconnu."});
  }
  if (errors.empty()) out = std::move(v);
  return errors;
}

web::Errors validate_funder(const FunderInput& in, FunderValues& out) {
  web::Errors errors;
  FunderValues v;
  if (auto id = positive_id(in.organisation_id)) v.organisation_id = *id;
  else errors.push_back({"organisation_id", "Choisissez le financeur."});
  auto amount = text::trim(in.amount);
  if (amount.empty()) {
    errors.push_back({"amount", "Indiquez le montant accordé."});
  } else if (amount[0] == '-') {
    errors.push_back({"amount", "Le montant ne peut pas être négatif."});
  } else {
    auto cents = in.in_cents ? digits(amount, 13) : network::parse_euros(amount);
    if (cents) v.amount_cents = *cents;
    else
      errors.push_back({"amount", in.in_cents ? "Le montant doit être un nombre entier de centimes."
                                              : "Le montant doit être un nombre en euros (12 500,00)."});
  }
  if (errors.empty()) out = v;
  return errors;
}

web::Errors validate_activity(const ActivityInput& in, ActivityValues& out) {
  web::Errors errors;
  ActivityValues v;
  v.kind = text::trim(in.kind);
  if (!is_code(kActivityKinds, v.kind)) errors.push_back({"kind", "Choisissez le type d'activité."});
  v.title = text::trim(in.title);
  check_title(v.title, errors);
  v.planned_on = text::trim(in.planned_on);
  if (!valid_date(v.planned_on)) errors.push_back({"planned_on", "Indiquez la date prévue."});
  if (!text::trim(in.event_id).empty()) {
    if (auto id = positive_id(in.event_id)) v.event_id = *id;
    else errors.push_back({"event_id", "Événement introuvable."});
  }
  if (errors.empty()) out = std::move(v);
  return errors;
}

std::string activity_state(const std::optional<std::string>& event_status) {
  if (event_status == "done") return "done";
  if (event_status == "cancelled") return "cancelled";
  return "planned";
}

std::string french_long_date(std::string_view iso) {
  static constexpr std::array<const char*, 12> kMonths{"janvier", "février", "mars",      "avril",   "mai",      "juin",
                                                       "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};
  auto d = network::parse_iso_date(iso);
  if (!d) return "";
  unsigned day = unsigned(d->day());
  return fmt::format("{}{} {} {}", day, day == 1 ? "er" : "", kMonths[unsigned(d->month()) - 1], int(d->year()));
}

}  // namespace passerelle::events
