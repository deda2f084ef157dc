#include "core/web/mail_routes.hpp"

#include <fmt/format.h>

#include "core/auth/audit.hpp"
#include "core/web/input.hpp"
#include "core/web/outbox.hpp"

namespace passerelle::web {
namespace {

Access admins() { return Access::roles_in({"admin"}); }

std::vector<std::string> scope_of(Ctx& ctx) { return ctx.user().scope_roots({"admin"}); }

outbox::Filter filter_of(Ctx& ctx, const char* status_param, const char* before_param) {
  outbox::Filter f;
  f.status = ctx.req.query(status_param);
  if (!f.status.empty() && !outbox::is_status(f.status)) throw BadRequest{"Statut de courriel inconnu."};
  f.scope = scope_of(ctx);
  if (auto before = query_id(ctx, before_param)) f.before_id = *before;
  return f;
}

bool requeueable(const std::string& status) { return status == "failed" || status == "uncertain"; }

json::object entry_json(const outbox::Entry& e) {
  auto opt = [](const std::optional<std::int64_t>& v) { return v ? json::value(*v) : json::value(nullptr); };
  return {{"id", e.id},
          {"kind", e.kind},
          {"to_address", e.to_address},
          {"to_name", e.to_name},
          {"subject", e.subject},
          {"status", e.status},
          {"status_label", outbox::status_label(e.status)},
          {"attempts", e.attempts},
          {"last_error", e.last_error},
          {"next_attempt_at", e.status == "queued" ? json::value(e.next_attempt_at) : json::value(nullptr)},
          {"sent_at", e.sent_at.empty() ? json::value(nullptr) : json::value(e.sent_at)},
          {"created_at", e.created_at},
          {"registration_id", opt(e.registration_id)},
          {"organisation_id", opt(e.organisation_id)}};
}

http::Response list_page(Ctx& ctx) {
  auto f = filter_of(ctx, "statut", "avant");
  f.limit = 51;
  auto items = outbox::list(ctx.db(), f);
  bool more = items.size() > 50;
  if (more) items.pop_back();
  json::array rows;
  for (auto& e : items)
    rows.push_back(json::object{{"id", e.id},
                                {"created_at", french_datetime(e.created_at)},
                                {"to", e.to_name.empty() ? e.to_address : e.to_name + " <" + e.to_address + ">"},
                                {"subject", e.subject},
                                {"status", e.status},
                                {"status_label", outbox::status_label(e.status)},
                                {"attempts", e.attempts},
                                {"last_error", e.last_error},
                                {"when", e.status == "sent"     ? "envoyé le " + french_datetime(e.sent_at)
                                         : e.status == "queued" ? "prochain essai le " + french_datetime(e.next_attempt_at)
                                                                : std::string()},
                                {"requeueable", requeueable(e.status)}});
  json::array statuses, counts;
  for (auto& l : outbox::kStatuses)
    statuses.push_back(json::object{{"code", l.code}, {"label", l.label}, {"selected", l.code == f.status}});
  for (auto& [code, n] : outbox::counts(ctx.db()))
    counts.push_back(json::object{{"label", outbox::status_label(code)}, {"count", n}});
  std::string next;
  if (more) next = fmt::format("/admin/courriels?statut={}&avant={}", http::url_encode(f.status), items.back().id);
  json::object data{{"title", "Courriels"}, {"rows", std::move(rows)},   {"empty", items.empty()},
                    {"statuses", std::move(statuses)}, {"counts", std::move(counts)}, {"next", next},
                    {"statut", f.status}};
  return page(ctx, "core/outbox", std::move(data));
}

// Back in the queue, due now; 404 outside the caller's scope, false when not failed or uncertain.
bool requeue(Ctx& ctx, std::int64_t id) {
  auto e = outbox::get(ctx.db(), scope_of(ctx), id);
  if (!e) throw NotFound{};
  db::Transaction tx(ctx.db());
  if (!outbox::requeue(ctx.db(), id, ctx.user().id, auth::now_utc())) return false;
  audit::record(ctx.db(), ctx.user().id, "update", "mail", id,
                fmt::format("remis en file ({}) : {}", outbox::status_label(e->status), e->to_address), ctx.req.remote_addr);
  tx.commit();
  return true;
}

}  // namespace

void register_mail_routes(App& app) {
  app.route("GET", "/admin/courriels", admins(), [](Ctx& ctx) { return list_page(ctx); });
  app.route("POST", "/admin/courriels/{id}/renvoyer", admins(), [](Ctx& ctx) {
    auto id = path_id(ctx);
    if (requeue(ctx, id)) ctx.flash("Le courriel est remis en file d'attente : il part au prochain passage.");
    else ctx.flash("Seul un courriel en échec ou incertain peut être renvoyé.", "error");
    auto back = ctx.form("statut");
    return http::Response::redirect("/admin/courriels" + (outbox::is_status(back) ? "?statut=" + back : std::string()));
  });
  app.route("GET", "/api/v1/outbox", admins(), [](Ctx& ctx) {
    auto f = filter_of(ctx, "status", "after");
    f.limit = query_limit(ctx, 50, 200);
    auto items = outbox::list(ctx.db(), f);
    json::array out;
    for (auto& e : items) out.push_back(entry_json(e));
    json::object res{{"items", std::move(out)}};
    res["next"] = static_cast<int>(items.size()) == f.limit ? json::value(items.back().id) : json::value(nullptr);
    return json_response(res);
  });
  app.route("POST", "/api/v1/outbox/{id}/requeue", admins(), [](Ctx& ctx) {
    auto id = path_id(ctx);
    if (!requeue(ctx, id))
      return validation_problem({{"status", "Seul un courriel en échec ou incertain peut être renvoyé."}});
    return json_response(entry_json(*outbox::get(ctx.db(), scope_of(ctx), id)));
  });
}

}  // namespace passerelle::web
