#pragma once
// Several independent statements in one go. PostgreSQL sends them all before
// reading any answer (libpq's pipeline mode): one network round trip instead of
// one per statement. SQLite (in-process) runs them one after the other.
#include <string>
#include <string_view>
#include <vector>

#include "core/db/database.hpp"

namespace passerelle::db {

struct Statement {
  std::string_view sql;
  Params params;
};

// Results in the order of `statements`. The first failure is thrown (on
// PostgreSQL the statements after it are then not run).
std::vector<Result> query_all(Connection& c, const std::vector<Statement>& statements);

// A statement that owns its text: what a store function hands to a caller
// that gathers the reads of a page into one query_all.
struct OwnedStatement {
  std::string sql;
  Params params;
};
inline std::vector<Result> query_all_owned(Connection& c, const std::vector<OwnedStatement>& statements) {
  std::vector<Statement> views;
  views.reserve(statements.size());
  for (const auto& s : statements) views.push_back({s.sql, s.params});
  return query_all(c, views);
}

}  // namespace passerelle::db
