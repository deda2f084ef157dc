#pragma once
// The application shell: routes with their declared access, the per-request
// context (caller, database connection, form), page rendering in the layout,
// CSRF, flash messages and error pages. Handlers are plain functions of Ctx.
#include <boost/json.hpp>

#include <functional>
#include <initializer_list>
#include <memory>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/auth/auth.hpp"
#include "core/db/database.hpp"
#include "core/http/http.hpp"
#include "core/web/validation.hpp"

namespace passerelle::web {

namespace json = boost::json;

// Who may call a route.
struct Access {
  bool public_route = false;           // no login needed
  std::vector<std::string> roles;      // any of these (empty + !public = any logged-in user)
  // The URL carries an unguessable token that is its own proof (an unsubscribe
  // link): POSTs need no CSRF token, since one-click unsubscribing (RFC 8058)
  // comes from the mail provider without cookies, and a forged form would need
  // the token anyway.
  bool capability_url = false;
  static Access anyone() { return {true, {}}; }
  static Access capability_link() {
    Access a{true, {}};
    a.capability_url = true;
    return a;
  }
  static Access logged_in() { return {false, {}}; }
  static Access roles_in(std::initializer_list<const char*> r) {
    Access a;
    for (auto x : r) a.roles.emplace_back(x);
    return a;
  }
};

// Thrown by handlers: turned into the French 404 page or problem+json.
struct NotFound {};
// Thrown for a client mistake outside forms (bad id, malformed UTF-8…).
struct BadRequest {
  std::string detail;
};

class Ctx {
 public:
  Ctx(http::Request& req, db::Database& database) : req(req), database_(database) {}
  http::Request& req;
  std::optional<auth::Principal> principal;
  std::string route;  // pattern of the matched route, for metrics and logs (also when a handler throws)

  db::Connection& db();  // leased on first use, returned at the end of the request
  // Called before the first db(): the request writes, it gets the database's
  // connection for writes (db::Database::acquire_for_write).
  void will_write() { writes_ = true; }
  // db::change_stamp read once per request (several kept lists of a page share it).
  std::int64_t change_stamp(const std::string& name);
  // The same, already read with other statements of the request.
  void known_change_stamp(const std::string& name, std::int64_t value) { stamps_[name] = value; }
  // A second connection for work split over two threads (the national dashboard);
  // nothing when the pool has none free. Returned when the lease dies.
  std::optional<db::Lease> extra_connection() { return database_.try_acquire(); }
  const auth::User& user() const { return principal->user; }

  // Form fields (urlencoded or multipart body), decoded once; "" when absent.
  std::string form(const std::string& name);
  std::vector<std::string> form_all(const std::string& name);
  // Uploaded file of a multipart form: filename and bytes.
  struct Upload {
    std::string filename, content_type, data;
  };
  std::optional<Upload> file(const std::string& name);
  // Parsed JSON body of an API call; throws BadRequest with a French detail.
  json::object json_body();

  // A flash message shown on the next page.
  void flash(std::string message, std::string kind = "success");
  std::vector<std::pair<std::string, std::string>> pending_flash;  // set on the response

 private:
  void parse_body();
  db::Database& database_;
  std::optional<db::Lease> lease_;
  bool writes_ = false;
  std::map<std::string, std::int64_t, std::less<>> stamps_;
  bool parsed_ = false;
  std::vector<std::pair<std::string, std::string>> fields_;
  std::vector<std::pair<std::string, Upload>> files_;
};

using RouteHandler = std::function<http::Response(Ctx&)>;

struct AppSettings {
  bool secure_cookies = false;  // Secure flag, behind TLS
  bool trust_proxy = false;     // client address from X-Forwarded-For (behind a reverse proxy)
  auth::Settings auth;
};

class App {
 public:
  App(db::Database& database, AppSettings settings);
  void route(std::string method, std::string pattern, Access access, RouteHandler handler);
  http::Response handle(http::Request& req);
  db::Database& database() { return database_; }
  const AppSettings& settings() const { return settings_; }

 private:
  struct Route {
    std::string method, pattern;
    std::vector<std::string> segments;
    Access access;
    RouteHandler handler;
  };
  http::Response dispatch(http::Request& req, Ctx& ctx);
  db::Database& database_;
  AppSettings settings_;
  std::vector<Route> routes_;
};

// ---- Rendering ------------------------------------------------------------

// Renders templates/<name>.mustache with `data` inside the page layout
// (navigation by role, flash messages, CSRF token). `data` may hold
// "title". Partials are available as {{> name}} (templates/partials/<name>).
http::Response page(Ctx& ctx, const std::string& name, json::object data, int status = 200);
// Renders one template without the layout (htmx fragments).
std::string render_fragment(const std::string& name, json::object data);
// The French error page (or problem+json for API calls).
http::Response error_page(Ctx& ctx, int status, const std::string& title, const std::string& detail);

// Form support: errors keyed by field, for templates: {"errors": {"siret": "…"}, "error_list": [...]}
json::object errors_json(const Errors& errors);
// problem+json 422 listing the fields.
http::Response validation_problem(const Errors& errors);

// Escapes &, <, >, " and ' for HTML built outside templates.
std::string html_escape(std::string_view s);

// The address of the site as users reach it, for links in e-mails:
// PASSERELLE_PUBLIC_URL ("https://passerelle.exemple.fr"), else http://PASSERELLE_LISTEN.
const std::string& public_url();

// JSON helpers
std::string to_json(const json::value& v);

// "2026-11-25T08:12:03Z" → "25/11/2026 à 09:12" (Europe/Paris); "2026-11-25" → "25/11/2026".
std::string french_datetime(const std::string& utc_iso);
std::string french_date(const std::string& iso_date);
// The way a letter says it (e-mails): "2023-01-30T17:00:00Z" → "lundi 30 janvier 2023 à 18 h 00"
// (Europe/Paris); french_long_date → "lundi 30 janvier 2023"; french_time → "18 h 00".
std::string french_long_datetime(const std::string& utc_iso);
std::string french_long_date(const std::string& utc_iso);
std::string french_time(const std::string& utc_iso);

// Static assets compiled in: /static/<file>, with ETag and cache headers.
std::optional<http::Response> static_asset(const http::Request& req);

}  // namespace passerelle::web
