#include "core/http/http.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>

namespace passerelle::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string decode_component(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
               hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

// Hand-written rather than Boost.URL: twenty lines, and it keeps Boost.URL's
// heavy headers out of every handler's compile.
std::vector<std::pair<std::string, std::string>> parse_urlencoded(std::string_view s) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!s.empty()) {
    auto amp = s.find('&');
    auto part = s.substr(0, amp);
    if (!part.empty()) {
      auto eq = part.find('=');
      if (eq == std::string_view::npos)
        out.emplace_back(decode_component(part), std::string());
      else
        out.emplace_back(decode_component(part.substr(0, eq)), decode_component(part.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    s.remove_prefix(amp + 1);
  }
  return out;
}

std::string url_encode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return {};
}

std::string Request::cookie(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k != "cookie") continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      auto part = rest.substr(0, semi);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      auto eq = part.find('=');
      if (eq != std::string_view::npos && part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
      if (semi == std::string_view::npos) break;
      rest.remove_prefix(semi + 1);
    }
  }
  return {};
}

std::string Request::query(std::string_view name) const {
  for (auto& [k, v] : parse_urlencoded(query_string))
    if (k == name) return v;
  return {};
}

std::vector<std::string> Request::query_all(std::string_view name) const {
  std::vector<std::string> out;
  for (auto& [k, v] : parse_urlencoded(query_string))
    if (k == name) out.push_back(v);
  return out;
}

bool Request::wants_json() const {
  if (path.starts_with("/api/")) return true;
  auto accept = header("accept");
  return accept.find("application/json") != std::string::npos && accept.find("text/html") == std::string::npos;
}

void Response::set_header(std::string name, std::string value) {
  for (auto& [k, v] : headers)
    if (iequals(k, name)) {
      v = std::move(value);
      return;
    }
  headers.emplace_back(std::move(name), std::move(value));
}

std::string Response::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return {};
}

Response Response::html(std::string body, int status) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.set_header("Content-Type", "text/html; charset=utf-8");
  return r;
}

Response Response::json(std::string body, int status) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.set_header("Content-Type", "application/json");
  return r;
}

Response Response::text(std::string body, int status) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.set_header("Content-Type", "text/plain; charset=utf-8");
  return r;
}

Response Response::redirect(std::string location, int status) {
  Response r;
  r.status = status;
  r.set_header("Location", std::move(location));
  return r;
}

namespace {
std::string escape_json(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += fmt::format("\\u{:04x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}
}  // namespace

Response Response::problem(int status, std::string_view title, std::string_view detail, std::string_view extra) {
  Response r;
  r.status = status;
  r.body = fmt::format(R"({{"type":"about:blank","title":"{}","status":{},"detail":"{}"{}{}}})", escape_json(title),
                       status, escape_json(detail), extra.empty() ? "" : ",", extra);
  r.set_header("Content-Type", "application/problem+json");
  return r;
}

namespace metrics {
namespace {
// Latency buckets in seconds (Prometheus histogram).
constexpr double kBuckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
constexpr std::size_t kBucketCount = sizeof(kBuckets) / sizeof(kBuckets[0]);

struct Series {
  std::uint64_t count = 0;
  double sum = 0;
  std::uint64_t buckets[kBucketCount] = {};
};

struct State {
  std::mutex mutex;
  std::unordered_map<std::string, std::uint64_t> requests;  // method|route|status
  std::unordered_map<std::string, Series> latency;          // route
  std::uint64_t db_errors = 0;
};

State& state() {
  static State s;
  return s;
}
}  // namespace

void record(std::string_view method, std::string_view route, int status, double seconds) {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  s.requests[fmt::format("{}|{}|{}", method, route, status)]++;
  auto& series = s.latency[std::string(route)];
  series.count++;
  series.sum += seconds;
  for (std::size_t i = 0; i < kBucketCount; ++i)
    if (seconds <= kBuckets[i]) series.buckets[i]++;
}

void database_error() {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  s.db_errors++;
}

std::string prometheus_text() {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  std::string out;
  out += "# HELP passerelle_http_requests_total HTTP requests by method, route and status.\n";
  out += "# TYPE passerelle_http_requests_total counter\n";
  for (auto& [key, n] : s.requests) {
    auto a = key.find('|');
    auto b = key.rfind('|');
    out += fmt::format("passerelle_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n",
                       key.substr(0, a), key.substr(a + 1, b - a - 1), key.substr(b + 1), n);
  }
  out += "# HELP passerelle_http_request_duration_seconds Request latency by route.\n";
  out += "# TYPE passerelle_http_request_duration_seconds histogram\n";
  for (auto& [route, series] : s.latency) {
    for (std::size_t i = 0; i < kBucketCount; ++i)
      out += fmt::format("passerelle_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", route,
                         kBuckets[i], series.buckets[i]);
    out += fmt::format("passerelle_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", route,
                       series.count);
    out += fmt::format("passerelle_http_request_duration_seconds_sum{{route=\"{}\"}} {:.6f}\n", route, series.sum);
    out += fmt::format("passerelle_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", route, series.count);
  }
  out += "# HELP passerelle_database_errors_total Database errors.\n";
  out += "# TYPE passerelle_database_errors_total counter\n";
  out += fmt::format("passerelle_database_errors_total {}\n", s.db_errors);
  return out;
}
}  // namespace metrics

}  // namespace passerelle::http
