#include "hotline/rules.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "core/web/text.hpp"

namespace passerelle::hotline {
namespace {

// Days since 1970-01-01 of a civil date and back (H. Hinnant's algorithms).
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

Date civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {static_cast<int>(y + (m <= 2)), m, d};
}

std::int64_t days_of(const Date& d) { return days_from_civil(d.year, d.month, d.day); }

int weekday_of_days(std::int64_t z) { return static_cast<int>(((z % 7) + 7 + 3) % 7) + 1; }

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Last Sunday of a month at 01:00 UTC (EU summer time, directive 2000/84/EC).
std::int64_t last_sunday_0100_utc(int year, int month) {
  std::int64_t last = days_from_civil(month == 12 ? year + 1 : year, month == 12 ? 1 : month + 1, 1) - 1;
  last -= weekday_of_days(last) % 7;
  return last * 86400 + 3600;
}

std::int64_t local_to_utc(std::int64_t local) {
  if (paris_offset(local - 3600) == 3600) return local - 3600;
  return local - 7200;
}

bool working_day(std::int64_t day) { return !is_public_holiday(civil_from_days(day)); }

std::optional<std::int64_t> positive_int(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// "2", "1,5", "0.5" hours → minutes; nullopt unless a positive number.
std::optional<std::int64_t> hours_to_minutes(std::string s) {
  std::replace(s.begin(), s.end(), ',', '.');
  if (s.empty() || s.size() > 8) return std::nullopt;
  double h = 0;
  char tail = 0;
  if (std::sscanf(s.c_str(), "%lf%c", &h, &tail) != 1 || !(h > 0) || h > 10000) return std::nullopt;
  auto minutes = static_cast<std::int64_t>(h * 60 + 0.5);
  if (minutes < 1) return std::nullopt;
  return minutes;
}

bool blank(std::string_view s) { return text::trim(s).empty(); }

}  // namespace

Date easter_sunday(int y) {
  int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
  int h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4;
  int l = (32 + 2 * e + 2 * i - h - k) % 7, m = (a + 11 * h + 22 * l) / 451;
  int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
  return {y, month, day};
}

std::vector<Date> public_holidays(int year) {
  auto easter = days_of(easter_sunday(year));
  std::vector<Date> out{{year, 1, 1},
                        civil_from_days(easter + 1),
                        {year, 5, 1},
                        {year, 5, 8},
                        civil_from_days(easter + 39),
                        civil_from_days(easter + 50),
                        {year, 7, 14},
                        {year, 8, 15},
                        {year, 11, 1},
                        {year, 11, 11},
                        {year, 12, 25}};
  std::sort(out.begin(), out.end());
  return out;
}

bool is_public_holiday(const Date& d) {
  if ((d.month == 1 && d.day == 1) || (d.month == 5 && (d.day == 1 || d.day == 8)) || (d.month == 7 && d.day == 14) ||
      (d.month == 8 && d.day == 15) || (d.month == 11 && (d.day == 1 || d.day == 11)) || (d.month == 12 && d.day == 25))
    return true;
  if (d.month < 3 || d.month > 6) return false;
  auto offset = days_of(d) - days_of(easter_sunday(d.year));
  return offset == 1 || offset == 39 || offset == 50;
}

int weekday(const Date& d) { return weekday_of_days(days_of(d)); }

Calendar default_calendar() {
  Calendar c;
  for (int wd = 1; wd <= 5; ++wd) {
    c.spans.push_back({wd, 9 * 60, 12 * 60 + 30});
    c.spans.push_back({wd, 13 * 60 + 30, 17 * 60 + 30});
  }
  return c;
}

std::optional<std::int64_t> parse_utc(std::string_view s) {
  int y, mo, d, h, mi, se = 0;
  std::string str(s);
  if (str.size() < 16 || str[4] != '-' || str[7] != '-' || (str[10] != 'T' && str[10] != ' ') || str[13] != ':')
    return std::nullopt;
  int n = std::sscanf(str.c_str(), "%4d-%2d-%2d%*c%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &se);
  if (n < 5) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59 || y < 1900 || y > 9999) return std::nullopt;
  if (civil_from_days(days_from_civil(y, mo, d)).day != d) return std::nullopt;
  return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
}

std::string format_utc(std::int64_t t) {
  auto day = floor_div(t, 86400);
  auto s = t - day * 86400;
  auto d = civil_from_days(day);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", d.year, d.month, d.day, s / 3600, s / 60 % 60, s % 60);
}

int paris_offset(std::int64_t t) {
  int year = civil_from_days(floor_div(t, 86400)).year;
  return t >= last_sunday_0100_utc(year, 3) && t < last_sunday_0100_utc(year, 10) ? 7200 : 3600;
}

std::optional<std::string> paris_day_start_utc(std::string_view date) {
  if (date.size() != 10) return std::nullopt;
  auto t = parse_utc(std::string(date) + "T00:00:00Z");
  if (!t) return std::nullopt;
  return format_utc(local_to_utc(*t));
}

std::string next_date(std::string_view date) {
  auto t = parse_utc(std::string(date) + "T00:00:00Z");
  if (!t) return "";
  return format_utc(*t + 86400).substr(0, 10);
}

std::string add_business_minutes(const Calendar& cal, std::string_view from_utc, std::int64_t minutes) {
  auto t = parse_utc(from_utc);
  if (!t) return std::string(kNoDue);
  std::int64_t local = *t + paris_offset(*t);
  std::int64_t day = floor_div(local, 86400), second = local - day * 86400, remaining = std::max<std::int64_t>(0, minutes) * 60;
  // Ten years without a working hour means an empty calendar: nothing is ever due.
  for (int guard = 0; guard < 3660; ++guard, ++day, second = 0) {
    if (!working_day(day)) continue;
    int wd = weekday_of_days(day);
    for (auto& span : cal.spans) {
      if (span.weekday != wd) continue;
      std::int64_t start = std::max<std::int64_t>(second, span.opens * 60), end = span.closes * 60;
      if (start >= end) continue;
      if (remaining <= end - start) return format_utc(local_to_utc(day * 86400 + start + remaining));
      remaining -= end - start;
    }
  }
  return std::string(kNoDue);
}

std::int64_t business_minutes_between(const Calendar& cal, std::string_view from_utc, std::string_view to_utc) {
  auto f = parse_utc(from_utc), t = parse_utc(to_utc);
  if (!f || !t || *t <= *f) return 0;
  std::int64_t from = *f + paris_offset(*f), to = *t + paris_offset(*t), seconds = 0;
  for (auto day = floor_div(from, 86400), last = floor_div(to, 86400); day <= last; ++day) {
    if (!working_day(day)) continue;
    int wd = weekday_of_days(day);
    for (auto& span : cal.spans) {
      if (span.weekday != wd) continue;
      auto start = std::max(from, day * 86400 + span.opens * 60), end = std::min(to, day * 86400 + span.closes * 60);
      if (end > start) seconds += end - start;
    }
  }
  return seconds / 60;
}

std::string next_due(std::string_view state, const std::optional<std::string>& first_response_at,
                     std::string_view first_response_due, std::string_view resolution_due) {
  if (is_resolved(state)) return std::string(kNoDue);
  if (!first_response_at) return std::string(std::min(first_response_due, resolution_due));
  return std::string(resolution_due);
}

Sla sla_status(const Calendar& cal, std::string_view due, std::string_view now, std::int64_t soon_minutes) {
  if (due == kNoDue || due.empty()) return Sla::none;
  if (now >= due) return Sla::late;
  return business_minutes_between(cal, now, due) <= soon_minutes ? Sla::soon : Sla::ok;
}

std::string_view sla_label(Sla s) {
  switch (s) {
    case Sla::late: return "En retard";
    case Sla::soon: return "Bientôt en retard";
    case Sla::ok: return "Dans les délais";
    case Sla::none: return "";
  }
  return "";
}

namespace {
struct Transition {
  std::string_view from, to;
  bool member;  // the member may make it too
};
constexpr Transition kTransitions[] = {
    {"new", "open", false},       {"new", "waiting", false},     {"new", "answered", false},
    {"new", "closed", false},     {"open", "waiting", false},    {"open", "answered", false},
    {"open", "closed", false},    {"waiting", "open", true},     {"waiting", "answered", false},
    {"waiting", "closed", false}, {"answered", "open", true},    {"answered", "waiting", false},
    {"answered", "closed", true}, {"closed", "open", true},
};
}  // namespace

bool transition_allowed(std::string_view from, std::string_view to, bool staff) {
  for (auto& t : kTransitions)
    if (t.from == from && t.to == to) return staff || t.member;
  return false;
}

bool is_resolved(std::string_view state) { return state == "answered" || state == "closed"; }

std::string state_after_reply(std::string_view state, bool by_staff, std::string_view then) {
  if (by_staff) {
    if (!then.empty() && transition_allowed(state, then, true)) return std::string(then);
    return state == "new" ? "open" : std::string(state);
  }
  if (state == "waiting" || state == "answered" || state == "closed") return "open";
  return std::string(state);
}

web::Errors validate_question(const QuestionInput& in, QuestionValues& out) {
  web::Errors e;
  for (auto* s : {&in.subject, &in.body, &in.channel, &in.priority})
    if (!text::is_valid_utf8(*s)) {
      e.push_back({"body", "Le texte contient des caractères invalides."});
      return e;
    }
  if (auto id = positive_int(in.organisation_id); id && *id > 0) out.organisation_id = *id;
  else e.push_back({"organisation_id", "Choisissez la structure adhérente qui pose la question."});
  if (!blank(in.contact_id)) {
    if (auto id = positive_int(in.contact_id); id && *id > 0) out.contact_id = *id;
    else e.push_back({"contact_id", "Contact inconnu."});
  }
  if (blank(in.category_id)) e.push_back({"category_id", "Choisissez une catégorie."});
  else if (auto id = positive_int(in.category_id); id && *id > 0) out.category_id = *id;
  else e.push_back({"category_id", "Catégorie inconnue."});
  out.channel = blank(in.channel) ? "form" : in.channel;
  if (!is_code(kChannels, out.channel)) e.push_back({"channel", "Canal inconnu : téléphone, courriel ou formulaire."});
  out.priority = blank(in.priority) ? "normal" : in.priority;
  if (!is_code(kPriorities, out.priority)) e.push_back({"priority", "Priorité inconnue : normale, haute ou urgente."});
  out.subject = text::trim(in.subject);
  if (out.subject.empty()) e.push_back({"subject", "L'objet de la question est obligatoire."});
  else if (text::length_utf8(out.subject) > 200) e.push_back({"subject", "L'objet compte 200 caractères au plus."});
  out.body = text::trim(in.body);
  if (out.body.empty()) e.push_back({"body", "Décrivez votre question : le texte est vide."});
  else if (text::length_utf8(out.body) > 20000) e.push_back({"body", "La question compte 20 000 caractères au plus."});
  return e;
}

web::Errors validate_message(std::string_view body) {
  if (!text::is_valid_utf8(body)) return {{"body", "Le texte contient des caractères invalides."}};
  if (blank(body)) return {{"body", "Le message est vide."}};
  if (text::length_utf8(body) > 20000) return {{"body", "Le message compte 20 000 caractères au plus."}};
  return {};
}

web::Errors validate_rating(const RatingInput& in, int& score) {
  web::Errors e;
  auto s = positive_int(text::trim(in.score));
  if (!s || *s < 1 || *s > 5) e.push_back({"score", "La note va de 1 à 5."});
  else score = static_cast<int>(*s);
  if (!text::is_valid_utf8(in.comment)) e.push_back({"comment", "Le commentaire contient des caractères invalides."});
  else if (text::length_utf8(in.comment) > 2000) e.push_back({"comment", "Le commentaire compte 2 000 caractères au plus."});
  return e;
}

namespace {
struct FileKind {
  std::string_view extension, content_type, magic;
};
const std::string_view kZip("PK\x03\x04", 4);
const std::string_view kOle("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
const FileKind kFileKinds[] = {
    {"pdf", "application/pdf", "%PDF-"},
    {"png", "image/png", "\x89PNG"},
    {"jpg", "image/jpeg", "\xFF\xD8\xFF"},
    {"jpeg", "image/jpeg", "\xFF\xD8\xFF"},
    {"gif", "image/gif", "GIF8"},
    {"webp", "image/webp", "RIFF"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", kZip},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", kZip},
    {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", kZip},
    {"odt", "application/vnd.oasis.opendocument.text", kZip},
    {"ods", "application/vnd.oasis.opendocument.spreadsheet", kZip},
    {"odp", "application/vnd.oasis.opendocument.presentation", kZip},
    {"doc", "application/msword", kOle},
    {"xls", "application/vnd.ms-excel", kOle},
    {"ppt", "application/vnd.ms-powerpoint", kOle},
};
}  // namespace

AttachmentCheck check_attachment(std::string_view filename, std::string_view bytes) {
  if (filename.empty() || filename.size() > 255 || !text::is_valid_utf8(filename) ||
      filename.find_first_of("/\\") != std::string_view::npos)
    return {"", "Nom de fichier invalide."};
  if (bytes.empty()) return {"", "Le fichier est vide."};
  if (bytes.size() > kMaxAttachmentBytes)
    return {"", "La pièce jointe dépasse 5 Mo : réduisez-la ou envoyez-la en plusieurs fichiers."};
  auto dot = filename.rfind('.');
  std::string ext = dot == std::string_view::npos ? "" : text::fold(filename.substr(dot + 1));
  for (auto& k : kFileKinds) {
    if (k.extension != ext) continue;
    bool ok = bytes.substr(0, k.magic.size()) == k.magic;
    if (ext == "webp") ok = ok && bytes.size() >= 12 && bytes.substr(8, 4) == "WEBP";
    if (!ok) return {"", fmt::format("Le contenu du fichier ne correspond pas à son extension (.{}).", ext)};
    return {std::string(k.content_type), ""};
  }
  return {"", "Type de fichier non accepté : PDF, images (PNG, JPEG, GIF, WebP) ou documents bureautiques (Word, "
              "Excel, PowerPoint, OpenDocument)."};
}

web::Errors validate_category(const CategoryInput& in, CategoryValues& out) {
  web::Errors e;
  out.name = text::trim(in.name);
  if (!text::is_valid_utf8(out.name)) e.push_back({"name", "Le nom contient des caractères invalides."});
  else if (out.name.empty()) e.push_back({"name", "Le nom de la catégorie est obligatoire."});
  else if (text::length_utf8(out.name) > 120) e.push_back({"name", "Le nom compte 120 caractères au plus."});
  if (!blank(in.parent_id)) {
    if (auto id = positive_int(in.parent_id); id && *id > 0) out.parent_id = *id;
    else e.push_back({"parent_id", "Catégorie parente inconnue."});
  }
  if (auto m = hours_to_minutes(text::trim(in.first_response_hours))) out.first_response_minutes = *m;
  else e.push_back({"first_response_hours", "Indiquez un délai de première réponse en heures ouvrées (ex. 8)."});
  if (auto m = hours_to_minutes(text::trim(in.resolution_hours))) out.resolution_minutes = *m;
  else e.push_back({"resolution_hours", "Indiquez un délai de résolution en heures ouvrées (ex. 40)."});
  if (!web::find_error(e, "first_response_hours") && !web::find_error(e, "resolution_hours") &&
      out.resolution_minutes < out.first_response_minutes)
    e.push_back({"resolution_hours", "Le délai de résolution ne peut pas être plus court que celui de première réponse."});
  if (!blank(in.position)) {
    if (auto p = positive_int(text::trim(in.position))) out.position = *p;
    else e.push_back({"position", "L'ordre est un nombre entier positif."});
  }
  auto active = text::trim(in.active);
  out.active = !(active.empty() || active == "0" || active == "false");
  return e;
}

web::Errors validate_faq(const FaqInput& in) {
  web::Errors e;
  if (!text::is_valid_utf8(in.title) || !text::is_valid_utf8(in.answer)) {
    e.push_back({"answer", "Le texte contient des caractères invalides."});
    return e;
  }
  if (blank(in.title)) e.push_back({"title", "La question de la FAQ est obligatoire."});
  else if (text::length_utf8(in.title) > 200) e.push_back({"title", "La question compte 200 caractères au plus."});
  if (blank(in.answer)) e.push_back({"answer", "La réponse est obligatoire."});
  else if (text::length_utf8(in.answer) > 20000) e.push_back({"answer", "La réponse compte 20 000 caractères au plus."});
  if (!blank(in.category_id) && !positive_int(text::trim(in.category_id)))
    e.push_back({"category_id", "Catégorie inconnue."});
  return e;
}

std::string anonymise(std::string_view input, const std::vector<std::string>& names) {
  std::vector<std::string> needles;
  for (auto& n : names) {
    auto whole = text::trim(n);
    if (whole.size() >= 3) needles.push_back(whole);
    std::string word;
    for (char c : whole + " ") {
      if (c == ' ' || c == '-' || c == '\'' || c == ',') {
        if (text::length_utf8(word) >= 3) needles.push_back(word);
        word.clear();
      } else {
        word += c;
      }
    }
  }
  // Longest first, so that "Nettoyage Solidaire Paris" goes before "Paris".
  std::sort(needles.begin(), needles.end(), [](auto& a, auto& b) { return a.size() > b.size(); });
  std::string out(input);
  for (auto& needle : needles) {
    auto folded_needle = text::fold(needle);
    for (std::size_t pos = 0; pos + needle.size() <= out.size();) {
      // Compare folded, on the same byte length (case differences of ASCII letters).
      if (text::fold(std::string_view(out).substr(pos, needle.size())) == folded_needle) {
        bool start = pos == 0 || !std::isalnum(static_cast<unsigned char>(out[pos - 1]));
        bool end = pos + needle.size() == out.size() || !std::isalnum(static_cast<unsigned char>(out[pos + needle.size()]));
        if (start && end) {
          out.replace(pos, needle.size(), "[…]");
          pos += 5;
          continue;
        }
      }
      ++pos;
    }
  }
  return out;
}

std::optional<std::int64_t> percentile(std::vector<std::int64_t> values, int p) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  auto n = static_cast<std::int64_t>(values.size());
  auto rank = (p * n + 99) / 100;  // ceil(p/100 × n)
  return values[static_cast<std::size_t>(std::clamp<std::int64_t>(rank, 1, n) - 1)];
}

std::string week_of(std::string_view utc) {
  auto t = parse_utc(utc);
  if (!t) return "";
  auto day = floor_div(*t + paris_offset(*t), 86400);
  day -= weekday_of_days(day) - 1;
  auto d = civil_from_days(day);
  return fmt::format("{:04}-{:02}-{:02}", d.year, d.month, d.day);
}

std::optional<int> parse_clock(std::string_view s) {
  std::string t;
  for (char c : s)
    if (c != ' ') t += c;
  auto sep = t.find_first_of(":hH");
  auto hours = positive_int(t.substr(0, sep));
  std::optional<std::int64_t> minutes = std::int64_t{0};
  if (sep != std::string::npos && sep + 1 < t.size()) {
    minutes = positive_int(t.substr(sep + 1));
    if (t.size() - sep - 1 != 2) minutes.reset();  // "9:5" is not a time
  } else if (sep != std::string::npos && t[sep] == ':') {
    minutes.reset();  // "9:" is not a time
  }
  if (!hours || !minutes || t.empty() || sep == 0 || sep > 2 || *hours > 24 || *minutes > 59) return std::nullopt;
  if (*hours == 24 && *minutes != 0) return std::nullopt;
  return static_cast<int>(*hours * 60 + *minutes);
}

std::string clock_value(int minute) { return fmt::format("{:02}:{:02}", minute / 60, minute % 60); }

std::string clock_label(int minute) {
  return minute % 60 ? fmt::format("{} h {:02}", minute / 60, minute % 60) : fmt::format("{} h", minute / 60);
}

std::string_view weekday_name(int weekday) {
  static constexpr std::string_view names[] = {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"};
  return weekday >= 1 && weekday <= 7 ? names[weekday - 1] : std::string_view("?");
}

std::string describe_calendar(const Calendar& cal) {
  std::vector<std::string> day_hours(8);
  for (int wd = 1; wd <= 7; ++wd) {
    std::vector<std::string> spans;
    for (auto& s : cal.spans)
      if (s.weekday == wd) spans.push_back(clock_label(s.opens) + " – " + clock_label(s.closes));
    for (std::size_t k = 0; k < spans.size(); ++k)
      day_hours[wd] += (k == 0 ? "" : k + 1 == spans.size() ? " et " : ", ") + spans[k];
  }
  std::vector<std::string> parts;
  for (int wd = 1; wd <= 7;) {
    int last = wd;
    while (last < 7 && day_hours[last + 1] == day_hours[wd]) ++last;
    if (!day_hours[wd].empty()) {
      std::string days = last == wd       ? std::string(weekday_name(wd))
                         : last == wd + 1 ? fmt::format("{} et {}", weekday_name(wd), weekday_name(last))
                                          : fmt::format("du {} au {}", weekday_name(wd), weekday_name(last));
      parts.push_back(days + " : " + day_hours[wd]);
    }
    wd = last + 1;
  }
  if (parts.empty()) return "aucune plage horaire";
  std::string out;
  for (auto& p : parts) out += (out.empty() ? "" : " ; ") + p;
  return out;
}

web::Errors validate_calendar(const WeekInput& in, Calendar& out) {
  web::Errors errors;
  out.spans.clear();
  for (int wd = 1; wd <= 7 && wd <= static_cast<int>(in.size()); ++wd) {
    int previous_close = -1;
    for (int k = 1; k <= static_cast<int>(in[wd - 1].size()); ++k) {
      const auto& typed = in[wd - 1][k - 1];
      const auto field = fmt::format("d{}_{}_", wd, k);
      const std::string opens_text = std::string(text::trim(typed.opens)), closes_text = std::string(text::trim(typed.closes));
      if (opens_text.empty() && closes_text.empty()) continue;
      const auto day = std::string(weekday_name(wd));
      auto opens = parse_clock(opens_text), closes = parse_clock(closes_text);
      if (opens_text.empty()) {
        errors.push_back({field + "opens", fmt::format("Indiquez l'heure d'ouverture ({}, plage {}).", day, k)});
      } else if (!opens) {
        errors.push_back({field + "opens", fmt::format("« {} » n'est pas une heure (par exemple 09:00) — {}, plage {}.",
                                                       opens_text, day, k)});
      }
      if (closes_text.empty()) {
        errors.push_back({field + "closes", fmt::format("Indiquez l'heure de fermeture ({}, plage {}).", day, k)});
      } else if (!closes) {
        errors.push_back({field + "closes", fmt::format("« {} » n'est pas une heure (par exemple 17:30) — {}, plage {}.",
                                                        closes_text, day, k)});
      }
      if (!opens || !closes) continue;
      if (*closes <= *opens) {
        errors.push_back({field + "closes",
                          fmt::format("La fermeture doit suivre l'ouverture ({}, plage {}).", day, k)});
        continue;
      }
      if (*opens < previous_close) {
        errors.push_back({field + "opens", fmt::format("Cette plage chevauche la précédente ({}, plage {}).", day, k)});
        continue;
      }
      previous_close = *closes;
      out.spans.push_back({wd, *opens, *closes});
    }
  }
  if (errors.empty() && out.spans.empty())
    errors.push_back({"hours", "Ouvrez au moins une plage horaire dans la semaine : sans elle, aucun délai ne "
                               "pourrait être calculé."});
  return errors;
}

std::string business_duration_label(std::int64_t minutes) {
  if (minutes < 60) return fmt::format("{} min", minutes);
  auto days = minutes / 480, hours = minutes % 480 / 60, mins = minutes % 60;
  if (days == 0) return mins ? fmt::format("{} h {:02}", hours, mins) : fmt::format("{} h", hours);
  return hours ? fmt::format("{} j {} h", days, hours) : fmt::format("{} j", days);
}

}  // namespace passerelle::hotline
