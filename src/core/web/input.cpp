#include "core/web/input.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/web/text.hpp"

namespace passerelle::web {

namespace {
bool digits(std::string_view s) {
  return !s.empty() && s.size() <= 18 && s.find_first_not_of("0123456789") == std::string_view::npos;
}
}  // namespace

std::int64_t path_id(Ctx& ctx, const char* name) {
  const auto& raw = ctx.req.params[name];
  if (!digits(raw)) throw NotFound{};
  return std::stoll(raw);
}

std::optional<std::int64_t> to_id(std::string_view raw) {
  auto s = text::trim(raw);
  if (!digits(s)) return std::nullopt;
  return std::stoll(std::string(s));
}

std::optional<std::int64_t> query_id(Ctx& ctx, const char* name) {
  auto v = ctx.req.query(name);
  if (v.empty()) return std::nullopt;
  if (!digits(v) || std::stoll(v) <= 0)
    throw BadRequest{fmt::format("Le paramètre « {} » doit être un identifiant numérique.", name)};
  return std::stoll(v);
}

std::int64_t required_query_id(Ctx& ctx, const char* name) {
  auto id = query_id(ctx, name);
  if (!id) throw BadRequest{fmt::format("Le paramètre « {} » est obligatoire.", name)};
  return *id;
}

int query_limit(Ctx& ctx, int fallback, int max) {
  auto v = ctx.req.query("limit");
  if (v.empty()) return fallback;
  if (v.size() > 6 || v.find_first_not_of("0123456789") != std::string::npos)
    throw BadRequest{"Le paramètre « limit » doit être un nombre."};
  return std::clamp(std::stoi(v), 1, max);
}

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string json_field(const boost::json::object& body, const char* name, Errors& errors, const std::string& fallback) {
  auto it = body.find(name);
  if (it == body.end()) return fallback;
  auto& v = it->value();
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  if (v.is_null()) return "";
  errors.push_back({name, "Ce champ doit être une chaîne de caractères."});
  return fallback;
}

std::string json_flag(const boost::json::object& body, const char* name, Errors& errors, const std::string& fallback) {
  auto it = body.find(name);
  if (it == body.end()) return fallback;
  if (it->value().is_bool()) return it->value().get_bool() ? "1" : "0";
  if (it->value().is_null()) return "";
  errors.push_back({name, "Ce champ doit valoir true ou false."});
  return fallback;
}

http::Response json_response(const boost::json::value& v, int status) {
  return http::Response::json(boost::json::serialize(v), status);
}

}  // namespace passerelle::web
