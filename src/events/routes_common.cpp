// Shared by the pages and the API of events: who the caller is for events.
#include <set>

#include "events/routes.hpp"

namespace passerelle::events {

bool is_staff(web::Ctx& ctx) { return ctx.user().has_any_role({"admin", "network"}); }

Event managed_event_or_404(web::Ctx& ctx, std::int64_t id) {
  auto e = get_event(ctx.db(), EventAccess{access_of(ctx).manage, {}, {}}, id);
  if (!e) throw web::NotFound{};
  return *e;
}

EventAccess access_of(web::Ctx& ctx) {
  EventAccess a;
  a.manage = ctx.user().scope_roots({"admin", "network"});
  a.own = ctx.user().scope_roots({"admin", "network", "member"});
  std::set<std::string> regions;
  for (auto& g : ctx.user().grants) {
    if (g.role != "member" && g.role != "admin" && g.role != "network") continue;
    auto r = ctx.db().query("SELECT region FROM organisations WHERE id = ?", {g.organisation_id});
    if (!r.empty() && !r.rows[0].text(0).empty()) regions.insert(r.rows[0].text(0));
  }
  a.regions.assign(regions.begin(), regions.end());
  return a;
}

std::vector<ContactChoice> registrable_contacts(web::Ctx& ctx, const EventAccess& access) {
  db::Params params;
  auto sql = "SELECT c.id, o.id, c.first_name || ' ' || c.last_name, o.name FROM contacts c "
             "JOIN contact_organisations co ON co.contact_id = c.id JOIN organisations o ON o.id = co.organisation_id "
             "WHERE " +
             network::scope_condition(access.own, params, "o.path") + " ORDER BY o.sort_name, c.sort_name, c.id LIMIT 500";
  std::vector<ContactChoice> out;
  for (auto& row : ctx.db().query(sql, params).rows)
    out.push_back({row.integer(0), row.integer(1), row.text(2), row.text(3)});
  return out;
}

std::optional<ContactChoice> registrable_contact(web::Ctx& ctx, const EventAccess& access, std::int64_t contact_id,
                                                 std::optional<std::int64_t> organisation_id) {
  db::Params params{contact_id};
  std::string sql = "SELECT c.id, o.id, c.first_name || ' ' || c.last_name, o.name FROM contacts c "
                    "JOIN contact_organisations co ON co.contact_id = c.id JOIN organisations o ON o.id = co.organisation_id "
                    "WHERE c.id = ?";
  if (organisation_id) {
    sql += " AND o.id = ?";
    params.push_back(*organisation_id);
  }
  sql += " AND " + network::scope_condition(access.own, params, "o.path") + " ORDER BY o.sort_name, o.id LIMIT 1";
  auto r = ctx.db().query(sql, params);
  if (r.empty()) return std::nullopt;
  return ContactChoice{r.rows[0].integer(0), r.rows[0].integer(1), r.rows[0].text(2), r.rows[0].text(3)};
}

}  // namespace passerelle::events
