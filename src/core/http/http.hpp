#pragma once
// Our own request/response types: handlers never see Boost.Beast.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace passerelle::http {

struct Request {
  std::string method;        // "GET", "POST"…
  std::string target;        // as received: "/organisations?q=ile"
  std::string path;          // percent-decoded path: "/organisations"
  std::string query_string;  // raw, without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string remote_addr;
  std::map<std::string, std::string> params;  // path parameters, filled by the router

  std::string header(std::string_view name) const;  // "" when absent
  std::string cookie(std::string_view name) const;  // "" when absent
  std::string query(std::string_view name) const;   // decoded, first value, "" when absent
  std::vector<std::string> query_all(std::string_view name) const;
  bool wants_json() const;  // /api/ path or Accept: application/json
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string route;  // route pattern for metrics/logs, set by the router

  void set_header(std::string name, std::string value);
  std::string header(std::string_view name) const;

  static Response html(std::string body, int status = 200);
  static Response json(std::string body, int status = 200);
  static Response text(std::string body, int status = 200);
  static Response redirect(std::string location, int status = 303);
  // RFC 9457 problem+json; `extra` is a serialized JSON object's members to
  // merge (e.g. "\"errors\":[…]"), may be empty.
  static Response problem(int status, std::string_view title, std::string_view detail,
                          std::string_view extra = {});
};

// Decodes application/x-www-form-urlencoded (also query strings): '+' is a
// space, %XX bytes are decoded. Pairs keep their order.
std::vector<std::pair<std::string, std::string>> parse_urlencoded(std::string_view s);
std::string url_encode(std::string_view s);

using Handler = std::function<Response(Request&)>;

struct ServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;
  int threads = 4;
  std::size_t body_limit = 10 * 1024 * 1024;  // 10 MB
  std::size_t header_limit = 16 * 1024;
  std::chrono::seconds read_timeout{20};   // whole request, against slow clients
  std::chrono::seconds idle_timeout{60};   // keep-alive between requests
  std::function<void()> on_listening;      // called once the socket is bound
};

// Runs the HTTP/1.1 server until SIGINT/SIGTERM; in-flight requests finish.
// Returns the port actually bound (useful with port 0) through on_listening's
// closure via bound_port().
void serve(const ServerOptions& options, Handler handler);
unsigned short bound_port();

// Per-route request counts and latencies, database errors: /metrics.
namespace metrics {
void record(std::string_view method, std::string_view route, int status, double seconds);
void database_error();
std::string prometheus_text();
}  // namespace metrics

}  // namespace passerelle::http
