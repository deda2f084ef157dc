#pragma once
// Reading a request's input, shared by every module's pages and API: ids from the
// path and the query string, page sizes, and the fields of a JSON body (as text,
// the way forms arrive, so that one validation serves both).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "core/web/app.hpp"

namespace passerelle::web {

// An id from the path; anything else is a 404, like an id outside the scope.
std::int64_t path_id(Ctx& ctx, const char* name = "id");
// A typed id (form field, query value): digits only, else nullopt.
std::optional<std::int64_t> to_id(std::string_view raw);
// An optional numeric query parameter; BadRequest (400) when it is not a positive number.
std::optional<std::int64_t> query_id(Ctx& ctx, const char* name);
// The same, required.
std::int64_t required_query_id(Ctx& ctx, const char* name);
// `limit` of a list call, clamped to 1..max; `fallback` when absent; 400 when not a number.
int query_limit(Ctx& ctx, int fallback, int max);
// Lower-case hexadecimal of bytes (keyset cursors).
std::string hex(std::string_view bytes);

// A JSON field as text: strings as they are, numbers written out, null as "",
// absent as `fallback`. Anything else adds an error for that field.
std::string json_field(const boost::json::object& body, const char* name, Errors& errors,
                       const std::string& fallback = "");
// A boolean JSON field as "1" / "0"; null as "", absent as `fallback`.
std::string json_flag(const boost::json::object& body, const char* name, Errors& errors,
                      const std::string& fallback = "");
// `v` serialised, as application/json.
http::Response json_response(const boost::json::value& v, int status = 200);

}  // namespace passerelle::web
