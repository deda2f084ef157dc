#include "core/web/app.hpp"
#include "core/web/paris.hpp"

#include "core/db/stamped_cache.hpp"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>

#include "core/embedded.hpp"
#include "core/web/template.hpp"
#include "core/web/text.hpp"

namespace passerelle::web {
namespace {

constexpr const char* kSessionCookie = "passerelle_session";
constexpr const char* kFlashCookie = "passerelle_flash";
constexpr const char* kPreCsrfCookie = "passerelle_csrf";

bool constant_time_equal(const std::string& a, const std::string& b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

void add_security_headers(http::Response& res) {
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                 "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "same-origin");
  res.set_header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  res.set_header("Cross-Origin-Opener-Policy", "same-origin");
  if (res.header("Cache-Control").empty()) res.set_header("Cache-Control", "no-store");
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    auto j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string cookie_header(const std::string& name, const std::string& value, bool secure, std::int64_t max_age,
                          bool http_only = true) {
  auto c = fmt::format("{}={}; Path=/; SameSite=Lax", name, value);
  if (http_only) c += "; HttpOnly";
  if (secure) c += "; Secure";
  if (max_age >= 0) c += fmt::format("; Max-Age={}", max_age);
  return c;
}

// Europe/Paris: UTC+1, and UTC+2 from the last Sunday of March 01:00 UTC to
// the last Sunday of October 01:00 UTC (EU directive 2000/84/EC).
std::time_t last_sunday_utc(int year, int month) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month;  // first day of the next month…
  tm.tm_mday = 1;
  tm.tm_hour = 1;
  std::time_t t = timegm(&tm) - 86400;  // …minus one day: last day of `month`
  std::tm d{};
  gmtime_r(&t, &d);
  return t - d.tm_wday * 86400;
}

int paris_offset_seconds(std::time_t t) {
  std::tm d{};
  gmtime_r(&t, &d);
  int year = d.tm_year + 1900;
  bool summer = t >= last_sunday_utc(year, 3) && t < last_sunday_utc(year, 10);
  return summer ? 7200 : 3600;
}

}  // namespace

// ---- Ctx --------------------------------------------------------------------

db::Connection& Ctx::db() {
  if (!lease_) lease_.emplace(writes_ ? database_.acquire_for_write() : database_.acquire());
  return **lease_;
}

std::int64_t Ctx::change_stamp(const std::string& name) {
  if (auto it = stamps_.find(name); it != stamps_.end()) return it->second;
  return stamps_[name] = db::change_stamp(db(), name);
}

void Ctx::parse_body() {
  if (parsed_) return;
  parsed_ = true;
  auto type = req.header("content-type");
  if (type.starts_with("application/x-www-form-urlencoded")) {
    fields_ = http::parse_urlencoded(req.body);
  } else if (type.starts_with("multipart/form-data")) {
    auto b = type.find("boundary=");
    if (b == std::string::npos) throw BadRequest{"Le formulaire envoyé est mal formé."};
    std::string boundary = type.substr(b + 9);
    if (!boundary.empty() && boundary.front() == '"') boundary = boundary.substr(1, boundary.find('"', 1) - 1);
    std::string delim = "--" + boundary;
    std::string_view body = req.body;
    std::size_t pos = body.find(delim);
    if (pos == std::string_view::npos) throw BadRequest{"Le formulaire envoyé est mal formé."};
    while (true) {
      pos += delim.size();
      if (body.substr(pos, 2) == "--") break;
      pos += 2;  // CRLF
      auto head_end = body.find("\r\n\r\n", pos);
      if (head_end == std::string_view::npos) throw BadRequest{"Le formulaire envoyé est mal formé."};
      auto head = body.substr(pos, head_end - pos);
      auto next = body.find("\r\n" + delim, head_end + 4);
      if (next == std::string_view::npos) throw BadRequest{"Le formulaire envoyé est mal formé."};
      std::string content(body.substr(head_end + 4, next - head_end - 4));
      auto attr = [&](std::string_view key) -> std::optional<std::string> {
        auto k = head.find(std::string(key) + "=\"");
        if (k == std::string_view::npos) return std::nullopt;
        auto start = k + key.size() + 2;
        return std::string(head.substr(start, head.find('"', start) - start));
      };
      auto name = attr("name").value_or("");
      if (auto filename = attr("filename")) {
        std::string ctype;
        auto ct = head.find("Content-Type:");
        if (ct != std::string_view::npos) ctype = text::trim(head.substr(ct + 13, head.find("\r\n", ct) - ct - 13));
        files_.emplace_back(name, Upload{*filename, ctype, std::move(content)});
      } else {
        fields_.emplace_back(name, std::move(content));
      }
      pos = next + 2;
    }
  }
  for (auto& [k, v] : fields_)
    if (!text::is_valid_utf8(v) || !text::is_valid_utf8(k))
      throw BadRequest{"Le formulaire contient des caractères invalides (encodage UTF-8 attendu)."};
}

std::string Ctx::form(const std::string& name) {
  parse_body();
  for (auto& [k, v] : fields_)
    if (k == name) return v;
  return {};
}

std::vector<std::string> Ctx::form_all(const std::string& name) {
  parse_body();
  std::vector<std::string> out;
  for (auto& [k, v] : fields_)
    if (k == name) out.push_back(v);
  return out;
}

std::optional<Ctx::Upload> Ctx::file(const std::string& name) {
  parse_body();
  for (auto& [k, v] : files_)
    if (k == name) return v;
  return std::nullopt;
}

json::object Ctx::json_body() {
  if (!text::is_valid_utf8(req.body)) throw BadRequest{"Le corps de la requête n'est pas en UTF-8 valide."};
  boost::system::error_code ec;
  auto v = json::parse(req.body, ec);
  if (ec || !v.is_object()) throw BadRequest{"Le corps de la requête doit être un objet JSON valide."};
  return v.get_object();
}

void Ctx::flash(std::string message, std::string kind) { pending_flash.emplace_back(std::move(kind), std::move(message)); }

// ---- App --------------------------------------------------------------------

App::App(db::Database& database, AppSettings settings) : database_(database), settings_(std::move(settings)) {}

void App::route(std::string method, std::string pattern, Access access, RouteHandler handler) {
  auto segments = split_path(pattern);
  routes_.push_back({std::move(method), std::move(pattern), std::move(segments), std::move(access), std::move(handler)});
}

http::Response App::handle(http::Request& req) {
  if (settings_.trust_proxy) {
    // The proxy appends the address it saw: the last entry is the one to trust.
    auto forwarded = req.header("x-forwarded-for");
    if (!forwarded.empty()) req.remote_addr = text::trim(forwarded.substr(forwarded.rfind(',') + 1));
  }
  Ctx ctx(req, database_);
  http::Response res;
  try {
    if (auto asset = static_asset(req)) {
      res = std::move(*asset);
    } else {
      res = dispatch(req, ctx);
    }
  } catch (const NotFound&) {
    res = error_page(ctx, 404, "Page introuvable", "Cette page n'existe pas ou vous n'y avez pas accès.");
  } catch (const BadRequest& e) {
    res = error_page(ctx, 400, "Requête invalide", e.detail);
  } catch (const db::Error& e) {
    http::metrics::database_error();
    spdlog::error("{{\"event\":\"database_error\",\"path\":\"{}\",\"error\":\"{}\"}}", req.path, e.what());
    res = error_page(ctx, 500, "Erreur interne", "Une erreur inattendue s'est produite. Réessayez dans un instant.");
  } catch (const std::exception& e) {
    spdlog::error("{{\"event\":\"error\",\"path\":\"{}\",\"error\":\"{}\"}}", req.path, e.what());
    res = error_page(ctx, 500, "Erreur interne", "Une erreur inattendue s'est produite. Réessayez dans un instant.");
  }
  if (res.route.empty()) res.route = ctx.route;
  for (auto& [kind, message] : ctx.pending_flash)
    res.headers.emplace_back("Set-Cookie", cookie_header(kFlashCookie, http::url_encode(kind + "|" + message),
                                                         settings_.secure_cookies, 60));
  add_security_headers(res);
  return res;
}

http::Response App::dispatch(http::Request& req, Ctx& ctx) {
  auto segments = split_path(req.path);
  const Route* match = nullptr;
  std::vector<std::string> allowed;  // methods of the routes whose path matches
  std::map<std::string, std::string> params;
  std::string method = req.method == "HEAD" ? "GET" : req.method;
  for (auto& r : routes_) {
    if (r.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> p;
    bool ok = true;
    for (std::size_t i = 0; i < segments.size() && ok; ++i) {
      auto& s = r.segments[i];
      if (s.size() > 2 && s.front() == '{' && s.back() == '}')
        p[s.substr(1, s.size() - 2)] = segments[i];
      else
        ok = s == segments[i];
    }
    if (!ok) continue;
    if (std::find(allowed.begin(), allowed.end(), r.method) == allowed.end()) allowed.push_back(r.method);
    if (r.method != method) continue;
    match = &r;
    params = std::move(p);
    break;
  }
  if (!match) {
    if (!allowed.empty()) {
      auto res = error_page(ctx, 405, "Méthode non autorisée", "Cette action n'est pas possible sur cette adresse.");
      if (std::find(allowed.begin(), allowed.end(), "GET") != allowed.end()) allowed.push_back("HEAD");
      res.set_header("Allow", fmt::format("{}", fmt::join(allowed, ", ")));  // RFC 9110 §15.5.6
      res.route = "method_not_allowed";
      return res;
    }
    auto res = error_page(ctx, 404, "Page introuvable", "Cette page n'existe pas ou vous n'y avez pas accès.");
    res.route = "not_found";
    return res;
  }
  req.params = std::move(params);
  ctx.route = match->pattern;
  // A logged-in user's write (forms, API): on the connection kept for writes.
  // Not the login form, which spends ~0.2 s hashing before it writes.
  if (method != "GET" && !match->access.public_route) ctx.will_write();
  // Query values reach SQL and pages like form fields: they must be UTF-8 text too.
  for (auto& [k, v] : http::parse_urlencoded(req.query_string))
    if (!text::is_valid_utf8(k) || !text::is_valid_utf8(v))
      throw BadRequest{"L'adresse de la page contient des caractères invalides (encodage UTF-8 attendu)."};

  // Who is calling: a bearer token (API) or the session cookie.
  auto authorization = req.header("authorization");
  if (authorization.starts_with("Bearer ")) {
    ctx.principal = auth::from_bearer(ctx.db(), text::trim(authorization.substr(7)));
    if (!ctx.principal) {
      auto res = http::Response::problem(401, "Authentification requise", "Le jeton d'accès est invalide ou révoqué.");
      res.set_header("WWW-Authenticate", "Bearer");
      res.route = match->pattern;
      return res;
    }
  } else if (auto cookie = req.cookie(kSessionCookie); !cookie.empty()) {
    ctx.principal = auth::from_session(ctx.db(), cookie, settings_.auth);
  }

  http::Response res;
  if (!match->access.public_route && !ctx.principal) {
    if (req.wants_json()) {
      res = http::Response::problem(401, "Authentification requise", "Connectez-vous ou fournissez un jeton d'accès.");
      res.set_header("WWW-Authenticate", "Bearer");
    } else {
      std::string next = req.method == "GET" ? req.target : "/";
      res = http::Response::redirect("/login?next=" + http::url_encode(next));
    }
  } else if (!match->access.roles.empty() &&
             std::none_of(match->access.roles.begin(), match->access.roles.end(),
                          [&](auto& role) { return ctx.principal->user.has_role(role); })) {
    res = error_page(ctx, 403, "Accès refusé", "Votre rôle ne permet pas cette action.");
  } else {
    // CSRF: every unsafe request made with the session cookie carries the
    // session's token (form field or header). Tokens (API) need none.
    bool unsafe = method != "GET";
    bool csrf_ok = true;
    if (unsafe && match->access.capability_url) {
      csrf_ok = true;
    } else if (unsafe && match->access.public_route) {
      // Forms before login (the login form): double-submit cookie, also when
      // a session is already open (the login page left open in another tab).
      auto sent = ctx.form("_csrf");
      csrf_ok = !sent.empty() && constant_time_equal(sent, req.cookie(kPreCsrfCookie));
    } else if (unsafe && ctx.principal && !ctx.principal->via_token) {
      auto sent = req.header("x-csrf-token");
      if (sent.empty()) sent = ctx.form("_csrf");
      csrf_ok = constant_time_equal(sent, ctx.principal->csrf_token);
    }
    if (!csrf_ok)
      res = error_page(ctx, 403, "Formulaire expiré",
                       "Le jeton de sécurité du formulaire est absent ou invalide. Rechargez la page et recommencez.");
    else
      res = match->handler(ctx);
  }
  res.route = match->pattern;
  return res;
}

// ---- Rendering ---------------------------------------------------------------

std::string render_fragment(const std::string& name, json::object data) {
  return TemplateSet::embedded().render(name, json::value(std::move(data)));
}

namespace {
struct NavItem {
  const char* href;
  const char* label;
  std::vector<std::string> roles;  // empty: everyone logged in
};
const std::vector<NavItem>& nav_items() {
  static const std::vector<NavItem> items = {
      {"/", "Accueil", {}},
      {"/accompagnement", "À contacter", {"referent", "supervisor"}},
      {"/participants", "Participants", {"referent", "supervisor"}},
      {"/supervision", "Supervision", {"supervisor"}},
      {"/tableau-de-bord", "Tableau de bord", {"supervisor", "referent"}},
      {"/programmes", "Programmes", {"supervisor", "admin"}},
      {"/marches", "Marchés clausés", {"facilitator", "admin"}},
      {"/offres", "Offres d'emploi", {"facilitator", "partner", "admin"}},
      {"/cvtheque", "CVthèque", {"facilitator", "partner", "admin"}},
      {"/positionnements", "Positionnements", {"facilitator", "partner", "admin"}},
      {"/emploi/tableau-de-bord", "Tableau de bord emploi", {"facilitator", "admin"}},
      {"/organisations", "Organisations", {}},
      {"/contacts", "Contacts", {}},
      {"/adhesions", "Adhésions", {"admin", "network", "member"}},
      {"/diagnostic", "Diagnostic territorial", {"admin", "network"}},
      {"/evenements", "Événements", {"admin", "network", "member"}},
      {"/groupes-de-travail", "Groupes de travail", {"admin", "network", "member"}},
      {"/projets", "Projets financés", {"admin", "network"}},
      {"/questions", "Hotline", {"admin", "network", "member"}},
      {"/faq", "FAQ", {"admin", "network", "member"}},
      {"/ressources", "Ressources", {}},
      {"/diffusions", "Diffusions", {"admin", "network"}},
      {"/admin/journal", "Journal d'audit", {"admin"}},
      {"/admin/courriels", "Courriels", {"admin"}},
      {"/compte", "Mon compte", {}},
  };
  return items;
}
}  // namespace

http::Response page(Ctx& ctx, const std::string& name, json::object data, int status) {
  json::object layout;
  layout["title"] = data.contains("title") ? data["title"] : json::value("Passerelle");
  if (ctx.principal) {
    auto& u = ctx.principal->user;
    layout["user"] = json::object{{"name", u.display_name}, {"email", u.email}};
    layout["csrf"] = ctx.principal->csrf_token;
    data["csrf"] = ctx.principal->csrf_token;
    json::array nav;
    for (auto& item : nav_items()) {
      bool allowed = item.roles.empty();
      for (auto& r : item.roles) allowed = allowed || u.has_role(r);
      if (!allowed) continue;
      std::string_view href = item.href;
      bool current = href == "/" ? ctx.req.path == "/" : ctx.req.path.starts_with(href);
      nav.push_back(json::object{{"href", item.href}, {"label", item.label}, {"current", current}});
    }
    layout["nav"] = std::move(nav);
  }
  http::Response res;
  // Flash message left by the previous response (Post/Redirect/Get).
  if (auto flash = ctx.req.cookie(kFlashCookie); !flash.empty()) {
    auto decoded = http::parse_urlencoded("f=" + flash);
    if (!decoded.empty()) {
      auto& v = decoded[0].second;
      auto bar = v.find('|');
      if (bar != std::string::npos && text::is_valid_utf8(v))
        layout["flash"] = json::object{{"kind", v.substr(0, bar)}, {"message", v.substr(bar + 1)}};
    }
    res.headers.emplace_back("Set-Cookie", std::string(kFlashCookie) + "=; Path=/; Max-Age=0; SameSite=Lax");
  }
  // The page's content goes into the layout once: the layout is drawn around a
  // marker, then the content copied in its place (not copied into the layout's
  // data, then again into its output). The marker is markup: no escaped value
  // of the layout (title, name, message) can contain "<!--".
  static constexpr std::string_view kMarker = "<!--passerelle:content-->";
  const std::string content = render_fragment(name, std::move(data));
  layout["content"] = kMarker;
  const std::string frame = render_fragment("layout", std::move(layout));
  const auto at = frame.find(kMarker);
  if (at == std::string::npos) throw std::logic_error("the layout lost its {{{content}}}");
  res.status = status;
  res.body.reserve(frame.size() + content.size());
  res.body.append(frame, 0, at).append(content).append(frame, at + kMarker.size());
  res.set_header("Content-Type", "text/html; charset=utf-8");
  return res;
}

http::Response error_page(Ctx& ctx, int status, const std::string& title, const std::string& detail) {
  if (ctx.req.wants_json()) return http::Response::problem(status, title, detail);
  json::object data{{"title", title}, {"detail", detail}, {"status", status}};
  try {
    return page(ctx, "errors/error", std::move(data), status);
  } catch (...) {
    return http::Response::html("<!doctype html><title>Erreur</title><p>" + std::to_string(status) + "</p>", status);
  }
}

json::object errors_json(const Errors& errors) {
  json::object by_field;
  json::array list;
  for (auto& e : errors) {
    if (!by_field.contains(e.field)) by_field[e.field] = e.message;
    list.push_back(json::object{{"field", e.field}, {"message", e.message}});
  }
  return json::object{{"errors", by_field}, {"error_list", list}, {"has_errors", !errors.empty()}};
}

http::Response validation_problem(const Errors& errors) {
  json::array list;
  for (auto& e : errors) list.push_back(json::object{{"field", e.field}, {"message", e.message}});
  auto extra = "\"errors\":" + json::serialize(list);
  return http::Response::problem(422, "Données invalides", "Certains champs sont invalides ; voir « errors ».", extra);
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string to_json(const json::value& v) { return json::serialize(v); }

const std::string& public_url() {
  static const std::string url = [] {
    const char* v = std::getenv("PASSERELLE_PUBLIC_URL");
    std::string out = v && *v ? v : "";
    if (out.empty()) {
      const char* listen = std::getenv("PASSERELLE_LISTEN");
      out = "http://" + std::string(listen && *listen ? listen : "127.0.0.1:8080");
      // "…:0" (any free port, as the tests listen): the port the server took.
      if (out.ends_with(":0") && http::bound_port() != 0)
        out = out.substr(0, out.size() - 1) + std::to_string(http::bound_port());
    }
    while (!out.empty() && out.back() == '/') out.pop_back();
    return out;
  }();
  return url;
}

std::string paris_today() {
  std::time_t t = std::time(nullptr);
  t += paris_offset_seconds(t);
  std::tm local{};
  gmtime_r(&t, &local);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &local);
  return buf;
}

std::string french_date(const std::string& iso) {
  if (iso.size() < 10) return iso;
  return iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4);
}

std::string french_datetime(const std::string& utc_iso) {
  if (utc_iso.size() < 19) return french_date(utc_iso);
  std::tm tm{};
  if (!strptime(utc_iso.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return utc_iso;
  std::time_t t = timegm(&tm);
  t += paris_offset_seconds(t);
  std::tm local{};
  gmtime_r(&t, &local);
  char buf[32];
  std::strftime(buf, sizeof buf, "%d/%m/%Y à %H:%M", &local);
  return buf;
}

namespace {
// The instant in Paris local time; false when not an ISO instant.
bool paris_tm(const std::string& utc_iso, std::tm& local) {
  std::tm tm{};
  if (utc_iso.size() < 16 || !strptime(utc_iso.c_str(), "%Y-%m-%dT%H:%M", &tm)) return false;
  std::time_t t = timegm(&tm);
  t += paris_offset_seconds(t);
  gmtime_r(&t, &local);
  return true;
}
}  // namespace

std::string french_long_date(const std::string& utc_iso) {
  static constexpr const char* days[] = {"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"};
  static constexpr const char* months[] = {"janvier", "février", "mars",      "avril",   "mai",      "juin",
                                           "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};
  std::tm d{};
  if (!paris_tm(utc_iso, d)) return utc_iso;
  // "1er" for the first day of a month, as French writes it.
  return fmt::format("{} {}{} {} {}", days[d.tm_wday], d.tm_mday, d.tm_mday == 1 ? "er" : "", months[d.tm_mon],
                     d.tm_year + 1900);
}

std::string french_time(const std::string& utc_iso) {
  std::tm d{};
  if (!paris_tm(utc_iso, d)) return utc_iso;
  return fmt::format("{} h {:02}", d.tm_hour, d.tm_min);
}

std::string french_long_datetime(const std::string& utc_iso) {
  return french_long_date(utc_iso) + " à " + french_time(utc_iso);
}

// ---- Static assets ----------------------------------------------------------

std::optional<http::Response> static_asset(const http::Request& req) {
  if (!req.path.starts_with("/static/") || (req.method != "GET" && req.method != "HEAD")) return std::nullopt;
  struct Asset {
    std::string_view data;
    std::string etag, type;
  };
  static const auto* assets = [] {
    auto* m = new std::unordered_map<std::string, Asset>();
    for (auto& f : embedded::files()) {
      std::string_view p = f.path;
      if (!p.starts_with("web/static/")) continue;
      std::string url = "/static/" + std::string(p.substr(11));
      std::string type = "application/octet-stream";
      if (p.ends_with(".css")) type = "text/css; charset=utf-8";
      else if (p.ends_with(".js")) type = "text/javascript; charset=utf-8";
      else if (p.ends_with(".svg")) type = "image/svg+xml";
      else if (p.ends_with(".png")) type = "image/png";
      else if (p.ends_with(".ico")) type = "image/x-icon";
      (*m)[url] = {f.data, "\"" + auth::sha256_hex(f.data).substr(0, 16) + "\"", type};
    }
    return m;
  }();
  auto it = assets->find(req.path);
  if (it == assets->end()) return std::nullopt;
  http::Response res;
  res.route = "/static";
  res.set_header("ETag", it->second.etag);
  res.set_header("Cache-Control", "public, max-age=3600");
  if (req.header("if-none-match") == it->second.etag) {
    res.status = 304;
    return res;
  }
  res.body = std::string(it->second.data);
  res.set_header("Content-Type", it->second.type);
  return res;
}

}  // namespace passerelle::web
