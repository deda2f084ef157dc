#include "clauses/rules.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "clauses/model.hpp"
#include "core/web/text.hpp"

namespace passerelle::clauses {
namespace {

using followup::format_date;
using followup::format_date_fr;
using followup::parse_date;

// Digits with at most `decimals` decimals after ',' or '.'; spaces (also
// no-break ones) and a trailing unit are dropped. Returns value × 10^decimals.
std::optional<std::int64_t> parse_fixed(std::string_view typed, int decimals, std::string_view unit) {
  std::string s;
  for (std::size_t i = 0; i < typed.size(); ++i) {
    unsigned char c = typed[i];
    if (c == ' ' || c == '\t') continue;
    // U+00A0 and U+202F, the spaces French software puts between thousands.
    if (c == 0xC2 && i + 1 < typed.size() && static_cast<unsigned char>(typed[i + 1]) == 0xA0) {
      ++i;
      continue;
    }
    if (c == 0xE2 && i + 2 < typed.size() && static_cast<unsigned char>(typed[i + 1]) == 0x80 &&
        static_cast<unsigned char>(typed[i + 2]) == 0xAF) {
      i += 2;
      continue;
    }
    s += static_cast<char>(c);
  }
  if (!unit.empty() && s.size() >= unit.size() && s.ends_with(unit)) s.resize(s.size() - unit.size());
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.erase(0, 1);
  }
  if (s.empty()) return std::nullopt;
  std::int64_t whole = 0, frac = 0;
  int frac_digits = -1;
  bool any_digit = false;
  for (char c : s) {
    if (c == ',' || c == '.') {
      if (frac_digits >= 0) return std::nullopt;
      frac_digits = 0;
    } else if (c >= '0' && c <= '9') {
      any_digit = true;
      if (frac_digits >= 0) {
        if (++frac_digits > decimals) return std::nullopt;
        frac = frac * 10 + (c - '0');
      } else {
        if (whole > 100'000'000'000'000) return std::nullopt;
        whole = whole * 10 + (c - '0');
      }
    } else {
      return std::nullopt;
    }
  }
  if (!any_digit) return std::nullopt;
  for (int i = std::max(frac_digits, 0); i < decimals; ++i) frac *= 10;
  std::int64_t scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  std::int64_t v = whole * scale + frac;
  return negative ? -v : v;
}

// "1234567" → "1 234 567".
std::string group_thousands(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  int count = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (count && count % 3 == 0) out += ' ';
    out += *it;
    ++count;
  }
  if (n < 0) out += '-';
  std::reverse(out.begin(), out.end());
  return out;
}

constexpr std::array<std::string_view, 12> kMonthNames{"janvier", "février", "mars",      "avril",   "mai",      "juin",
                                                       "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};

// A code field: required, and in the table.
template <class Table>
void check_code(web::Errors& errors, const char* field, const std::string& value, const Table& table,
                const char* missing, const char* unknown) {
  if (text::trim(value).empty())
    errors.push_back({field, missing});
  else if (!find_code(table, text::trim(value)))
    errors.push_back({field, unknown});
}

std::optional<Date> check_date(web::Errors& errors, const char* field, const std::string& value, const char* missing) {
  auto v = text::trim(value);
  if (v.empty()) {
    errors.push_back({field, missing});
    return std::nullopt;
  }
  auto d = parse_date(v);
  if (!d) errors.push_back({field, "Cette date n'est pas valide : saisissez-la au format AAAA-MM-JJ (exemple : 2020-03-25)."});
  return d;
}

std::optional<std::int64_t> check_id(web::Errors& errors, const char* field, const std::string& value,
                                     const char* missing) {
  auto v = text::trim(value);
  if (v.empty()) {
    errors.push_back({field, missing});
    return std::nullopt;
  }
  if (v.size() > 18 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      std::stoll(v) <= 0) {
    errors.push_back({field, "Choisissez une valeur dans la liste."});
    return std::nullopt;
  }
  return std::stoll(v);
}

bool text_ok(web::Errors& errors, const char* field, const std::string& value, std::size_t max) {
  if (!text::is_valid_utf8(value)) {
    errors.push_back({field, "Ce champ contient des caractères invalides."});
    return false;
  }
  if (text::length_utf8(value) > max) {
    errors.push_back({field, fmt::format("Ce champ ne doit pas dépasser {} caractères.", max)});
    return false;
  }
  return true;
}

}  // namespace

// --- Numbers -------------------------------------------------------------------------------------

std::optional<std::int64_t> parse_euros(std::string_view typed) { return parse_fixed(typed, 2, "€"); }
std::optional<std::int64_t> parse_percent(std::string_view typed) { return parse_fixed(typed, 2, "%"); }

std::optional<std::int64_t> parse_hours(std::string_view typed) {
  std::string s = text::trim(typed);
  auto sep = s.find_first_of(":h");
  if (sep != std::string::npos) {
    auto h = parse_fixed(s.substr(0, sep), 0, "");
    std::string rest = text::trim(s.substr(sep + 1));
    std::optional<std::int64_t> m = rest.empty() ? std::optional<std::int64_t>(0) : parse_fixed(rest, 0, "");
    if (!h || !m || *h < 0 || *m < 0 || *m >= 60 || rest.size() > 2) return std::nullopt;
    return *h * 60 + *m;
  }
  auto hundredths = parse_fixed(s, 2, "");
  if (!hundredths) return std::nullopt;
  // Decimal hours to minutes, rounded half away from zero: 12,5 → 750.
  std::int64_t v = *hundredths * 60;
  return v >= 0 ? (v + 50) / 100 : -((-v + 50) / 100);
}

std::string format_euros(std::int64_t cents) {
  std::int64_t a = cents < 0 ? -cents : cents;
  return fmt::format("{}{},{:02d} €", cents < 0 ? "-" : "", group_thousands(a / 100), a % 100);
}

std::string format_percent(std::int64_t bp) {
  if (bp % 100 == 0) return fmt::format("{} %", bp / 100);
  if (bp % 10 == 0) return fmt::format("{},{} %", bp / 100, (bp % 100) / 10);
  return fmt::format("{},{:02d} %", bp / 100, bp % 100);
}

std::string format_hours(std::int64_t minutes) {
  std::int64_t a = minutes < 0 ? -minutes : minutes;
  std::string sign = minutes < 0 ? "-" : "";
  if (a % 60 == 0) return fmt::format("{}{} h", sign, group_thousands(a / 60));
  return fmt::format("{}{} h {:02d}", sign, group_thousands(a / 60), a % 60);
}

// --- Required hours --------------------------------------------------------------------------------

std::int64_t required_minutes(const HoursComputation& c) {
  if (c.hourly_cost_cents <= 0 || c.amount_cents <= 0 || c.labour_share_bp <= 0 || c.insertion_rate_bp <= 0) return 0;
  // amount × share/10⁴ × rate/10⁴ ÷ cost hours, × 60 minutes; in 128 bits so
  // that a 10⁹ € contract does not overflow.
  __int128 num = static_cast<__int128>(c.amount_cents) * c.labour_share_bp * c.insertion_rate_bp * 60;
  __int128 den = static_cast<__int128>(c.hourly_cost_cents) * 10000 * 10000;
  return static_cast<std::int64_t>((num * 2 + den) / (den * 2));
}

std::string explain_required_hours(const HoursComputation& c) {
  return fmt::format("{} × {} (part de main-d'œuvre) × {} (taux d'insertion) ÷ {} (coût horaire) = {}",
                     format_euros(c.amount_cents), format_percent(c.labour_share_bp),
                     format_percent(c.insertion_rate_bp), format_euros(c.hourly_cost_cents),
                     format_hours(required_minutes(c)));
}

// --- Contract form -----------------------------------------------------------------------------------

std::expected<CheckedContract, web::Errors> check_contract(const ContractInput& in) {
  web::Errors errors;
  CheckedContract out;
  out.reference = text::trim(in.reference);
  if (text_ok(errors, "reference", out.reference, 60) && out.reference.empty())
    errors.push_back({"reference", "Saisissez la référence du marché (exemple : 2020-DPE-0142)."});
  out.title = text::trim(in.title);
  if (text_ok(errors, "title", out.title, 300) && out.title.empty())
    errors.push_back({"title", "Saisissez l'objet du marché."});
  out.lots = text::trim(in.lots);
  text_ok(errors, "lots", out.lots, 2000);
  out.sector = text::trim(in.sector);
  check_code(errors, "sector", out.sector, kSectors, "Choisissez le secteur du marché.", "Ce secteur n'existe pas.");
  out.clause_type = text::trim(in.clause_type);
  check_code(errors, "clause_type", out.clause_type, kClauseTypes, "Choisissez le type de clause.",
             "Ce type de clause n'existe pas.");
  if (auto id = check_id(errors, "buyer_id", in.buyer_id, "Choisissez l'acheteur public.")) out.buyer_id = *id;
  if (auto id = check_id(errors, "holder_organisation_id", in.holder_organisation_id, "Choisissez le titulaire du marché."))
    out.holder_organisation_id = *id;

  if (text::trim(in.amount).empty()) {
    errors.push_back({"amount", "Saisissez le montant du marché en euros."});
  } else if (auto a = parse_euros(in.amount); !a) {
    errors.push_back({"amount", "Ce montant n'est pas un nombre d'euros (exemple : 1 250 000,00)."});
  } else if (*a < 0) {
    errors.push_back({"amount", "Le montant ne peut pas être négatif."});
  } else {
    out.amount_cents = *a;
  }

  auto notified = check_date(errors, "notified_on", in.notified_on, "Saisissez la date de notification.");
  auto start = check_date(errors, "start_date", in.start_date, "Saisissez la date de début d'exécution.");
  auto end = check_date(errors, "end_date", in.end_date, "Saisissez la date de fin d'exécution.");
  if (start && end && *end < *start)
    errors.push_back({"end_date", "La fin d'exécution ne peut pas précéder le début."});
  if (notified && end && *notified > *end)
    errors.push_back({"notified_on", "La notification ne peut pas être postérieure à la fin d'exécution."});
  if (notified) out.notified_on = *notified;
  if (start) out.start_date = *start;
  if (end) out.end_date = *end;

  out.hours_mode = text::trim(in.hours_mode);
  if (out.hours_mode == "entered") {
    auto h = parse_hours(in.required_hours);
    if (text::trim(in.required_hours).empty())
      errors.push_back({"required_hours", "Saisissez le nombre d'heures d'insertion exigées."});
    else if (!h)
      errors.push_back({"required_hours", "Ce nombre d'heures n'est pas valide (exemple : 1 200 ou 1 200,5)."});
    else if (*h <= 0)
      errors.push_back({"required_hours", "Le nombre d'heures exigées doit être positif."});
    else
      out.required_minutes = *h;
  } else if (out.hours_mode == "computed") {
    auto share = parse_percent(in.labour_share);
    auto rate = parse_percent(in.insertion_rate);
    auto cost = parse_euros(in.hourly_cost);
    if (!share || *share <= 0 || *share > 10000)
      errors.push_back({"labour_share", "Saisissez la part de main-d'œuvre en pourcentage, entre 0 et 100 (exemple : 40)."});
    if (!rate || *rate <= 0 || *rate > 10000)
      errors.push_back({"insertion_rate", "Saisissez le taux d'insertion en pourcentage, entre 0 et 100 (exemple : 5)."});
    if (!cost || *cost <= 0)
      errors.push_back({"hourly_cost", "Saisissez le coût horaire en euros, positif (exemple : 25,00)."});
    if (share && rate && cost && *share > 0 && *rate > 0 && *cost > 0) {
      out.labour_share_bp = *share;
      out.insertion_rate_bp = *rate;
      out.hourly_cost_cents = *cost;
      out.required_minutes = required_minutes({out.amount_cents, *share, *rate, *cost});
      if (out.amount_cents > 0 && out.required_minutes <= 0)
        errors.push_back({"hourly_cost", "Ce calcul donne moins d'une minute d'insertion : vérifiez les valeurs."});
    }
  } else {
    errors.push_back({"hours_mode", "Choisissez si les heures exigées sont saisies ou calculées."});
  }
  if (!errors.empty()) return std::unexpected(errors);
  return out;
}

// --- Parties ------------------------------------------------------------------------------------------

std::expected<CheckedParty, web::Errors> check_party(const PartyInput& in) {
  web::Errors errors;
  CheckedParty out;
  if (auto id = check_id(errors, "organisation_id", in.organisation_id, "Choisissez l'organisation.")) out.organisation_id = *id;
  out.role = text::trim(in.role);
  check_code(errors, "role", out.role, kPartyRoles, "Choisissez le rôle : cotraitant ou sous-traitant.",
             "Ce rôle n'existe pas : choisissez cotraitant ou sous-traitant.");
  if (!errors.empty()) return std::unexpected(errors);
  return out;
}

// --- Purchase programme --------------------------------------------------------------------------------

std::optional<int> parse_programme_year(std::string_view typed) {
  auto v = text::trim(typed);
  if (v.size() != 4 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  int year = std::stoi(v);
  if (year < kFirstProgrammeYear || year > kLastProgrammeYear) return std::nullopt;
  return year;
}

std::optional<Date> parse_date_fr_or_iso(std::string_view typed) {
  auto v = text::trim(typed);
  if (auto d = parse_date(v)) return d;
  // dd/mm/yyyy, as French users write dates.
  int part[3] = {0, 0, 0};
  std::size_t digits[3] = {0, 0, 0};
  int i = 0;
  for (char c : v) {
    if (c == '/') {
      if (++i > 2) return std::nullopt;
    } else if (c >= '0' && c <= '9' && digits[i] < 4) {
      part[i] = part[i] * 10 + (c - '0');
      ++digits[i];
    } else {
      return std::nullopt;
    }
  }
  if (i != 2 || digits[0] < 1 || digits[0] > 2 || digits[1] < 1 || digits[1] > 2 || digits[2] != 4) return std::nullopt;
  if (!followup::is_valid_date(part[2], part[1], part[0])) return std::nullopt;
  return Date{part[2], part[1], part[0]};
}

std::expected<CheckedProgrammeItem, web::Errors> check_programme_item(const ProgrammeItemInput& in) {
  web::Errors errors;
  CheckedProgrammeItem out;
  if (text::trim(in.year).empty())
    errors.push_back({"year", "Saisissez l'année de la programmation (exemple : 2021)."});
  else if (auto y = parse_programme_year(in.year))
    out.year = *y;
  else
    errors.push_back({"year", fmt::format("Cette année n'est pas valide : saisissez une année de {} à {} (exemple : 2021).",
                                          kFirstProgrammeYear, kLastProgrammeYear)});
  out.kind = text::trim(in.kind);
  check_code(errors, "kind", out.kind, kProgrammeKinds, "Choisissez le type : marché prévu ou réunion.",
             "Ce type n'existe pas : choisissez marché prévu ou réunion.");
  out.title = text::trim(in.title);
  if (text_ok(errors, "title", out.title, 300) && out.title.empty())
    errors.push_back({"title", out.kind == "meeting" ? "Saisissez l'objet de la réunion."
                                                     : "Saisissez l'objet du marché prévu."});
  out.sector = text::trim(in.sector);
  if (!out.sector.empty() && !find_code(kSectors, out.sector)) errors.push_back({"sector", "Ce secteur n'existe pas."});
  out.clause_type = text::trim(in.clause_type);
  if (!out.clause_type.empty() && !find_code(kClauseTypes, out.clause_type))
    errors.push_back({"clause_type", "Ce type de clause n'existe pas."});
  out.status = text::trim(in.status);
  if (out.status.empty()) out.status = "planned";
  if (!find_code(kProgrammeStatuses, out.status))
    errors.push_back({"status", "Ce statut n'existe pas : choisissez prévu, réalisé ou abandonné."});

  if (auto v = text::trim(in.planned_on); !v.empty()) {
    auto d = parse_date_fr_or_iso(v);
    if (!d)
      errors.push_back({"planned_on", "Cette date n'est pas valide : saisissez-la au format JJ/MM/AAAA (exemple : 15/03/2021)."});
    else if (out.year && (d->year < out.year - 1 || d->year > out.year))
      errors.push_back({"planned_on", fmt::format("La date doit tomber en {} ou en {} (préparation), pas le {}.", out.year,
                                                  out.year - 1, followup::format_date_fr(*d))});
    else
      out.planned_on = d;
  }
  if (auto v = text::trim(in.estimated_amount); !v.empty()) {
    auto a = parse_euros(v);
    if (!a)
      errors.push_back({"estimated_amount", "Ce montant n'est pas un nombre d'euros (exemple : 12 500,50)."});
    else if (*a < 0)
      errors.push_back({"estimated_amount", "Le montant estimé ne peut pas être négatif."});
    else
      out.estimated_amount_cents = a;
  }
  if (auto v = text::trim(in.contract_id); !v.empty()) {
    if (auto id = check_id(errors, "contract_id", v, "")) {
      if (out.kind == "meeting")
        errors.push_back({"contract_id", "Une réunion ne se relie pas à un marché : seul un marché prévu le peut."});
      else
        out.contract_id = id;
    }
  }
  out.notes = text::trim(in.notes);
  text_ok(errors, "notes", out.notes, 2000);
  if (!errors.empty()) return std::unexpected(errors);
  return out;
}

// --- Status machine ------------------------------------------------------------------------------------

namespace {

struct Transition {
  std::string_view code;
  std::array<std::string_view, 3> from;  // "" pads
  std::string_view to;
  bool needs_reason;
};

constexpr std::array<Transition, 6> kTransitions{{
    {"suspend", {"active", "amended_extended", ""}, "suspended", true},
    {"resume", {"suspended", "", ""}, "active", false},
    {"stop", {"active", "suspended", "amended_extended"}, "stopped", true},
    {"amend_extend", {"active", "suspended", "amended_extended"}, "amended_extended", true},
    {"complete", {"active", "amended_extended", ""}, "completed", false},
    {"cancel", {"active", "suspended", "amended_extended"}, "cancelled", true},
}};

const Transition* find_transition(std::string_view code) {
  for (auto& t : kTransitions)
    if (t.code == code) return &t;
  return nullptr;
}

bool allowed_from(const Transition& t, std::string_view from) {
  return std::ranges::find(t.from, from) != t.from.end() && !from.empty();
}

}  // namespace

std::vector<std::string_view> transitions_from(std::string_view status) {
  std::vector<std::string_view> out;
  for (auto& t : kTransitions)
    if (allowed_from(t, status)) out.push_back(t.code);
  return out;
}

bool is_final_status(std::string_view status) { return transitions_from(status).empty(); }

std::expected<CheckedStatusChange, web::Errors> check_status_change(std::string_view from_status,
                                                                   const StatusChange& change,
                                                                   const ContractDates& dates,
                                                                   std::optional<Date> since) {
  web::Errors errors;
  CheckedStatusChange out;
  const Transition* t = find_transition(text::trim(change.transition));
  if (!t) {
    errors.push_back({"transition", "Choisissez le changement de statut."});
  } else if (!allowed_from(*t, from_status)) {
    errors.push_back({"transition", fmt::format("Un marché au statut « {} » ne peut pas être {}.",
                                                label_of(kContractStatuses, from_status),
                                                t->code == "suspend"        ? "suspendu"
                                                : t->code == "resume"       ? "repris"
                                                : t->code == "stop"         ? "arrêté"
                                                : t->code == "amend_extend" ? "prorogé"
                                                : t->code == "complete"     ? "clos"
                                                                            : "résilié")});
  } else {
    out.to_status = std::string(t->to);
  }
  auto effective = check_date(errors, "effective_on", change.effective_on, "Saisissez la date d'effet du changement.");
  if (effective) {
    if (*effective < followup::add_years(dates.start, -1) || *effective > followup::add_years(dates.end, 1))
      errors.push_back({"effective_on", fmt::format("La date d'effet doit être proche de l'exécution du marché ({} – {}).",
                                                    format_date_fr(dates.start), format_date_fr(dates.end))});
    else if (since && *effective < *since)
      errors.push_back({"effective_on", fmt::format("La date d'effet ne peut pas précéder le dernier changement ({}).",
                                                    format_date_fr(*since))});
    else
      out.effective_on = *effective;
  }
  out.reason = text::trim(change.reason);
  if (text_ok(errors, "reason", out.reason, 1000) && out.reason.empty() && t && t->needs_reason)
    errors.push_back({"reason", "Indiquez le motif du changement (exemple : chantier arrêté pendant le confinement)."});
  out.legal_reference = text::trim(change.legal_reference);
  text_ok(errors, "legal_reference", out.legal_reference, 300);
  if (t && t->code == "amend_extend") {
    if (auto d = check_date(errors, "new_end_date", change.new_end_date, "Saisissez la nouvelle date de fin prévue par l'avenant.")) {
      if (*d <= dates.end)
        errors.push_back({"new_end_date", fmt::format("La nouvelle fin doit être postérieure à la fin actuelle ({}).",
                                                      format_date_fr(dates.end))});
      else
        out.new_end_date = *d;
    }
  } else if (!text::trim(change.new_end_date).empty() && t) {
    errors.push_back({"new_end_date", "Seul un avenant de prorogation change la date de fin."});
  }
  if (!errors.empty()) return std::unexpected(errors);
  return out;
}

// --- Hours entries ------------------------------------------------------------------------------------

std::int64_t possible_minutes_in_month(int year, int month) {
  // Day d of the month falls on weekday (first + d - 1) mod 7; an import checks
  // every line, so one calendar computation per month, not one per day.
  int n = followup::days_in_month(year, month), first = followup::iso_weekday({year, month, 1}) - 1, weekdays = 0;
  for (int d = 0; d < n; ++d)
    if ((first + d) % 7 < 5) ++weekdays;
  return static_cast<std::int64_t>(weekdays) * 10 * 60;
}

std::optional<std::pair<int, int>> parse_month(std::string_view ym) {
  if (ym.size() != 7 || ym[4] != '-') return std::nullopt;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u})
    if (ym[i] < '0' || ym[i] > '9') return std::nullopt;
  int y = std::stoi(std::string(ym.substr(0, 4))), m = std::stoi(std::string(ym.substr(5, 2)));
  if (m < 1 || m > 12 || y < 1900) return std::nullopt;
  return std::pair{y, m};
}

std::string format_month_fr(std::string_view ym) {
  auto m = parse_month(ym);
  if (!m) return std::string(ym);
  return fmt::format("{} {}", kMonthNames[m->second - 1], m->first);
}

std::expected<CheckedHours, web::Errors> check_hours(const HoursInput& in, const ContractDates& contract) {
  web::Errors errors;
  CheckedHours out;
  out.person_name = text::trim(in.person_name);
  if (text_ok(errors, "person_name", out.person_name, 200) && out.person_name.empty())
    errors.push_back({"person_name", "Saisissez le nom de la personne (exemple : MARTIN Léa)."});
  out.employer_name = text::trim(in.employer_name);
  text_ok(errors, "employer_name", out.employer_name, 300);
  if (!text::trim(in.participant_id).empty()) {
    if (auto id = check_id(errors, "participant_id", in.participant_id, "")) out.participant_id = *id;
  }
  out.month = text::trim(in.month);
  auto month = parse_month(out.month);
  if (out.month.empty()) {
    errors.push_back({"month", "Saisissez le mois des heures (AAAA-MM)."});
  } else if (!month) {
    errors.push_back({"month", "Ce mois n'est pas valide : saisissez-le au format AAAA-MM (exemple : 2020-04)."});
  } else {
    Date first{month->first, month->second, 1};
    Date last{month->first, month->second, followup::days_in_month(month->first, month->second)};
    if (last < contract.start || first > contract.end)
      errors.push_back({"month", fmt::format("Le mois de {} est en dehors de l'exécution du marché (du {} au {}).",
                                             format_month_fr(out.month), format_date_fr(contract.start),
                                             format_date_fr(contract.end))});
  }
  check_code(errors, "modality", in.modality, kModalities, "Choisissez la modalité.", "Cette modalité n'existe pas.");
  check_code(errors, "situation", in.situation, kSituations, "Choisissez la situation.", "Cette situation n'existe pas.");
  check_code(errors, "eligibility", in.eligibility, kEligibilities, "Choisissez le critère d'éligibilité.",
             "Ce critère d'éligibilité n'existe pas.");
  out.modality = text::trim(in.modality);
  out.situation = text::trim(in.situation);
  out.eligibility = text::trim(in.eligibility);
  auto minutes = parse_hours(in.hours);
  if (text::trim(in.hours).empty()) {
    errors.push_back({"hours", "Saisissez le nombre d'heures."});
  } else if (!minutes) {
    errors.push_back({"hours", "Ce nombre d'heures n'est pas valide (exemple : 35, 35,5 ou 35:30)."});
  } else if (*minutes <= 0) {
    errors.push_back({"hours", "Le nombre d'heures doit être positif."});
  } else if (month && *minutes > possible_minutes_in_month(month->first, month->second)) {
    errors.push_back({"hours", fmt::format("{} en {} : c'est plus que les {} possibles dans le mois (10 h par jour ouvré).",
                                           format_hours(*minutes), format_month_fr(out.month),
                                           format_hours(possible_minutes_in_month(month->first, month->second)))});
  } else {
    out.minutes = *minutes;
  }
  if (!errors.empty()) return std::unexpected(errors);
  return out;
}

// --- Rule sets ------------------------------------------------------------------------------------------

bool in_effect(const RuleSet& set, int year, int month) {
  Date first{year, month, 1}, last{year, month, followup::days_in_month(year, month)};
  if (set.effective_from && last < *set.effective_from) return false;
  if (set.effective_to && first > *set.effective_to) return false;
  return true;
}

Evaluation evaluate(std::span<const RuleSet> sets, std::string_view month, std::string_view situation,
                    std::string_view eligibility) {
  auto ym = parse_month(month);
  std::vector<const RuleSet*> order;
  for (auto& s : sets)
    if (ym && in_effect(s, ym->first, ym->second)) order.push_back(&s);
  std::stable_sort(order.begin(), order.end(), [](const RuleSet* a, const RuleSet* b) {
    if (a->priority != b->priority) return a->priority > b->priority;
    return a->effective_from.value_or(Date{1, 1, 1}) > b->effective_from.value_or(Date{1, 1, 1});
  });
  for (const RuleSet* s : order) {
    for (auto& r : s->rules) {
      if ((r.situation.empty() || r.situation == situation) && (r.eligibility.empty() || r.eligibility == eligibility)) {
        Evaluation e;
        e.decision = r.decision;
        e.rule_set_id = s->id;
        e.rule_id = r.id;
        e.rule_set_code = s->code;
        e.rule_set_name = s->name;
        e.rule_set_version = s->version;
        e.rule_position = r.position;
        e.explanation = fmt::format("{} : règle n° {} de « {} » (version {})", label_of(kDecisions, r.decision),
                                    r.position, s->name, s->version);
        if (!r.note.empty()) e.explanation += " — " + r.note;
        return e;
      }
    }
  }
  Evaluation e;
  e.decision = "facilitator_decides";
  e.explanation = "Aucune règle ne s'applique : à l'appréciation du facilitateur.";
  return e;
}

bool counts(std::string_view decision, std::string_view review_status) {
  return decision == "validated" || (decision == "facilitator_decides" && review_status == "accepted");
}

std::string review_status_after(std::string_view decision, std::string_view previous) {
  if (decision != "facilitator_decides") return "";
  if (previous == "accepted" || previous == "refused") return std::string(previous);
  return "pending";
}

RuleSet default_rule_set() {
  RuleSet s;
  s.code = "default";
  s.version = 1;
  s.name = "Règles ordinaires";
  s.description = "Les heures rémunérées par l'employeur comptent ; les absences prises en charge par la Sécurité sociale "
                  "et le chômage partiel ne comptent pas.";
  s.priority = 0;
  s.rules = {
      {0, 1, "", "partner_opinion", "facilitator_decides", "Éligibilité sur avis motivé d'un partenaire : à examiner."},
      {0, 2, "worked", "", "validated", ""},
      {0, 3, "training", "", "validated", ""},
      {0, 4, "paid_leave", "", "validated", "Congés payés : heures rémunérées par l'employeur."},
      {0, 5, "telework", "", "validated", ""},
      {0, 6, "childcare_leave", "", "facilitator_decides", ""},
      {0, 7, "sick_leave", "", "not_validated", ""},
      {0, 8, "partial_unemployment", "", "not_validated", ""},
  };
  return s;
}

RuleSet covid_2020_rule_set() {
  RuleSet s;
  s.code = "covid_2020";
  s.version = 1;
  s.name = "État d'urgence sanitaire 2020";
  s.legal_reference = std::string(kOrdinance2020_319);
  s.description = "Modalités de valorisation des heures d'insertion pendant l'état d'urgence sanitaire, définies avec la "
                  "DAJ et Alliance Villes Emploi.";
  s.effective_from = Date{2020, 3, 12};
  s.effective_to = Date{2020, 7, 23};
  s.priority = 10;
  s.rules = {
      {0, 1, "telework", "", "validated", "Télétravail : les heures sont validées."},
      {0, 2, "childcare_leave", "", "facilitator_decides", "Garde d'enfant prise en charge : les heures peuvent être validées."},
      {0, 3, "sick_leave", "", "facilitator_decides", "Arrêt maladie pris en charge : les heures peuvent être validées."},
      {0, 4, "partial_unemployment", "", "not_validated", "Chômage partiel : les heures ne sont pas validées."},
  };
  return s;
}

std::expected<std::pair<std::optional<Date>, std::optional<Date>>, web::Errors> check_rule_set_dates(
    const RuleSetDatesInput& in) {
  web::Errors errors;
  std::optional<Date> from, to;
  auto read = [&](const char* field, const std::string& v, std::optional<Date>& out) {
    auto t = text::trim(v);
    if (t.empty()) return;
    out = parse_date(t);
    if (!out) errors.push_back({field, "Cette date n'est pas valide : saisissez-la au format AAAA-MM-JJ (exemple : 2020-03-12)."});
  };
  read("effective_from", in.effective_from, from);
  read("effective_to", in.effective_to, to);
  if (from && to && *to < *from) errors.push_back({"effective_to", "La fin d'effet ne peut pas précéder le début."});
  if (!errors.empty()) return std::unexpected(errors);
  return std::pair{from, to};
}

// --- Progress ------------------------------------------------------------------------------------------------

int months_spanned(Date a, Date b) {
  int n = (b.year - a.year) * 12 + (b.month - a.month) + 1;
  return std::max(n, 0);
}

Progress progress(const ProgressInput& in) {
  Progress p;
  p.months_total = months_spanned(in.start, in.end);
  p.started = in.today >= in.start;
  p.months_elapsed = p.started ? std::min(months_spanned(in.start, std::min(in.today, in.end)), p.months_total) : 0;
  if (in.required_minutes > 0) {
    p.percent = static_cast<int>(std::min<std::int64_t>(in.validated_minutes * 100 / in.required_minutes, 100000));
    p.bar_percent = std::clamp(p.percent, 0, 100);
  }
  p.remaining_minutes = std::max<std::int64_t>(in.required_minutes - in.validated_minutes, 0);
  if (p.months_elapsed > 0) p.monthly_pace_minutes = in.validated_minutes / p.months_elapsed;
  p.forecast_minutes = in.validated_minutes + p.monthly_pace_minutes * (p.months_total - p.months_elapsed);
  if (in.required_minutes > 0)
    p.forecast_percent = static_cast<int>(std::min<std::int64_t>(p.forecast_minutes * 100 / in.required_minutes, 100000));
  p.on_track = p.forecast_minutes >= in.required_minutes;
  if (!p.started)
    p.summary = fmt::format("Exécution à partir du {} : {} exigées.", format_date_fr(in.start), format_hours(in.required_minutes));
  else
    p.summary = fmt::format("{} validées sur {} exigées ({} %) ; au rythme de {} par mois, prévision de {} au {} ({} %).",
                            format_hours(in.validated_minutes), format_hours(in.required_minutes), p.percent,
                            format_hours(p.monthly_pace_minutes), format_hours(p.forecast_minutes),
                            format_date_fr(in.end), p.forecast_percent);
  return p;
}

}  // namespace passerelle::clauses
