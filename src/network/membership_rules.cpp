#include "network/membership_rules.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "core/web/text.hpp"

namespace passerelle::network {

using namespace std::chrono;

std::optional<CivilDate> parse_iso_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y = 0;
  unsigned m = 0, d = 0;
  auto num = [&](std::string_view part, auto& out) {
    auto r = std::from_chars(part.data(), part.data() + part.size(), out);
    return r.ec == std::errc{} && r.ptr == part.data() + part.size();
  };
  if (!num(s.substr(0, 4), y) || !num(s.substr(5, 2), m) || !num(s.substr(8, 2), d)) return std::nullopt;
  CivilDate date{year{y}, month{m}, day{d}};
  if (!date.ok() || y < 1900 || y > 2200) return std::nullopt;
  return date;
}

std::string iso(CivilDate d) {
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                     static_cast<unsigned>(d.day()));
}

CivilDate add_days(CivilDate d, int days) { return CivilDate{sys_days{d} + std::chrono::days{days}}; }

CivilDate add_months(CivilDate d, int n) {
  auto ym = year_month{d.year(), d.month()} + months{n};
  auto last = year_month_day_last{ym.year(), month_day_last{ym.month()}}.day();
  return CivilDate{ym.year(), ym.month(), std::min(d.day(), last)};
}

namespace {

std::optional<CivilDate> event_date(const MembershipFacts& m, const std::string& event) {
  if (event == "join_date") return parse_iso_date(m.join_date);
  if (event == "start_date") return parse_iso_date(m.start_date);
  if (event == "end_date") return parse_iso_date(m.end_date);
  return std::nullopt;
}

CivilDate shifted(CivilDate d, int offset, const std::string& unit) {
  return unit == "month" ? add_months(d, offset) : add_days(d, offset);
}

bool rule_holds(const StatusRule& r, const MembershipFacts& m, CivilDate today) {
  if (r.manual_only) return false;
  if (r.unpaid_only && m.paid) return false;
  if (!r.start_event.empty()) {
    auto d = event_date(m, r.start_event);
    if (!d || sys_days{today} < sys_days{shifted(*d, r.start_offset, r.start_unit)}) return false;
  }
  if (!r.end_event.empty()) {
    auto d = event_date(m, r.end_event);
    if (!d || sys_days{today} > sys_days{shifted(*d, r.end_offset, r.end_unit)}) return false;
  }
  return true;
}

}  // namespace

bool override_active(const MembershipFacts& m, CivilDate today) {
  if (m.status_override.empty()) return false;
  if (m.override_until.empty()) return true;
  auto until = parse_iso_date(m.override_until);
  return until && sys_days{today} <= sys_days{*until};
}

std::optional<std::string> compute_status(const MembershipFacts& m, const std::vector<StatusRule>& rules,
                                          CivilDate today) {
  if (override_active(m, today)) return m.status_override;
  std::vector<const StatusRule*> ordered;
  for (auto& r : rules) ordered.push_back(&r);
  std::stable_sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return a->weight < b->weight; });
  for (auto* r : ordered)
    if (rule_holds(*r, m, today)) return r->code;
  return std::nullopt;
}

const StatusRule* find_rule(const std::vector<StatusRule>& rules, std::string_view code) {
  for (auto& r : rules)
    if (r.code == code) return &r;
  return nullptr;
}

bool counts_as_member(const std::vector<StatusRule>& rules, std::string_view code) {
  auto r = find_rule(rules, code);
  return r && r->is_member;
}

std::optional<std::int64_t> parse_euros(std::string_view text) {
  std::string s;
  for (char c : text::trim(text)) {
    if (c == ' ') continue;
    s += c;
  }
  // Narrow and ordinary no-break spaces typed as thousands separators, and a trailing euro sign.
  for (std::string_view junk : {"\u202f", "\u00a0", "€"}) {
    for (auto at = s.find(junk); at != std::string::npos; at = s.find(junk)) s.erase(at, junk.size());
  }
  if (s.empty()) return std::nullopt;
  auto sep = s.find_first_of(",.");
  std::string whole = s.substr(0, sep), frac = sep == std::string::npos ? "" : s.substr(sep + 1);
  if (whole.empty() || whole.size() > 9 || frac.size() > 2) return std::nullopt;
  if (whole.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  if (frac.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  if (sep != std::string::npos && frac.empty()) return std::nullopt;
  while (frac.size() < 2) frac += '0';
  return std::stoll(whole) * 100 + std::stoll(frac);
}

std::string format_euros(std::int64_t cents) {
  auto whole = std::to_string(cents / 100);
  std::string grouped;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i && (whole.size() - i) % 3 == 0) grouped += "\u202f";
    grouped += whole[i];
  }
  return fmt::format("{},{:02d} €", grouped, cents % 100);
}

web::Errors validate_membership(const MembershipInput& in, MembershipValues& out) {
  web::Errors errors;
  auto id = text::trim(in.organisation_id);
  if (id.empty())
    errors.push_back({"organisation_id", "Choisissez l'organisation adhérente."});
  else if (id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos)
    errors.push_back({"organisation_id", "L'organisation choisie est introuvable dans votre périmètre."});
  else
    out.organisation_id = std::stoll(id);

  auto year_text = text::trim(in.year);
  if (year_text.size() != 4 || year_text.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(year_text) < 2000 || std::stoi(year_text) > 2100)
    errors.push_back({"year", "Indiquez l'année d'adhésion (quatre chiffres, par exemple 2026)."});
  else
    out.year = std::stoi(year_text);

  auto fee = text::trim(in.fee);
  if (fee.empty()) {
    errors.push_back({"fee", "Indiquez le montant de la cotisation en euros (0 si elle est offerte)."});
  } else if (auto cents = parse_euros(fee)) {
    out.fee_cents = *cents;
  } else {
    errors.push_back({"fee", "Le montant de la cotisation doit être un nombre d'euros, par exemple 450 ou 450,50."});
  }

  auto date_field = [&](const std::string& raw, const char* field, const char* what) -> std::optional<CivilDate> {
    auto t = text::trim(raw);
    if (t.empty()) return std::nullopt;
    auto d = parse_iso_date(t);
    if (!d) errors.push_back({field, fmt::format("La {} n'est pas une date valide (JJ/MM/AAAA).", what)});
    return d;
  };
  auto paid = date_field(in.paid_date, "paid_date", "date de paiement");
  auto start = date_field(in.start_date, "start_date", "date de début");
  auto end = date_field(in.end_date, "end_date", "date de fin");
  auto join = date_field(in.join_date, "join_date", "date d'adhésion au réseau");
  if (paid) out.paid_date = iso(*paid);
  if (out.year) {
    CivilDate first{year{out.year}, January, day{1}}, last{year{out.year}, December, day{31}};
    if (text::trim(in.start_date).empty()) start = first;
    if (text::trim(in.end_date).empty()) end = last;
  }
  if (start && end) {
    if (sys_days{*end} < sys_days{*start})
      errors.push_back({"end_date", "La date de fin ne peut pas précéder la date de début."});
    else if (sys_days{*end} - sys_days{*start} > std::chrono::days{731})
      errors.push_back({"end_date", "Une adhésion couvre au plus deux ans : renouvelez-la plutôt."});
    else if (out.year && static_cast<int>(start->year()) != out.year && static_cast<int>(end->year()) != out.year)
      errors.push_back({"start_date", fmt::format("La période doit commencer ou finir en {}.", out.year)});
    out.start_date = iso(*start);
    out.end_date = iso(*end);
  }
  if (join) out.join_date = iso(*join);
  else if (start) out.join_date = iso(*start);
  if (join && start && sys_days{*join} > sys_days{*start})
    errors.push_back({"join_date", "La date d'adhésion au réseau ne peut pas suivre le début de la période."});
  return errors;
}

Period renewal_period(std::string_view end_date) {
  auto end = parse_iso_date(end_date).value_or(CivilDate{year{2000}, January, day{1}});
  auto start = add_days(end, 1);
  // The end moves by one year; a period ending on the last day of a month
  // keeps ending on the last day (28 February 2023 → 29 February 2024).
  auto next_end = add_months(end, 12);
  if (add_days(end, 1).month() != end.month())
    next_end = add_days(CivilDate{year_month_day_last{next_end.year(), month_day_last{next_end.month()}}}, 0);
  return {static_cast<int>(start.year()), iso(start), iso(next_end)};
}

web::Errors validate_override(const OverrideInput& in, const std::vector<StatusRule>& rules, CivilDate today) {
  web::Errors errors;
  auto status = text::trim(in.status);
  if (status.empty())
    errors.push_back({"status", "Choisissez le statut à appliquer, ou « Revenir au calcul automatique »."});
  else if (status != "auto" && !find_rule(rules, status))
    errors.push_back({"status", "Ce statut n'existe pas."});
  auto until = text::trim(in.until);
  if (!until.empty()) {
    auto d = parse_iso_date(until);
    if (!d)
      errors.push_back({"until", "La date de fin du forçage n'est pas une date valide (JJ/MM/AAAA)."});
    else if (sys_days{*d} < sys_days{today})
      errors.push_back({"until", "La date de fin du forçage ne peut pas être passée."});
  }
  if (text::trim(in.reason).empty())
    errors.push_back({"reason", "Indiquez le motif : il est conservé dans l'historique."});
  else if (text::length_utf8(in.reason) > 500)
    errors.push_back({"reason", "Le motif compte au plus 500 caractères."});
  return errors;
}

}  // namespace passerelle::network
