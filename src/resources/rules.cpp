#include "resources/rules.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "core/web/text.hpp"
#include "core/web/words.hpp"

namespace passerelle::resources {

// ---- Who reads ------------------------------------------------------------------

bool Reader::manages(std::string_view author_path) const {
  if (author_path.empty()) return false;
  return std::any_of(manage.begin(), manage.end(),
                     [&](const std::string& root) { return author_path.starts_with(root); });
}

bool Reader::same_branch(std::string_view author_path) const {
  if (author_path.empty()) return false;
  return std::any_of(manage.begin(), manage.end(), [&](const std::string& root) {
    return author_path.starts_with(root) || std::string_view(root).starts_with(author_path);
  });
}

bool can_read(const Reader& r, std::string_view status, std::string_view audience, std::string_view region,
              std::string_view author_path) {
  if (r.manages(author_path)) return true;
  if (status != "published") return false;
  if (audience == "public") return true;
  if (audience == "members") return r.signed_in;
  if (audience == "region")
    return r.signed_in && (r.staff() || std::find(r.regions.begin(), r.regions.end(), region) != r.regions.end());
  if (audience == "staff") return r.same_branch(author_path);
  return false;
}

std::string audience_key(std::string_view status, std::string_view audience, std::string_view region) {
  if (status != "published") return "hidden";
  if (audience == "region") return "region:" + std::string(region);
  return std::string(audience);
}

std::vector<std::string> audience_keys(const Reader& r) {
  std::vector<std::string> out{"public"};
  if (!r.signed_in) return out;
  out.push_back("members");
  for (auto& region : r.regions) out.push_back("region:" + region);
  return out;
}

// ---- Validation -----------------------------------------------------------------

namespace {

bool blank(std::string_view s) { return text::trim(s).empty(); }

// A text field: trimmed, valid UTF-8, at most `max` characters.
std::string checked_text(std::string_view raw, const char* field, std::size_t max, const char* what,
                         web::Errors& e, bool required) {
  auto v = text::trim(raw);
  if (!text::is_valid_utf8(v)) {
    e.push_back({field, fmt::format("{} contient des caractères invalides.", what)});
    return v;
  }
  if (required && v.empty()) e.push_back({field, fmt::format("{} est obligatoire.", what)});
  else if (text::length_utf8(v) > max)
    e.push_back({field, fmt::format("{} compte {} caractères au plus.", what, max)});
  return v;
}

}  // namespace

bool is_iso_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  int y = 0, m = 0, d = 0;
  std::from_chars(s.data(), s.data() + 4, y);
  std::from_chars(s.data() + 5, s.data() + 7, m);
  std::from_chars(s.data() + 8, s.data() + 10, d);
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

std::string french_date(std::string_view iso) {
  if (!is_iso_date(iso)) return std::string(iso);
  return fmt::format("{}/{}/{}", iso.substr(8, 2), iso.substr(5, 2), iso.substr(0, 4));
}

std::vector<std::string> parse_themes(std::string_view raw, std::string* error) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  std::size_t start = 0;
  while (start <= raw.size()) {
    auto end = raw.find_first_of(",;\n", start);
    if (end == std::string_view::npos) end = raw.size();
    auto theme = text::trim(raw.substr(start, end - start));
    if (!theme.empty() && seen.insert(text::fold(theme)).second) {
      if (error && error->empty() && text::length_utf8(theme) > 60)
        *error = fmt::format("Le thème « {}… » dépasse 60 caractères.", theme.substr(0, 30));
      out.push_back(theme);
    }
    start = end + 1;
  }
  if (error && error->empty() && out.size() > 10) *error = "Une ressource a 10 thèmes au plus.";
  return out;
}

web::Errors validate_resource(const ResourceInput& in, ResourceValues& out,
                              const std::vector<std::string>& known_regions) {
  web::Errors e;
  out.kind = text::trim(in.kind);
  if (out.kind.empty()) e.push_back({"kind", "Choisissez le type de ressource."});
  else if (!is_code(kKinds, out.kind)) e.push_back({"kind", "Type de ressource inconnu."});
  out.title = checked_text(in.title, "title", 200, "Le titre", e, true);
  out.summary = checked_text(in.summary, "summary", 1000, "Le résumé", e, false);
  out.body = checked_text(in.body, "body", 200000, "Le texte", e, false);
  out.video_url = checked_text(in.video_url, "video_url", 500, "L'adresse de la vidéo", e, false);
  if (!web::find_error(e, "video_url")) {
    if (out.video_url.empty() && out.kind == "video")
      e.push_back({"video_url", "Indiquez l'adresse de la vidéo (https://…)."});
    else if (!out.video_url.empty() &&
             (!out.video_url.starts_with("https://") || out.video_url.size() < 12 ||
              out.video_url.find_first_of(" \t\"'<>") != std::string::npos))
      e.push_back({"video_url", "L'adresse de la vidéo doit commencer par https:// (ex. https://www.youtube.com/…)."});
  }
  out.audience = text::trim(in.audience);
  if (out.audience.empty()) e.push_back({"audience", "Choisissez à qui la ressource est destinée."});
  else if (!is_code(kAudiences, out.audience)) e.push_back({"audience", "Public destinataire inconnu."});
  out.region = out.audience == "region" ? text::trim(in.region) : "";
  if (out.audience == "region") {
    if (out.region.empty()) e.push_back({"region", "Choisissez la région des adhérents destinataires."});
    else if (std::find(known_regions.begin(), known_regions.end(), out.region) == known_regions.end())
      e.push_back({"region", "Région inconnue."});
  }
  auto ped = text::trim(in.pedagogical);
  out.pedagogical = ped == "1" || ped == "true" || ped == "on";
  out.topic = out.pedagogical ? text::trim(in.topic) : "";
  if (out.pedagogical) {
    if (out.topic.empty()) e.push_back({"topic", "Choisissez le thème pédagogique de la ressource pour les participants."});
    else if (!is_code(kTopics, out.topic)) e.push_back({"topic", "Thème pédagogique inconnu."});
  } else if (!blank(in.topic) && !is_code(kTopics, text::trim(in.topic))) {
    e.push_back({"topic", "Thème pédagogique inconnu."});
  }
  out.published_on = text::trim(in.published_on);
  if (out.published_on.empty()) e.push_back({"published_on", "Indiquez la date de publication."});
  else if (!is_iso_date(out.published_on))
    e.push_back({"published_on", "La date de publication n'est pas une date valide (AAAA-MM-JJ)."});
  std::string theme_error;
  if (!text::is_valid_utf8(in.themes)) theme_error = "Les thèmes contiennent des caractères invalides.";
  else out.themes = parse_themes(in.themes, &theme_error);
  if (!theme_error.empty()) e.push_back({"themes", theme_error});
  auto author = text::trim(in.author_organisation_id);
  std::int64_t id = 0;
  auto [p, ec] = std::from_chars(author.data(), author.data() + author.size(), id);
  if (author.empty()) e.push_back({"author_organisation_id", "Choisissez la structure autrice."});
  else if (ec != std::errc() || p != author.data() + author.size() || id <= 0)
    e.push_back({"author_organisation_id", "Structure autrice inconnue."});
  else out.author_organisation_id = id;
  return e;
}

// ---- Files -------------------------------------------------------------------------

namespace {
struct FileKind {
  std::string_view extension, content_type, magic;
};
constexpr std::string_view kZip{"PK\x03\x04", 4};
constexpr std::string_view kOle{"\xD0\xCF\x11\xE0", 4};
const FileKind kFileKinds[] = {
    {"pdf", "application/pdf", "%PDF-"},
    {"png", "image/png", "\x89PNG"},
    {"jpg", "image/jpeg", "\xFF\xD8\xFF"},
    {"jpeg", "image/jpeg", "\xFF\xD8\xFF"},
    {"gif", "image/gif", "GIF8"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", kZip},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", kZip},
    {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", kZip},
    {"odt", "application/vnd.oasis.opendocument.text", kZip},
    {"ods", "application/vnd.oasis.opendocument.spreadsheet", kZip},
    {"odp", "application/vnd.oasis.opendocument.presentation", kZip},
    {"doc", "application/msword", kOle},
    {"xls", "application/vnd.ms-excel", kOle},
    {"ppt", "application/vnd.ms-powerpoint", kOle},
    {"txt", "text/plain; charset=utf-8", ""},
};
}  // namespace

FileCheck check_file(std::string_view filename, std::string_view bytes) {
  if (filename.empty() || filename.size() > 255 || !text::is_valid_utf8(filename) ||
      filename.find_first_of("/\\\"") != std::string_view::npos)
    return {"", "Nom de fichier invalide."};
  if (bytes.empty()) return {"", "Le fichier est vide."};
  if (bytes.size() > kMaxFileBytes)
    return {"", fmt::format("Le fichier « {} » dépasse 8 Mo : réduisez-le (PDF compressé) ou découpez-le.", filename)};
  auto dot = filename.rfind('.');
  std::string ext = dot == std::string_view::npos ? "" : text::fold(filename.substr(dot + 1));
  for (auto& k : kFileKinds) {
    if (k.extension != ext) continue;
    bool ok = bytes.substr(0, k.magic.size()) == k.magic;
    if (ext == "txt") ok = text::is_valid_utf8(bytes) && bytes.find('\0') == std::string_view::npos;
    if (!ok) return {"", fmt::format("Le contenu du fichier ne correspond pas à son extension (.{}).", ext)};
    return {std::string(k.content_type), ""};
  }
  return {"", fmt::format("Type de fichier non accepté{} : PDF, images (PNG, JPEG, GIF), documents bureautiques "
                          "(Word, Excel, PowerPoint, OpenDocument) ou texte (.txt).",
                          ext.empty() ? std::string() : " (." + ext + ")")};
}

// ---- Search -----------------------------------------------------------------------

std::vector<std::pair<std::string, int>> word_weights(std::string_view title, const std::vector<std::string>& themes,
                                                      std::string_view summary, std::string_view body,
                                                      std::string_view more, std::size_t at_most) {
  std::map<std::string, int> weights;
  std::vector<std::string> order;
  auto add = [&](std::string_view text, int weight) {
    for (auto& w : web::split_words(text, 5000)) {
      auto [it, fresh] = weights.emplace(w, 0);
      if (fresh) order.push_back(w);
      it->second += weight;
    }
  };
  add(title, 8);
  for (auto& t : themes) add(t, 4);
  add(summary, 2);
  add(body, 1);
  add(more, 1);
  std::vector<std::pair<std::string, int>> out;
  for (auto& w : order) {
    if (out.size() >= at_most) break;
    out.emplace_back(w, weights[w]);
  }
  return out;
}

std::string format_cursor(const Cursor& c) { return fmt::format("{}_{}", c.key, c.id); }

std::optional<Cursor> parse_cursor(std::string_view raw) {
  auto sep = raw.rfind('_');
  if (sep == std::string_view::npos || sep == 0 || sep + 1 >= raw.size()) return std::nullopt;
  Cursor c;
  c.key = std::string(raw.substr(0, sep));
  auto idp = raw.substr(sep + 1);
  auto [p, ec] = std::from_chars(idp.data(), idp.data() + idp.size(), c.id);
  if (ec != std::errc() || p != idp.data() + idp.size() || c.id <= 0) return std::nullopt;
  bool digits = std::all_of(c.key.begin(), c.key.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
  if (!is_iso_date(c.key) && !(digits && c.key.size() <= 9)) return std::nullopt;
  return c;
}

}  // namespace passerelle::resources
