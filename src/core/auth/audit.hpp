#pragma once
// The audit log: every login, write, export and read of sensitive data.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/db/database.hpp"

namespace passerelle::audit {

// action: "login", "login_failed", "logout", "create", "update", "import",
// "export", "token_create", "token_revoke", "read_sensitive"…
void record(db::Connection& db, std::int64_t user_id, std::string_view action, std::string_view entity,
            std::int64_t entity_id, std::string_view detail, std::string_view remote_addr = {});

struct Entry {
  std::int64_t id = 0;
  std::string at, user_email, action, entity, detail, remote_addr;
  std::int64_t entity_id = 0;
};

struct Filter {
  std::string action, entity, user_email, from_date, to_date;  // dates YYYY-MM-DD, inclusive
  std::int64_t before_id = 0;  // keyset: entries with id < before_id (0 = newest)
  int limit = 50;
};

std::vector<Entry> search(db::Connection& db, const Filter& filter);

}  // namespace passerelle::audit
