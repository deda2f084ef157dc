#include "core/auth/audit.hpp"

#include "core/auth/auth.hpp"

namespace passerelle::audit {

void record(db::Connection& db, std::int64_t user_id, std::string_view action, std::string_view entity,
            std::int64_t entity_id, std::string_view detail, std::string_view remote_addr) {
  db.query(
      "INSERT INTO audit_log (at, user_id, action, entity, entity_id, detail, remote_addr) VALUES (?, ?, ?, ?, ?, ?, ?)",
      {auth::now_utc(), user_id > 0 ? db::Value(user_id) : db::Value(nullptr), std::string(action),
       std::string(entity), entity_id, std::string(detail.substr(0, 1000)), std::string(remote_addr)});
}

std::vector<Entry> search(db::Connection& db, const Filter& f) {
  std::string sql =
      "SELECT a.id, a.at, COALESCE(u.email, ''), a.action, a.entity, a.entity_id, a.detail, a.remote_addr "
      "FROM audit_log a LEFT JOIN users u ON u.id = a.user_id WHERE 1 = 1";
  db::Params params;
  if (!f.action.empty()) {
    sql += " AND a.action = ?";
    params.emplace_back(f.action);
  }
  if (!f.entity.empty()) {
    sql += " AND a.entity = ?";
    params.emplace_back(f.entity);
  }
  if (!f.user_email.empty()) {
    sql += " AND u.email = ?";
    params.emplace_back(f.user_email);
  }
  if (!f.from_date.empty()) {
    sql += " AND a.at >= ?";
    params.emplace_back(f.from_date);
  }
  if (!f.to_date.empty()) {
    sql += " AND a.at < ?";
    params.emplace_back(f.to_date + "T99");  // inclusive of the whole day
  }
  if (f.before_id > 0) {
    sql += " AND a.id < ?";
    params.emplace_back(f.before_id);
  }
  sql += " ORDER BY a.id DESC LIMIT ?";
  params.emplace_back(f.limit);
  std::vector<Entry> out;
  for (auto& row : db.query(sql, params).rows)
    out.push_back({row.integer(0), row.text(1), row.text(2), row.text(3), row.text(4), row.text(6), row.text(7),
                   row.integer(5)});
  return out;
}

}  // namespace passerelle::audit
