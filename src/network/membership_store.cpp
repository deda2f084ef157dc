#include "network/membership_store.hpp"

#include <fmt/format.h>

#include "core/auth/auth.hpp"
#include "core/web/text.hpp"

namespace passerelle::network {

std::vector<StatusRule> load_status_rules(db::Connection& db) {
  std::vector<StatusRule> rules;
  auto r = db.query(
      "SELECT code, label, weight, is_member, manual_only, unpaid_only, start_event, start_offset, start_unit, "
      "end_event, end_offset, end_unit FROM membership_status_rules ORDER BY weight, code");
  for (auto& row : r.rows)
    rules.push_back({row.text(0), row.text(1), static_cast<int>(row.integer(2)), row.integer(3) != 0,
                     row.integer(4) != 0, row.integer(5) != 0, row.text(6), static_cast<int>(row.integer(7)),
                     row.text(8), row.text(9), static_cast<int>(row.integer(10)), row.text(11)});
  return rules;
}

namespace {

constexpr const char* kColumns =
    "m.id, m.organisation_id, o.name, o.kind, o.path, o.department, o.region, COALESCE(p.name, ''), o.sort_name, "
    "m.year, m.join_date, m.start_date, m.end_date, m.paid_date, m.fee_cents, m.status, m.status_override, "
    "m.override_until, m.renewed_from_id, "
    "CASE WHEN EXISTS (SELECT 1 FROM memberships n WHERE n.organisation_id = m.organisation_id AND n.year > m.year) "
    "THEN 1 ELSE 0 END, m.created_at, m.updated_at";

constexpr const char* kFrom =
    " FROM memberships m JOIN organisations o ON o.id = m.organisation_id"
    " LEFT JOIN organisations p ON p.id = o.parent_id";

Membership from_row(const db::Row& r) {
  Membership m;
  m.id = r.integer(0);
  m.organisation_id = r.integer(1);
  m.organisation_name = r.text(2);
  m.organisation_kind = r.text(3);
  m.organisation_path = r.text(4);
  m.department = r.text(5);
  m.region = r.text(6);
  m.delegation_name = r.text(7);
  m.sort_name = r.text(8);
  m.year = static_cast<int>(r.integer(9));
  m.join_date = r.text(10);
  m.start_date = r.text(11);
  m.end_date = r.text(12);
  m.paid_date = r.text(13);
  m.fee_cents = r.integer(14);
  m.status = r.text(15);
  m.status_override = r.text(16);
  m.override_until = r.text(17);
  m.renewed_from_id = r.opt_integer(18);
  m.renewed = r.integer(19) != 0;
  m.created_at = r.text(20);
  m.updated_at = r.text(21);
  return m;
}

void add_history(db::Connection& db, std::int64_t id, const std::string& from, const std::string& to,
                 std::optional<std::int64_t> user_id, const std::string& reason) {
  db.query(
      "INSERT INTO membership_status_history (membership_id, from_status, to_status, user_id, reason, changed_at) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {id, from.empty() ? db::Value() : db::Value(from), to, user_id, reason, auth::now_utc()});
}

// Writes a new status (and its history row) when it differs.
void set_status(db::Connection& db, const Membership& m, const std::string& status,
                std::optional<std::int64_t> user_id, const std::string& reason) {
  if (status == m.status) return;
  db.query("UPDATE memberships SET status = ?, updated_at = ? WHERE id = ?", {status, auth::now_utc(), m.id});
  add_history(db, m.id, m.status, status, user_id, reason);
}

}  // namespace

std::vector<Membership> list_memberships(db::Connection& db, const Scope& scope, const MembershipFilter& f) {
  db::Params params;
  std::string where = " WHERE " + scope_condition(scope, params, "o.path");
  if (f.year) {
    where += " AND m.year = ?";
    params.emplace_back(*f.year);
  }
  if (!f.status.empty()) {
    where += " AND m.status = ?";
    params.emplace_back(f.status);
  }
  if (!f.region.empty()) {
    where += " AND o.region = ?";
    params.emplace_back(f.region);
  }
  if (!f.kind.empty()) {
    where += " AND o.kind = ?";
    params.emplace_back(f.kind);
  }
  if (f.organisation_id) {
    where += " AND m.organisation_id = ?";
    params.emplace_back(*f.organisation_id);
  }
  if (f.delegation_id) {
    auto d = db.query("SELECT path FROM organisations WHERE id = ?", {*f.delegation_id});
    if (d.empty()) return {};
    auto range = subtree_range(d.rows[0].text(0));
    where += " AND o.path >= ? AND o.path < ?";
    params.emplace_back(range.low);
    params.emplace_back(range.high);
  }
  if (!f.q.empty()) {
    where += " AND o.search_text LIKE ?";
    params.emplace_back("%" + text::fold(f.q) + "%");
  }
  if (f.view != MembershipView::all) {
    where += " AND NOT EXISTS (SELECT 1 FROM memberships n WHERE n.organisation_id = m.organisation_id AND n.year > m.year)";
    auto member = "m.status IN (SELECT code FROM membership_status_rules WHERE is_member = 1)";
    if (f.view == MembershipView::due) {
      auto today = parse_iso_date(f.today).value_or(CivilDate{});
      where += fmt::format(" AND {} AND m.end_date <= ?", member);
      params.emplace_back(iso(add_days(today, kRenewalNoticeDays)));
    } else {
      where += " AND m.status IN (SELECT code FROM membership_status_rules WHERE is_member = 0 AND unpaid_only = 0)";
    }
  }
  if (f.after_id > 0) {
    where += " AND (o.sort_name > ? OR (o.sort_name = ? AND m.id > ?))";
    params.emplace_back(f.after_key);
    params.emplace_back(f.after_key);
    params.emplace_back(f.after_id);
  }
  params.emplace_back(f.limit);
  auto r = db.query(fmt::format("SELECT {}{}{} ORDER BY o.sort_name, m.id LIMIT ?", kColumns, kFrom, where), params);
  std::vector<Membership> out;
  for (auto& row : r.rows) out.push_back(from_row(row));
  return out;
}

std::optional<Membership> get_membership(db::Connection& db, const Scope& scope, std::int64_t id) {
  db::Params params{id};
  auto cond = scope_condition(scope, params, "o.path");
  auto r = db.query(fmt::format("SELECT {}{} WHERE m.id = ? AND {}", kColumns, kFrom, cond), params);
  if (r.empty()) return std::nullopt;
  return from_row(r.rows[0]);
}

std::vector<StatusChange> membership_history(db::Connection& db, std::int64_t membership_id) {
  auto r = db.query(
      "SELECT COALESCE(h.from_status, ''), h.to_status, COALESCE(u.display_name, ''), h.reason, h.changed_at "
      "FROM membership_status_history h LEFT JOIN users u ON u.id = h.user_id WHERE h.membership_id = ? ORDER BY h.id",
      {membership_id});
  std::vector<StatusChange> out;
  for (auto& row : r.rows) out.push_back({row.text(0), row.text(1), row.text(2), row.text(3), row.text(4)});
  return out;
}

std::int64_t create_membership(db::Connection& db, const MembershipValues& v, const std::vector<StatusRule>& rules,
                               CivilDate today, std::optional<std::int64_t> user_id, const std::string& reason,
                               std::optional<std::int64_t> renewed_from) {
  MembershipFacts facts{v.join_date, v.start_date, v.end_date, !v.paid_date.empty(), "", ""};
  auto status = compute_status(facts, rules, today).value_or("pending");
  auto now = auth::now_utc();
  auto r = db.query(
      "INSERT INTO memberships (organisation_id, year, join_date, start_date, end_date, fee_cents, paid_date, status, "
      "renewed_from_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {v.organisation_id, v.year, v.join_date, v.start_date, v.end_date, v.fee_cents,
       v.paid_date.empty() ? db::Value() : db::Value(v.paid_date), status, renewed_from, now, now});
  auto id = r.rows.at(0).integer(0);
  add_history(db, id, "", status, user_id, reason);
  return id;
}

std::int64_t renew_membership(db::Connection& db, const Membership& current, std::int64_t fee_cents,
                              const std::string& paid_date, const std::vector<StatusRule>& rules, CivilDate today,
                              std::int64_t user_id) {
  auto period = renewal_period(current.end_date);
  // The next membership year, whatever day the period starts on.
  MembershipValues v{current.organisation_id, current.year + 1, fee_cents, paid_date, period.start_date, period.end_date,
                     current.join_date};
  return create_membership(db, v, rules, today, user_id, fmt::format("Renouvellement de l'adhésion {}", current.year),
                           current.id);
}

void record_payment(db::Connection& db, const Membership& m, std::int64_t fee_cents, const std::string& paid_date,
                    const std::vector<StatusRule>& rules, CivilDate today, std::optional<std::int64_t> user_id) {
  db.query("UPDATE memberships SET fee_cents = ?, paid_date = ?, updated_at = ? WHERE id = ?",
           {fee_cents, paid_date.empty() ? db::Value() : db::Value(paid_date), auth::now_utc(), m.id});
  auto facts = m.facts();
  facts.paid = !paid_date.empty();
  if (auto s = compute_status(facts, rules, today))
    set_status(db, m, *s, user_id, paid_date.empty() ? "Paiement annulé" : "Cotisation payée");
}

void override_status(db::Connection& db, const Membership& m, const OverrideInput& in,
                     const std::vector<StatusRule>& rules, CivilDate today, std::optional<std::int64_t> user_id) {
  auto facts = m.facts();
  auto status = text::trim(in.status), until = text::trim(in.until), reason = text::trim(in.reason);
  if (status == "auto") {
    facts.status_override.clear();
    facts.override_until.clear();
  } else {
    facts.status_override = status;
    facts.override_until = until;
  }
  db.query("UPDATE memberships SET status_override = ?, override_until = ?, updated_at = ? WHERE id = ?",
           {facts.status_override.empty() ? db::Value() : db::Value(facts.status_override),
            facts.override_until.empty() ? db::Value() : db::Value(facts.override_until), auth::now_utc(), m.id});
  auto computed = compute_status(facts, rules, today).value_or(m.status);
  if (computed != m.status) {
    set_status(db, m, computed, user_id, reason);
  } else {
    // The status does not change, but the decision is kept in the history.
    add_history(db, m.id, m.status, m.status, user_id, reason);
  }
}

std::int64_t refresh_membership_statuses(db::Connection& db, CivilDate today) {
  auto rules = load_status_rules(db);
  std::int64_t changed = 0;
  std::int64_t after = 0;
  // By pages of ids, each page in its own transaction.
  while (true) {
    auto r = db.query(fmt::format("SELECT {}{} WHERE m.id > ? ORDER BY m.id LIMIT 500", kColumns, kFrom), {after});
    if (r.empty()) break;
    db::Transaction tx(db);
    for (auto& row : r.rows) {
      auto m = from_row(row);
      after = m.id;
      auto facts = m.facts();
      bool lapsed = !facts.status_override.empty() && !override_active(facts, today);
      if (lapsed) {
        db.query("UPDATE memberships SET status_override = NULL, override_until = NULL WHERE id = ?", {m.id});
        facts.status_override.clear();
        facts.override_until.clear();
      }
      auto s = compute_status(facts, rules, today);
      if (s && *s != m.status) {
        set_status(db, m, *s, std::nullopt,
                   lapsed ? "Fin du forçage : statut recalculé" : "Mise à jour quotidienne des statuts");
        ++changed;
      } else if (lapsed) {
        add_history(db, m.id, m.status, m.status, std::nullopt, "Fin du forçage : statut recalculé");
      }
    }
    tx.commit();
  }
  return changed;
}

std::vector<MemberCount> member_counts(db::Connection& db, const Scope& scope, int year) {
  db::Params params{year};
  auto cond = scope_condition(scope, params, "o.path");
  auto r = db.query(
      "SELECT o.region, o.kind, COUNT(*) FROM memberships m JOIN organisations o ON o.id = m.organisation_id "
      "WHERE m.year = ? AND m.status IN (SELECT code FROM membership_status_rules WHERE is_member = 1) AND " +
          cond + " GROUP BY o.region, o.kind ORDER BY o.region, o.kind",
      params);
  std::vector<MemberCount> out;
  for (auto& row : r.rows) out.push_back({row.text(0), row.text(1), row.integer(2)});
  return out;
}

}  // namespace passerelle::network
