#include "followup/rules.hpp"

#include <algorithm>
#include <charconv>

#include "core/web/text.hpp"
#include "followup/model.hpp"
#include "network/rules.hpp"

namespace passerelle::followup {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::ranges::all_of(s, [](char c) { return c >= '0' && c <= '9'; });
}

// Non-negative decimal of exactly the given text, nullopt otherwise.
std::optional<int> parse_int(std::string_view s) {
  int v = 0;
  if (!all_digits(s) || s.size() > 9) return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string two_digits(int v) {
  return std::string{static_cast<char>('0' + v / 10 % 10), static_cast<char>('0' + v % 10)};
}

std::string four_digits(int v) { return two_digits(v / 100) + two_digits(v % 100); }

// A positive 64-bit id, as sent by a <select> or the API.
bool is_id(std::string_view s) {
  std::int64_t v = 0;
  if (!all_digits(s)) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc{} && end == s.data() + s.size() && v > 0;
}

std::string quoted(std::string_view label) { return "« " + std::string(label) + " »"; }

// "12 mois", "3 ans", "10 ans".
std::string months_label(int months) {
  if (months >= 24 && months % 12 == 0) return std::to_string(months / 12) + " ans";
  return std::to_string(months) + " mois";
}

// Gathers the errors of a form, field after field. Each field gets at most one
// message: the first rule it breaks, in the order a user would fix them.
class Checker {
 public:
  static constexpr std::size_t kMaxLength = 300;  // characters, every short text field

  // The trimmed value when it is valid UTF-8 and not too long; otherwise the
  // error is recorded and nullopt returned, so later rules are skipped.
  std::optional<std::string> text(
      std::string_view field, std::string_view value, std::size_t max_length = kMaxLength,
      std::string_view too_long = "Ce champ ne doit pas dépasser 300 caractères.") {
    if (!text::is_valid_utf8(value)) {
      add(field, "Ce champ contient des caractères invalides.");
      return std::nullopt;
    }
    std::string v = text::trim(value);
    if (text::length_utf8(v) > max_length) {
      add(field, std::string(too_long));
      return std::nullopt;
    }
    return v;
  }

  // Like text(), but nullopt too when the field is empty: for optional fields.
  std::optional<std::string> optional_text(std::string_view field, std::string_view value) {
    auto v = text(field, value);
    if (v && v->empty()) return std::nullopt;
    return v;
  }

  // A required field: records `missing` when empty.
  std::optional<std::string> required_text(std::string_view field, std::string_view value,
                                           std::string_view missing) {
    auto v = text(field, value);
    if (v && v->empty()) {
      add(field, std::string(missing));
      return std::nullopt;
    }
    return v;
  }

  // An optional code of `table`: `unknown` when typed but not in the table.
  template <class Row, std::size_t N>
  void optional_code(std::string_view field, std::string_view value, const std::array<Row, N>& table,
                     std::string_view unknown) {
    if (auto v = optional_text(field, value); v && !find_code(table, *v)) add(field, std::string(unknown));
  }

  // A required code of `table`.
  template <class Row, std::size_t N>
  const Row* required_code(std::string_view field, std::string_view value, const std::array<Row, N>& table,
                           std::string_view missing, std::string_view unknown) {
    auto v = required_text(field, value, missing);
    if (!v) return nullptr;
    const Row* row = find_code(table, *v);
    if (!row) add(field, std::string(unknown));
    return row;
  }

  // A date field: `missing` when empty and required, a format message when not a
  // real day. nullopt when empty or wrong.
  std::optional<Date> date(std::string_view field, std::string_view value, bool required,
                           std::string_view missing) {
    auto v = text(field, value);
    if (!v) return std::nullopt;
    if (v->empty()) {
      if (required) add(field, std::string(missing));
      return std::nullopt;
    }
    auto d = parse_date(*v);
    if (!d)
      add(field, "Cette date n'est pas valide : saisissez-la au format AAAA-MM-JJ (exemple : 2020-04-15).");
    return d;
  }

  void add(std::string_view field, std::string message) {
    errors.push_back({std::string(field), std::move(message)});
  }

  web::Errors errors;
};

const std::string kExitBeforeEntry = "La date de sortie ne peut pas précéder la date d'entrée.";
// An exit is a fact the ESF report counts: it is recorded once it happened.
const std::string kExitInFuture = "La date de sortie ne peut pas être dans le futur.";

// --- state machines --------------------------------------------------------

struct Transition {
  std::string_view name;  // code in kEnrolmentTransitions / kDifficultyTransitions
  std::string_view from;
  std::string_view to;
};

// Exit from a suspension too: a suspended person may move away or find a job.
constexpr std::array<Transition, 4> kEnrolmentMachine{{
    {"suspend", "active", "suspended"},
    {"resume", "suspended", "active"},
    {"exit", "active", "exited"},
    {"exit", "suspended", "exited"},
}};

// Beyond the main line, a referent may treat a difficulty without orienting
// it (identified → in_progress), a partner may solve it (oriented → solved),
// and the person may decline help at any open step (→ dropped).
constexpr std::array<Transition, 10> kDifficultyMachine{{
    {"orient", "identified", "oriented"},
    {"start", "identified", "in_progress"},
    {"start", "oriented", "in_progress"},
    {"solve", "oriented", "solved"},
    {"solve", "in_progress", "solved"},
    {"drop", "identified", "dropped"},
    {"drop", "oriented", "dropped"},
    {"drop", "in_progress", "dropped"},
    {"reopen", "solved", "in_progress"},
    {"reopen", "dropped", "in_progress"},
}};

template <std::size_t N>
const Transition* find_transition(const std::array<Transition, N>& machine, std::string_view from,
                                  std::string_view name) {
  for (const auto& t : machine)
    if (t.from == from && t.name == name) return &t;
  return nullptr;
}

template <std::size_t N>
std::vector<std::string_view> transitions_from(const std::array<Transition, N>& machine,
                                               std::string_view from) {
  std::vector<std::string_view> out;
  for (const auto& t : machine)
    if (t.from == from) out.push_back(t.name);
  return out;
}

// "Impossible de « Reprendre le parcours » : le parcours est « En cours »."
template <class Row, std::size_t N, class Row2, std::size_t M>
web::Errors refused(const std::array<Row, N>& transitions, std::string_view name,
                    const std::array<Row2, M>& statuses, std::string_view from, std::string_view subject) {
  const Row* t = find_code(transitions, name);
  if (!t) return {{"status", "Cette action n'existe pas."}};
  if (!find_code(statuses, from))
    return {{"status", "Le statut actuel est inconnu : " + std::string(from) + "."}};
  return {{"status", "Impossible de " + quoted(t->label) + " : " + std::string(subject) + " est " +
                         quoted(label_of(statuses, from)) + "."}};
}

}  // namespace

// --- Calendar dates ---------------------------------------------------------

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

bool is_valid_date(int year, int month, int day) {
  return year >= 1 && year <= 9999 && day >= 1 && day <= days_in_month(year, month);
}

std::optional<Date> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  const auto y = parse_int(s.substr(0, 4)), m = parse_int(s.substr(5, 2)), d = parse_int(s.substr(8, 2));
  if (!y || !m || !d || !is_valid_date(*y, *m, *d)) return std::nullopt;
  return Date{*y, *m, *d};
}

std::string format_date(Date d) {
  return four_digits(d.year) + "-" + two_digits(d.month) + "-" + two_digits(d.day);
}

std::string format_date_fr(Date d) {
  return two_digits(d.day) + "/" + two_digits(d.month) + "/" + four_digits(d.year);
}

// Howard Hinnant's days_from_civil / civil_from_days ("chrono-Compatible
// Low-Level Date Algorithms"): exact over the whole proleptic Gregorian calendar.
std::int64_t to_days(Date d) {
  const std::int64_t y = d.year - (d.month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;                                                   // [0, 399]
  const std::int64_t doy = (153 * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + d.day - 1;  // [0, 365]
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                           // [0, 146096]
  return era * 146097 + doe - 719468;
}

Date from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return Date{static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0)), month, day};
}

Date add_days(Date d, std::int64_t days) { return from_days(to_days(d) + days); }

Date add_months(Date d, int months) {
  const std::int64_t index = std::int64_t{d.year} * 12 + (d.month - 1) + months;
  const std::int64_t year = index >= 0 ? index / 12 : (index - 11) / 12;
  const int month = static_cast<int>(index - year * 12) + 1;
  const int y = static_cast<int>(year);
  return Date{y, month, std::min(d.day, days_in_month(y, month))};
}

Date add_years(Date d, int years) { return add_months(d, years * 12); }

std::int64_t days_between(Date from, Date to) { return to_days(to) - to_days(from); }

int iso_weekday(Date d) {
  const std::int64_t z = to_days(d);  // 1970-01-01 was a Thursday (4)
  return static_cast<int>(((z + 3) % 7 + 7) % 7) + 1;
}

std::optional<DateTime> parse_datetime(std::string_view s) {
  if (s.size() != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z') return std::nullopt;
  const auto date = parse_date(s.substr(0, 10));
  const auto h = parse_int(s.substr(11, 2)), m = parse_int(s.substr(14, 2)), sec = parse_int(s.substr(17, 2));
  if (!date || !h || !m || !sec || *h > 23 || *m > 59 || *sec > 59) return std::nullopt;
  return DateTime{*date, *h, *m, *sec};
}

std::string format_datetime(const DateTime& t) {
  return format_date(t.date) + "T" + two_digits(t.hour) + ":" + two_digits(t.minute) + ":" +
         two_digits(t.second) + "Z";
}

Date paris_date(const DateTime& t) {
  auto last_sunday = [](int year, int month) {
    const Date last{year, month, days_in_month(year, month)};
    return add_days(last, -(iso_weekday(last) % 7));
  };
  // Summer time runs from 01:00 UTC on the last Sunday of March to 01:00 UTC
  // on the last Sunday of October (directive 2000/84/EC).
  const DateTime summer_start{last_sunday(t.date.year, 3), 1, 0, 0};
  const DateTime summer_end{last_sunday(t.date.year, 10), 1, 0, 0};
  const int offset = (t >= summer_start && t < summer_end) ? 2 : 1;
  return t.hour + offset >= 24 ? add_days(t.date, 1) : t.date;
}

// --- When to contact a participant -------------------------------------------

bool outcome_is_reached(std::string_view outcome) {
  const InteractionOutcome* o = find_code(kInteractionOutcomes, outcome);
  return o && o->reached;
}

std::optional<Date> last_reached_date(std::span<const InteractionAttempt> interactions) {
  std::optional<DateTime> last;
  for (const auto& i : interactions)
    if (outcome_is_reached(i.outcome) && (!last || i.at > *last)) last = i.at;
  if (!last) return std::nullopt;
  return paris_date(*last);
}

Date next_due_date(Date entry_date, int cadence_days, std::span<const InteractionAttempt> interactions) {
  if (auto last = last_reached_date(interactions)) return add_days(*last, cadence_days);
  return entry_date;
}

namespace {

// The interactions up to `today` (Paris), most recent first.
std::vector<const InteractionAttempt*> latest_first(std::span<const InteractionAttempt> interactions,
                                                    Date today) {
  std::vector<const InteractionAttempt*> out;
  for (const auto& i : interactions)
    if (paris_date(i.at) <= today) out.push_back(&i);
  std::ranges::stable_sort(out, [](const auto* a, const auto* b) { return a->at > b->at; });
  return out;
}

int failed_streak(const std::vector<const InteractionAttempt*>& latest) {
  int n = 0;
  for (const auto* i : latest) {
    if (outcome_is_reached(i->outcome)) break;
    ++n;
  }
  return n;
}

bool unreachable(const std::vector<const InteractionAttempt*>& latest, Date entry_date, int cadence_days,
                 Date today) {
  const int streak = failed_streak(latest);
  if (streak >= 3) return true;
  if (streak == 0) return false;  // reached last time, or nobody tried yet
  const Date since = streak < static_cast<int>(latest.size()) ? paris_date(latest[streak]->at) : entry_date;
  return days_between(since, today) >= 2 * static_cast<std::int64_t>(cadence_days);
}

}  // namespace

bool is_unreachable(Date entry_date, int cadence_days, std::span<const InteractionAttempt> interactions,
                    Date today) {
  return unreachable(latest_first(interactions, today), entry_date, cadence_days, today);
}

std::string_view due_status_code(DueStatus status) {
  switch (status) {
    case DueStatus::overdue:
      return "overdue";
    case DueStatus::due_today:
      return "due_today";
    case DueStatus::never_contacted:
      return "never_contacted";
    case DueStatus::unreachable:
      return "unreachable";
    case DueStatus::ok:
      return "ok";
  }
  return "ok";
}

DueInfo due_status(Date entry_date, int cadence_days, std::span<const InteractionAttempt> interactions,
                   Date today) {
  const auto latest = latest_first(interactions, today);
  DueInfo info;
  info.failed_streak = failed_streak(latest);
  if (info.failed_streak < static_cast<int>(latest.size()))
    info.last_reached = paris_date(latest[info.failed_streak]->at);
  info.due = info.last_reached ? add_days(*info.last_reached, cadence_days) : entry_date;

  if (today < entry_date)
    info.status = DueStatus::ok;
  else if (unreachable(latest, entry_date, cadence_days, today))
    info.status = DueStatus::unreachable;
  else if (latest.empty())
    info.status = DueStatus::never_contacted;
  else if (info.due < today)
    info.status = DueStatus::overdue;
  else if (info.due == today)
    info.status = DueStatus::due_today;
  else
    info.status = DueStatus::ok;
  return info;
}

int due_rank(DueStatus status) {
  switch (status) {
    case DueStatus::overdue:
      return 0;
    case DueStatus::due_today:
      return 1;
    case DueStatus::never_contacted:
      return 2;
    case DueStatus::unreachable:
      return 3;
    case DueStatus::ok:
      return 4;
  }
  return 4;
}

bool due_before(const DueInfo& a, const DueInfo& b) {
  const int ra = due_rank(a.status), rb = due_rank(b.status);
  if (ra != rb) return ra < rb;
  return a.due < b.due;
}

// --- Enrolment state machine ----------------------------------------------------

std::expected<std::string_view, web::Errors> enrolment_transition(std::string_view from,
                                                                  std::string_view transition,
                                                                  const EnrolmentExit& exit) {
  if (from == "exited" && find_code(kEnrolmentTransitions, transition))
    return std::unexpected(
        web::Errors{{"status", "Ce parcours est terminé : son statut ne peut plus changer."}});
  const Transition* t = find_transition(kEnrolmentMachine, from, transition);
  if (!t)
    return std::unexpected(
        refused(kEnrolmentTransitions, transition, kEnrolmentStatuses, from, "le parcours"));
  if (t->name != "exit") return t->to;

  Checker c;
  const auto entry = parse_date(exit.entry_date);
  if (auto exit_date = c.date("exit_date", exit.exit_date, true, "Indiquez la date de sortie.")) {
    if (entry && *exit_date < *entry)
      c.add("exit_date", kExitBeforeEntry);
    else if (exit.today && *exit_date > *exit.today)
      c.add("exit_date", kExitInFuture);
  }
  c.required_code("exit_outcome", exit.outcome, kExitOutcomes, "Indiquez le motif de sortie.",
                  "Choisissez un motif de sortie dans la liste.");
  if (!c.errors.empty()) return std::unexpected(std::move(c.errors));
  return t->to;
}

std::vector<std::string_view> enrolment_transitions_from(std::string_view status) {
  return transitions_from(kEnrolmentMachine, status);
}

// --- Difficulty state machine ---------------------------------------------------

std::expected<std::string_view, web::Errors> difficulty_transition(std::string_view from,
                                                                   std::string_view transition,
                                                                   std::string_view partner_organisation_id) {
  const Transition* t = find_transition(kDifficultyMachine, from, transition);
  if (!t)
    return std::unexpected(
        refused(kDifficultyTransitions, transition, kDifficultyStatuses, from, "la difficulté"));
  if (t->name == "orient" && !is_id(text::trim(partner_organisation_id)))
    return std::unexpected(web::Errors{
        {"partner_organisation_id", "Choisissez le partenaire vers lequel la personne est orientée."}});
  return t->to;
}

std::vector<std::string_view> difficulty_transitions_from(std::string_view status) {
  return transitions_from(kDifficultyMachine, status);
}

bool difficulty_subkind_fits(std::string_view kind, std::string_view subkind) {
  return subkind.empty() || find_subkind(kind, subkind) != nullptr;
}

// --- Forms ------------------------------------------------------------------------

web::Errors validate_participant(const ParticipantInput& in, Date today) {
  Checker c;
  c.required_text("first_name", in.first_name, "Le prénom est obligatoire.");
  c.required_text("last_name", in.last_name, "Le nom est obligatoire.");

  if (auto birth = c.date("birth_date", in.birth_date, true, "La date de naissance est obligatoire.")) {
    if (*birth >= today)
      c.add("birth_date", "La date de naissance doit être dans le passé.");
    else if (birth->year < 1900)
      c.add("birth_date", "La date de naissance ne peut pas être antérieure à 1900.");
  }

  c.required_code("gender", in.gender, kGenders, "Indiquez le genre (demandé par le FSE).",
                  "Choisissez un genre dans la liste.");

  if (auto email = c.optional_text("email", in.email); email && !network::email_plausible(*email))
    c.add("email", "L'adresse e-mail n'est pas valide (exemple : prenom.nom@exemple.fr).");
  if (auto phone = c.optional_text("phone", in.phone); phone && !network::phone_plausible(*phone))
    c.add("phone",
          "Le numéro de téléphone n'est pas valide (exemple : 06 12 34 56 78 ou +33 6 12 34 56 78).");

  c.text("address", in.address);
  c.text("commune", in.commune);
  c.text("languages", in.languages);
  if (auto postcode = c.optional_text("postcode", in.postcode); postcode && !network::is_postcode(*postcode))
    c.add("postcode", "Le code postal doit compter 5 chiffres.");
  if (auto insee = c.optional_text("commune_insee", in.commune_insee);
      insee && !network::is_commune_insee(*insee))
    c.add("commune_insee",
          "Le code commune INSEE compte 5 caractères : des chiffres, ou 2A ou 2B suivis de 3 chiffres.");

  c.optional_code("labour_status", in.labour_status, kLabourStatuses,
                  "Choisissez une situation professionnelle dans la liste.");
  c.optional_code("education_level", in.education_level, kEducationLevels,
                  "Choisissez un niveau de formation dans la liste.");
  c.optional_code("housing", in.housing, kHousingSituations,
                  "Choisissez une situation de logement dans la liste.");
  for (const auto& benefit : in.benefits) {
    const std::string code = text::trim(benefit);
    if (!code.empty() && !find_code(kBenefits, code)) {
      c.add("benefits", "Choisissez les allocations dans la liste.");
      break;
    }
  }
  for (auto [field, value] : {std::pair{"rqth", &in.rqth}, std::pair{"qpv", &in.qpv}})
    if (*value != "" && *value != "0" && *value != "1") c.add(field, "Répondez par oui ou par non.");

  // RGPD, art. 6 and 9: a sensitive pathway is processed with the person's consent.
  if (in.consent != "1") {
    c.add("consent", "Le consentement de la personne au traitement de ses données est obligatoire.");
  } else if (auto date = c.date("consent_date", in.consent_date, true, "Indiquez la date du consentement.")) {
    if (*date > today) c.add("consent_date", "La date du consentement ne peut pas être dans le futur.");
  }
  return std::move(c.errors);
}

std::string participant_match_key(std::string_view first_name, std::string_view last_name,
                                  std::string_view birth_date) {
  auto simplify = [](std::string_view name) {
    std::string folded = text::fold(text::trim(name)), out;
    for (char ch : folded) {
      if (ch == '-' || ch == '\'' || ch == ' ' || ch == '\t') ch = ' ';
      if (ch == ' ' && (out.empty() || out.back() == ' ')) continue;
      out += ch;
    }
    if (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  };
  return simplify(last_name) + "|" + simplify(first_name) + "|" + text::trim(birth_date);
}

web::Errors validate_interaction(const InteractionInput& in, const DateTime& now) {
  Checker c;
  if (auto at = c.required_text("at", in.at, "Indiquez la date et l'heure de l'échange.")) {
    const auto t = parse_datetime(*at);
    if (!t)
      c.add("at", "La date et l'heure de l'échange ne sont pas valides.");
    else if (*t > now)
      c.add("at", "Un échange ne peut pas être daté dans le futur.");
  }
  c.required_code("channel", in.channel, kInteractionChannels, "Indiquez le canal de l'échange.",
                  "Choisissez un canal dans la liste.");
  const InteractionOutcome* outcome =
      c.required_code("outcome", in.outcome, kInteractionOutcomes, "Indiquez le résultat de l'échange.",
                      "Choisissez un résultat dans la liste.");
  if (outcome && outcome->reached)
    c.required_code("level", in.level, kInteractionLevels,
                    "Indiquez le niveau de l'entretien : lien et accès aux droits, ou vers l'emploi.",
                    "Choisissez un niveau dans la liste.");
  else
    c.optional_code("level", in.level, kInteractionLevels, "Choisissez un niveau dans la liste.");
  c.text("notes", in.notes, kMaxNotesLength, "Les notes ne doivent pas dépasser 5 000 caractères.");
  return std::move(c.errors);
}

Date max_duration_end(Date entry_date, int months) {
  // The pathway ends the day before the same day N months later; when that
  // month lacks the day (29 February 2020 + 12 months), the period runs to the
  // end of the month, as a délai in months does (Code civil, art. 641).
  const Date same_day = add_months(entry_date, months);
  return same_day.day == entry_date.day ? add_days(same_day, -1) : same_day;
}

EnrolmentCheck validate_enrolment(const EnrolmentInput& in, int max_duration_months, Date today) {
  Checker c;
  const auto entry = c.date("entry_date", in.entry_date, true, "La date d'entrée est obligatoire.");
  const auto exit = c.date("exit_date", in.exit_date, false, "");
  const bool has_outcome = !text::trim(in.exit_outcome).empty();

  if (exit) {
    if (entry && *exit < *entry)
      c.add("exit_date", kExitBeforeEntry);
    else if (*exit > today)
      c.add("exit_date", kExitInFuture);
    c.required_code("exit_outcome", in.exit_outcome, kExitOutcomes, "Indiquez le motif de sortie.",
                    "Choisissez un motif de sortie dans la liste.");
  } else if (has_outcome && !web::find_error(c.errors, "exit_date")) {
    c.add("exit_date", "Indiquez la date de sortie.");
  }

  EnrolmentCheck check;
  if (entry && max_duration_months > 0 && c.errors.empty()) {
    const Date limit = max_duration_end(*entry, max_duration_months);
    if ((exit ? *exit : today) > limit)
      check.warnings.push_back({"max_duration", "Le parcours dépasse la durée maximale du programme (" +
                                                    std::to_string(max_duration_months) + " mois" +
                                                    ") : elle a été atteinte le " + format_date_fr(limit) +
                                                    "."});
  }
  check.errors = std::move(c.errors);
  return check;
}

web::Errors validate_programme(const ProgrammeInput& in) {
  Checker c;
  c.required_text("name", in.name, "Le nom du programme est obligatoire.");
  c.required_code("kind", in.kind, kProgrammeKinds, "Indiquez le type de programme.",
                  "Choisissez un type de programme dans la liste.");
  if (auto v = c.required_text("cadence_days", in.cadence_days,
                               "Indiquez tous les combien de jours contacter chaque personne.")) {
    const auto days = parse_int(*v);
    if (!days || *days < 1 || *days > 365)
      c.add("cadence_days", "La fréquence de contact doit être un nombre de jours entre 1 et 365.");
  }
  if (auto v = c.optional_text("max_duration_months", in.max_duration_months)) {
    const auto months = parse_int(*v);
    if (!months || *months < 1 || *months > 120)
      c.add("max_duration_months", "La durée maximale doit être un nombre de mois entre 1 et 120.");
  }
  return std::move(c.errors);
}

// --- PASS IAE ---------------------------------------------------------------------

Date pass_default_end(Date start) { return add_days(add_years(start, 2), -1); }

Pass new_pass(Date start) { return Pass{start, pass_default_end(start), {}, {}}; }

std::int64_t suspension_days(const PassPeriod& s) {
  return std::max<std::int64_t>(0, days_between(s.start, s.end) + 1);
}

std::int64_t prolongation_days(const PassPeriod& p) {
  return std::max<std::int64_t>(0, days_between(p.start, p.end));
}

Date pass_end(const Pass& pass) {
  std::int64_t extra = 0;
  for (const auto& s : pass.suspensions) extra += suspension_days(s);
  for (const auto& p : pass.prolongations) extra += prolongation_days(p);
  return add_days(pass.end, extra);
}

std::string_view pass_status_code(PassStatus status) {
  switch (status) {
    case PassStatus::valid:
      return "valid";
    case PassStatus::suspended:
      return "suspended";
    case PassStatus::expired:
      return "expired";
    case PassStatus::future:
      return "future";
  }
  return "valid";
}

PassStatus pass_status(const Pass& pass, Date today) {
  if (today < pass.start) return PassStatus::future;
  if (today > pass_end(pass)) return PassStatus::expired;
  for (const auto& s : pass.suspensions)
    if (s.start <= today && today <= s.end) return PassStatus::suspended;
  return PassStatus::valid;
}

web::Errors check_suspension(const Pass& pass, const PassPeriod& s, std::string_view organisation_kind) {
  Checker c;
  if (!find_code(kPassSuspensionReasons, s.reason))
    c.add("reason", "Choisissez un motif de suspension dans la liste.");
  else if (s.reason == "CONTRAT_PASSERELLE" && organisation_kind != "ei" && organisation_kind != "aci")
    c.add("reason",
          "Le motif " + quoted(label_of(kPassSuspensionReasons, s.reason)) + " est réservé aux EI et ACI.");

  const Date end = pass_end(pass);
  if (s.start < pass.start || s.start > end)
    c.add("start", "La suspension doit commencer pendant la validité du PASS IAE, du " +
                       format_date_fr(pass.start) + " au " + format_date_fr(end) + ".");
  else
    for (const auto& other : pass.suspensions)
      if (s.start <= other.end && other.start <= s.end) {
        c.add("start", "La période chevauche la suspension du " + format_date_fr(other.start) + " au " +
                           format_date_fr(other.end) + ".");
        break;
      }

  // les-emplois: Suspension.get_max_end_at = start + 36 months − 1 day.
  const Date max_end = add_days(add_months(s.start, kPassSuspensionMaxMonths), -1);
  if (s.end < s.start)
    c.add("end", "La date de fin doit être postérieure ou égale à la date de début.");
  else if (s.end > max_end)
    c.add("end", "Une suspension dure au plus " + months_label(kPassSuspensionMaxMonths) +
                     " : date de fin maximale le " + format_date_fr(max_end) + ".");
  return std::move(c.errors);
}

web::Errors check_prolongation(const Pass& pass, const PassPeriod& p, std::string_view organisation_kind) {
  Checker c;
  const ProlongationReason* reason = find_code(kProlongationReasons, p.reason);
  if (!reason) {
    c.add("reason", "Choisissez un motif de prolongation dans la liste.");
  } else if (!reason->usable) {
    // les-emplois: "Since December 1, 2021, health context reason can no longer be used".
    c.add("reason",
          "Le motif " + quoted(reason->label) + " n'est plus utilisable depuis le 1er décembre 2021.");
  } else if (reason->ai_aci_only && !(organisation_kind == "ai" || organisation_kind == "aci")) {
    c.add("reason", "Le motif " + quoted(reason->label) +
                        " est réservé aux associations intermédiaires (AI) et aux ateliers et chantiers "
                        "d'insertion (ACI).");
  }

  const Date current_end = pass_end(pass);
  if (p.start != current_end)
    c.add("start", "La prolongation doit commencer le jour de la fin du PASS IAE, le " +
                       format_date_fr(current_end) + ".");

  if (p.end <= p.start) {
    c.add("end", "Une prolongation dure au moins un jour.");
  } else if (reason && reason->usable) {
    const Date per_request_max = add_months(p.start, reason->max_months_per_request);
    // Total for this reason, counted in calendar time from its first prolongation,
    // so that three back-to-back 12-month RQTH prolongations fit 3 years
    // exactly, leap day or not.
    std::int64_t used = 0;
    Date first = p.start;
    for (const auto& other : pass.prolongations)
      if (other.reason == p.reason) {
        used += prolongation_days(other);
        first = std::min(first, other.start);
      }
    const std::int64_t allowed = days_between(first, add_months(first, reason->max_total_months));
    const std::int64_t remaining = allowed - used;
    const Date total_max = add_days(p.start, std::max<std::int64_t>(0, remaining));
    const std::string motive = quoted(reason->label);
    if (remaining <= 0) {
      c.add("end", "Les prolongations pour le motif " + motive + " ont atteint leur durée totale maximale (" +
                       months_label(reason->max_total_months) + ").");
    } else if (p.end > total_max && total_max < per_request_max) {
      c.add("end", "Les prolongations pour le motif " + motive + " ne peuvent dépasser " +
                       months_label(reason->max_total_months) + " au total : il reste " +
                       std::to_string(remaining) + " jours, soit une date de fin au plus tard le " +
                       format_date_fr(total_max) + ".");
    } else if (p.end > per_request_max) {
      c.add("end", "Une prolongation pour le motif " + motive + " dure au plus " +
                       months_label(reason->max_months_per_request) + " : date de fin au plus tard le " +
                       format_date_fr(per_request_max) + ".");
    }
  }
  return std::move(c.errors);
}

std::string_view pass_alert_code(PassAlert alert) {
  switch (alert) {
    case PassAlert::none:
      return "none";
    case PassAlert::three_months:
      return "three_months";
    case PassAlert::one_month:
      return "one_month";
  }
  return "none";
}

PassAlert pass_alert(const Pass& pass, Date today) {
  const Date end = pass_end(pass);
  if (today < pass.start || today > end) return PassAlert::none;
  if (today >= add_months(end, -1)) return PassAlert::one_month;
  if (today >= add_months(end, -3)) return PassAlert::three_months;
  return PassAlert::none;
}

// --- Dashboard -------------------------------------------------------------------

bool is_positive_exit(std::string_view outcome) {
  const ExitOutcome* o = find_code(kExitOutcomes, outcome);
  return o && o->positive;
}

bool unable_to_use_email(std::string_view answer) { return answer == "no" || answer == "with_help"; }

int percent(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) return 0;
  if (part < 0) part = 0;
  return static_cast<int>((200 * part + whole) / (2 * whole));
}

DashboardShares dashboard_shares(const DashboardCounts& n) {
  return DashboardShares{
      .not_reached = percent(n.followed_not_reached, n.followed),
      .unable_to_email = percent(n.unable_to_email, n.assessed),
      .positive_exits = percent(n.positive_exits, n.exits),
  };
}

}  // namespace passerelle::followup
