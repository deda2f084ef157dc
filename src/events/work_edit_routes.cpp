// Pages that change one row of a group or a project: a deliverable (its
// status, link, date… — a video once online) and a funder's amount. Only the
// staff who manage the group or project; anything else is 404.
#include <fmt/format.h>

#include "core/auth/audit.hpp"
#include "core/web/input.hpp"
#include "events/work_views.hpp"
#include "network/membership_rules.hpp"

namespace passerelle::events {
namespace {

using web::Ctx;
using namespace views;

web::Access staff() { return web::Access::roles_in({"admin", "network"}); }

Deliverable deliverable_or_404(Ctx& ctx) {
  auto d = get_deliverable(ctx.db(), web::path_id(ctx));
  if (!d || !manages_owner(ctx.db(), work_access(ctx), *d)) throw web::NotFound{};
  return *d;
}

std::string owner_url(const Deliverable& d) {
  return d.working_group_id ? fmt::format("/groupes-de-travail/{}", *d.working_group_id)
                            : fmt::format("/projets/{}", *d.project_id);
}

http::Response deliverable_form(Ctx& ctx, const Deliverable& d, const DeliverableInput& in, const web::Errors& errors,
                                int status) {
  Values values{{"deliverable_title", in.title}, {"deliverable_dated_on", in.dated_on}, {"deliverable_url", in.url},
                {"deliverable_file_ref", in.file_ref}, {"deliverable_duration", in.duration}};
  json::object data{{"title", "Modifier le livrable"},
                    {"action", fmt::format("/livrables/{}", d.id)},
                    {"cancel", owner_url(d)},
                    {"fields", fields_json(deliverable_fields(in.kind, in.status), values, errors)}};
  for (auto& [k, v] : web::errors_json(errors)) data[k] = v;
  return web::page(ctx, "events/work_form", std::move(data), status);
}

struct FunderRow {
  Funder funder;
  Project project;
};

FunderRow funder_or_404(Ctx& ctx) {
  auto f = get_funder(ctx.db(), web::path_id(ctx));
  if (!f) throw web::NotFound{};
  auto p = get_project(ctx.db(), work_access(ctx), f->project_id);
  if (!p) throw web::NotFound{};
  return {*f, *p};
}

http::Response funder_form(Ctx& ctx, const FunderRow& row, const std::string& amount, const web::Errors& errors,
                           int status) {
  json::object data{
      {"title", fmt::format("Montant accordé par {}", row.funder.name)},
      {"action", fmt::format("/financements/{}", row.funder.id)},
      {"cancel", fmt::format("/projets/{}", row.project.id)},
      {"fields", fields_json({{"funder_amount", "Montant accordé (€)", "text", true, "En euros : 12 500,00."}},
                             {{"funder_amount", amount}}, errors)}};
  for (auto& [k, v] : web::errors_json(errors)) data[k] = v;
  return web::page(ctx, "events/work_form", std::move(data), status);
}

}  // namespace

void register_work_edit_routes(web::App& app) {
  app.route("GET", "/livrables/{id}/modifier", staff(), [](Ctx& ctx) {
    auto d = deliverable_or_404(ctx);
    DeliverableInput in{d.kind, d.title, d.dated_on.value_or(""), d.url, d.file_ref,
                        d.duration_seconds ? fmt::format("{}:{:02}", *d.duration_seconds / 60, *d.duration_seconds % 60) : "",
                        d.status};
    return deliverable_form(ctx, d, in, {}, 200);
  });
  app.route("POST", "/livrables/{id}", staff(), [](Ctx& ctx) {
    auto d = deliverable_or_404(ctx);
    auto in = deliverable_from_form(ctx);
    DeliverableValues v;
    auto errors = validate_deliverable(in, v);
    if (!errors.empty()) return deliverable_form(ctx, d, in, prefixed(errors, "deliverable_"), 422);
    db::Transaction tx(ctx.db());
    update_deliverable(ctx.db(), d.id, v);
    audit::record(ctx.db(), ctx.user().id, "update", "deliverable", d.id, v.title + " : " + v.status, ctx.req.remote_addr);
    tx.commit();
    ctx.flash("Le livrable a été modifié.");
    return http::Response::redirect(owner_url(d));
  });
  app.route("GET", "/financements/{id}/modifier", staff(), [](Ctx& ctx) {
    auto row = funder_or_404(ctx);
    return funder_form(ctx, row, network::format_euros(row.funder.amount_cents), {}, 200);
  });
  app.route("POST", "/financements/{id}", staff(), [](Ctx& ctx) {
    auto row = funder_or_404(ctx);
    auto amount = ctx.form("funder_amount");
    FunderValues v;
    auto errors = validate_funder({std::to_string(row.funder.organisation_id), amount, false}, v);
    if (!errors.empty()) return funder_form(ctx, row, amount, prefixed(errors, "funder_"), 422);
    db::Transaction tx(ctx.db());
    update_funder_amount(ctx.db(), row.funder.id, v.amount_cents);
    audit::record(ctx.db(), ctx.user().id, "update", "project_funder", row.funder.id,
                  fmt::format("{} : {} → {} centimes", row.funder.name, row.funder.amount_cents, v.amount_cents),
                  ctx.req.remote_addr);
    tx.commit();
    ctx.flash("Le montant a été modifié.");
    return http::Response::redirect(fmt::format("/projets/{}", row.project.id));
  });
}

}  // namespace passerelle::events
