#include "employment/rules.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "core/web/text.hpp"
#include "network/model.hpp"
#include "network/rules.hpp"

namespace passerelle::employment {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 15 && std::ranges::all_of(s, [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::int64_t> to_number(std::string_view s) {
  if (!all_digits(s)) return std::nullopt;
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// An optional positive id typed in a form; an error when present but not an id.
std::optional<std::int64_t> optional_id(const std::string& raw, const char* field, web::Errors& errors) {
  auto v = text::trim(raw);
  if (v.empty()) return std::nullopt;
  auto n = to_number(v);
  if (!n || *n <= 0) {
    errors.push_back({field, "Ce champ doit être un identifiant numérique."});
    return std::nullopt;
  }
  return n;
}

void check_length(const std::string& value, const char* field, std::size_t max, web::Errors& errors) {
  if (text::length_utf8(value) > max)
    errors.push_back({field, fmt::format("{} caractères au plus.", max)});
}

void check_rome(const std::string& raw, const char* field, const RomeLookup& rome_known, web::Errors& errors) {
  auto code = text::trim(raw);
  if (code.empty())
    errors.push_back({field, "Indiquez le code ROME du métier."});
  else if (!is_rome_code_shape(code))
    errors.push_back({field, "Un code ROME s'écrit avec une lettre et quatre chiffres, par exemple F1703."});
  else if (!rome_known(code))
    errors.push_back({field, fmt::format("Le code ROME {} ne figure pas dans le référentiel.", code)});
}

std::optional<Date> check_date(const std::string& raw, const char* field, bool required, web::Errors& errors,
                               const char* missing) {
  auto v = text::trim(raw);
  if (v.empty()) {
    if (required) errors.push_back({field, missing});
    return std::nullopt;
  }
  auto d = followup::parse_date(v);
  if (!d) errors.push_back({field, "Date invalide (format attendu : AAAA-MM-JJ)."});
  return d;
}

// Weekly hours: present, a duration, above 0 and at most 48 h.
std::optional<int> check_weekly(const std::string& raw, const char* field, web::Errors& errors) {
  auto v = text::trim(raw);
  if (v.empty()) {
    errors.push_back({field, "Indiquez la durée hebdomadaire (en heures)."});
    return std::nullopt;
  }
  auto m = parse_weekly_minutes(v);
  if (!m) {
    errors.push_back({field, "Durée invalide : écrivez un nombre d'heures, par exemple 35 ou 17,5."});
    return std::nullopt;
  }
  if (*m <= 0 || *m > kMaxWeeklyMinutes) {
    errors.push_back({field, "La durée hebdomadaire doit être comprise entre 1 minute et 48 heures (maximum légal)."});
    return std::nullopt;
  }
  return m;
}

}  // namespace

bool is_rome_code_shape(std::string_view code) {
  return code.size() == 5 && code[0] >= 'A' && code[0] <= 'N' &&
         std::all_of(code.begin() + 1, code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<int> parse_weekly_minutes(std::string_view raw) {
  auto s = text::trim(raw);
  if (s.empty() || s.size() > 10) return std::nullopt;
  // "24h30", "24 h 30", "24h"
  auto h = s.find_first_of("hH");
  std::string hours_part = text::trim(h == std::string::npos ? s : s.substr(0, h));
  std::string minutes_part = h == std::string::npos ? "" : text::trim(s.substr(h + 1));
  if (h != std::string::npos) {
    auto hh = to_number(hours_part);
    if (!hh) return std::nullopt;
    std::int64_t mm = 0;
    if (!minutes_part.empty()) {
      auto m = to_number(minutes_part);
      if (!m || *m >= 60 || minutes_part.size() != 2) return std::nullopt;
      mm = *m;
    }
    if (*hh > 200) return std::nullopt;
    return static_cast<int>(*hh * 60 + mm);
  }
  // "35", "17,5", "17.25"
  auto sep = hours_part.find_first_of(",.");
  auto whole = to_number(hours_part.substr(0, sep));
  if (!whole || *whole > 200) return std::nullopt;
  int minutes = static_cast<int>(*whole * 60);
  if (sep != std::string::npos) {
    auto frac = hours_part.substr(sep + 1);
    if (frac.empty() || frac.size() > 2 || !to_number(frac)) return std::nullopt;
    int hundredths = std::stoi(frac) * (frac.size() == 1 ? 10 : 1);
    if ((hundredths * 60) % 100 != 0) return std::nullopt;  // a whole number of minutes
    minutes += hundredths * 60 / 100;
  }
  return minutes;
}

std::string format_minutes(int minutes) {
  if (minutes % 60 == 0) return fmt::format("{} h", minutes / 60);
  return fmt::format("{} h {:02}", minutes / 60, minutes % 60);
}

std::expected<OfferValues, web::Errors> validate_offer(const OfferInput& in, const RomeLookup& rome_known) {
  web::Errors errors;
  OfferValues out;
  if (auto id = optional_id(in.employer_id, "employer_id", errors))
    out.employer_id = *id;
  else if (!find_error(errors, "employer_id"))
    errors.push_back({"employer_id", "Choisissez l'employeur."});
  auto title = text::trim(in.title);
  if (title.empty()) errors.push_back({"title", "Indiquez l'intitulé du poste."});
  check_length(in.title, "title", 200, errors);
  check_rome(in.rome_code, "rome_code", rome_known, errors);
  if (!find_code(kContractTypes, in.contract_type))
    errors.push_back({"contract_type", "Choisissez un type de contrat de la liste."});
  if (auto m = check_weekly(in.weekly_hours, "weekly_hours", errors)) out.weekly_minutes = *m;
  auto positions = to_number(text::trim(in.positions));
  if (!positions || *positions < 1 || *positions > 999)
    errors.push_back({"positions", "Le nombre de postes doit être un entier entre 1 et 999."});
  else
    out.positions = static_cast<int>(*positions);
  check_length(in.place, "place", 200, errors);
  if (!in.department.empty() && !network::find_department(in.department))
    errors.push_back({"department", "Département inconnu."});
  auto start = check_date(in.start_date, "start_date", true, errors, "Indiquez la date de début du contrat.");
  auto end = check_date(in.end_date, "end_date", false, errors, "");
  if (start && end && *end < *start)
    errors.push_back({"end_date", "La date de fin ne peut pas précéder la date de début."});
  if (end && in.contract_type == "cdi")
    errors.push_back({"end_date", "Un CDI n'a pas de date de fin."});
  out.contract_id = optional_id(in.contract_id, "contract_id", errors);
  if (!find_code(kOfferStatuses, in.status)) errors.push_back({"status", "Statut inconnu."});
  check_length(in.description, "description", 5000, errors);
  if (!errors.empty()) return std::unexpected(errors);
  return out;
}

std::expected<ProfileValues, web::Errors> validate_profile(const ProfileInput& in, Date today,
                                                           const RomeLookup& rome_known) {
  web::Errors errors;
  ProfileValues out;
  out.participant_id = optional_id(in.participant_id, "participant_id", errors);
  if (text::trim(in.first_name).empty()) errors.push_back({"first_name", "Indiquez le prénom."});
  if (text::trim(in.last_name).empty()) errors.push_back({"last_name", "Indiquez le nom."});
  check_length(in.first_name, "first_name", 100, errors);
  check_length(in.last_name, "last_name", 100, errors);
  if (!in.email.empty() && !network::email_plausible(in.email))
    errors.push_back({"email", "Adresse e-mail invalide."});
  if (!in.phone.empty() && !network::phone_plausible(in.phone))
    errors.push_back({"phone", "Le numéro de téléphone n'est pas valide (exemple : 06 12 34 56 78 ou +33 6 12 34 56 78)."});
  if (!in.postcode.empty() && !network::is_postcode(in.postcode))
    errors.push_back({"postcode", "Le code postal compte cinq chiffres."});
  if (!in.department.empty() && !network::find_department(in.department))
    errors.push_back({"department", "Département inconnu."});
  std::vector<std::string> trades;
  for (auto& t : in.target_trades) {
    auto code = text::trim(t);
    if (!code.empty() && std::ranges::find(trades, code) == trades.end()) trades.push_back(code);
  }
  if (trades.empty())
    errors.push_back({"target_trades", "Indiquez au moins un métier visé (code ROME)."});
  else if (trades.size() > kMaxTrades)
    errors.push_back({"target_trades", fmt::format("{} métiers visés au plus.", kMaxTrades)});
  else
    for (auto& code : trades) {
      web::Errors one;
      check_rome(code, "target_trades", rome_known, one);
      if (!one.empty()) {
        errors.push_back(one.front());
        break;
      }
    }
  check_length(in.skills, "skills", 2000, errors);
  check_length(in.qualifications, "qualifications", 2000, errors);
  check_length(in.languages, "languages", 500, errors);
  check_length(in.notes, "notes", 5000, errors);
  check_length(in.recommended_contact, "recommended_contact", 300, errors);
  out.driving_licence = in.driving_licence == "1" || in.driving_licence == "true";
  out.vehicle = in.vehicle == "1" || in.vehicle == "true";
  if (auto r = text::trim(in.radius_km); !r.empty()) {
    auto n = to_number(r);
    if (!n || *n > kMaxRadiusKm)
      errors.push_back({"radius_km", fmt::format("Le rayon de mobilité est un nombre de kilomètres entre 0 et {}.", kMaxRadiusKm)});
    else
      out.radius_km = static_cast<int>(*n);
  }
  check_date(in.available_from, "available_from", false, errors, "");
  out.consent = in.consent == "1" || in.consent == "true";
  auto consent_date = check_date(in.consent_date, "consent_date", out.consent, errors,
                                 "Indiquez la date à laquelle la personne a donné son consentement.");
  if (consent_date && *consent_date > today)
    errors.push_back({"consent_date", "La date du consentement ne peut pas être dans le futur."});
  if (consent_date && !out.consent)
    errors.push_back({"consent", "Cochez le consentement ou effacez sa date."});
  out.recommended_by_id = optional_id(in.recommended_by_id, "recommended_by_id", errors);
  if (!errors.empty()) return std::unexpected(errors);
  return out;
}

bool may_show_to_company(bool consent, std::string_view consent_date) {
  return consent && followup::parse_date(consent_date).has_value();
}

std::optional<std::string> check_cv_file(std::string_view filename, std::string_view bytes) {
  if (bytes.empty()) return "Le fichier est vide.";
  if (bytes.size() > kMaxCvBytes) return "Le CV dépasse 2 Mo : réduisez-le ou exportez-le à nouveau en PDF.";
  if (bytes.substr(0, 5) != "%PDF-") return "Le CV doit être un fichier PDF.";
  if (filename.size() > 255 || !text::is_valid_utf8(filename)) return "Nom de fichier invalide.";
  return std::nullopt;
}

namespace {
struct Transition {
  std::string_view name, from, to;
};
// The positioning state machine (issue 4): proposed → sent to employer →
// interview → hired | not retained | withdrawn. An employer may hire or turn
// down straight from the CV sent; the candidate may withdraw at any open step.
constexpr Transition kTransitions[] = {
    {"send", "proposed", "sent_to_employer"},
    {"interview", "sent_to_employer", "interview"},
    {"hire", "sent_to_employer", "hired"},
    {"hire", "interview", "hired"},
    {"reject", "sent_to_employer", "not_retained"},
    {"reject", "interview", "not_retained"},
    {"withdraw", "proposed", "withdrawn"},
    {"withdraw", "sent_to_employer", "withdrawn"},
    {"withdraw", "interview", "withdrawn"},
};
}  // namespace

std::optional<std::string_view> next_state(std::string_view from, std::string_view transition) {
  for (auto& t : kTransitions)
    if (t.from == from && t.name == transition) return t.to;
  return std::nullopt;
}

std::vector<std::string_view> allowed_transitions(std::string_view from) {
  std::vector<std::string_view> out;
  for (auto& t : kPositioningTransitions)
    if (next_state(from, t.code)) out.push_back(t.code);
  return out;
}

std::expected<TransitionResult, web::Errors> apply_transition(std::string_view from, std::string_view transition,
                                                             const HireInput& hire) {
  web::Errors errors;
  auto to = next_state(from, transition);
  if (!to) {
    if (!find_code(kPositioningTransitions, transition))
      errors.push_back({"transition", "Changement d'état inconnu."});
    else
      errors.push_back({"transition", fmt::format("Impossible depuis l'état « {} » : {}.",
                                                  label_of(kPositioningStates, from),
                                                  label_of(kPositioningTransitions, transition))});
    return std::unexpected(errors);
  }
  TransitionResult out{std::string(*to), std::nullopt};
  if (transition == "hire") {
    Hire h;
    if (!find_code(kContractTypes, hire.contract_type))
      errors.push_back({"contract_type", "Choisissez le type de contrat de l'embauche."});
    h.contract_type = hire.contract_type;
    if (auto d = check_date(hire.start_date, "start_date", true, errors, "Indiquez la date de début du contrat."))
      h.start_date = followup::format_date(*d);
    if (auto m = check_weekly(hire.weekly_hours, "weekly_hours", errors)) h.weekly_minutes = *m;
    out.hire = h;
  }
  if (!errors.empty()) return std::unexpected(errors);
  return out;
}

std::string profile_search_text(const ProfileInput& in, const std::vector<std::string>& trade_labels) {
  std::string s = in.first_name + " " + in.last_name + " " + in.commune + " " + in.postcode + " ";
  for (auto& t : in.target_trades) s += t + " ";
  for (auto& l : trade_labels) s += l + " ";
  s += in.skills + " " + in.qualifications + " " + in.languages;
  return text::fold(s);
}

std::string profile_trade_text(const std::vector<std::string>& trades, const std::vector<std::string>& trade_labels) {
  std::string s;
  for (auto& t : trades) s += t + " ";
  for (auto& l : trade_labels) s += l + " ";
  return text::fold(s);
}

}  // namespace passerelle::employment
