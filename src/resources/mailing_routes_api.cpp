// API of mailings: /api/v1/mailings (list by keyset, create, read), preview,
// test send (to the caller's address), send, and the recipients with their
// delivery status. Network staff only (admin, network), each within their
// subtrees: another organisation's mailing answers 404.
#include <fmt/format.h>

#include "core/web/input.hpp"
#include "core/web/outbox.hpp"
#include "resources/mailing_routes.hpp"

namespace passerelle::mailings {
namespace {

using web::Ctx;
using web::json_response;
namespace json = boost::json;

json::value opt(const std::optional<std::int64_t>& v) { return v ? json::value(*v) : json::value(nullptr); }
json::value opt_text(const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(s); }

json::object mailing_json(Ctx& ctx, const Mailing& m, bool full) {
  json::object o{{"id", m.id},
                 {"organisation_id", m.organisation_id},
                 {"organisation_name", m.organisation_name},
                 {"subject", m.subject},
                 {"audience", m.audience},
                 {"audience_label", label_of(kAudiences, m.audience)},
                 {"region", opt_text(m.region)},
                 {"organisation_kind", opt_text(m.organisation_kind)},
                 {"programme_id", opt(m.programme_id)},
                 {"referent_id", opt(m.referent_id)},
                 {"status", m.status},
                 {"status_label", label_of(kStatuses, m.status)},
                 {"recipients_count", m.recipients_count},
                 {"test_sent_at", opt_text(m.test_sent_at)},
                 {"sent_at", opt_text(m.sent_at)},
                 {"created_at", m.created_at},
                 {"updated_at", m.updated_at}};
  if (full) {
    o["body"] = m.body;
    json::array res;
    for (auto& r : m.resources) res.push_back(json::object{{"id", r.id}, {"title", r.title}, {"summary", r.summary}});
    o["resources"] = std::move(res);
    json::object counts;
    for (auto& [code, n] : delivery_counts(ctx.db(), m.id)) counts[code] = n;
    o["delivery"] = std::move(counts);
  }
  return o;
}

MailingInput input_from_json(const json::object& body, web::Errors& errors, const MailingInput& base = {}) {
  MailingInput in;
  in.organisation_id = web::json_field(body, "organisation_id", errors, base.organisation_id);
  in.subject = web::json_field(body, "subject", errors, base.subject);
  in.body = web::json_field(body, "body", errors, base.body);
  in.audience = web::json_field(body, "audience", errors, base.audience);
  in.region = web::json_field(body, "region", errors, base.region);
  in.organisation_kind = web::json_field(body, "organisation_kind", errors, base.organisation_kind);
  in.programme_id = web::json_field(body, "programme_id", errors, base.programme_id);
  in.referent_id = web::json_field(body, "referent_id", errors, base.referent_id);
  in.resource_ids = base.resource_ids;
  if (auto it = body.find("resource_ids"); it != body.end()) {
    in.resource_ids.clear();
    if (!it->value().is_array()) errors.push_back({"resource_ids", "Une liste d'identifiants de ressources est attendue."});
    else
      for (auto& v : it->value().as_array()) {
        if (v.is_int64() && v.as_int64() > 0) in.resource_ids.push_back(std::to_string(v.as_int64()));
        else {
          errors.push_back({"resource_ids", "Une liste d'identifiants de ressources est attendue."});
          break;
        }
      }
  }
  return in;
}

// The first organisation of the caller's grants when the body names none.
std::string default_sender(Ctx& ctx) {
  for (auto& g : ctx.user().grants)
    if (g.role == "admin" || g.role == "network") return std::to_string(g.organisation_id);
  return "";
}

}  // namespace

void register_api_routes(web::App& app) {
  app.route("GET", "/api/v1/mailings", senders(), [](Ctx& ctx) {
    MailingFilter f;
    f.q = ctx.req.query("q");
    f.status = ctx.req.query("status");
    if (!f.status.empty() && !is_code(kStatuses, f.status)) throw web::BadRequest{"status : statut inconnu."};
    f.audience = ctx.req.query("audience");
    if (!f.audience.empty() && !is_code(kAudiences, f.audience)) throw web::BadRequest{"audience : valeur inconnue."};
    if (auto a = web::query_id(ctx, "after")) f.before_id = *a;
    f.limit = web::query_limit(ctx, 50, 200);
    auto items = list_mailings(ctx.db(), scope_of(ctx), f);
    json::array out;
    for (auto& m : items) out.push_back(mailing_json(ctx, m, false));
    json::object res{{"items", std::move(out)}};
    res["next"] = static_cast<int>(items.size()) == f.limit ? json::value(items.back().id) : json::value(nullptr);
    return json_response(res);
  });
  app.route("POST", "/api/v1/mailings", senders(), [](Ctx& ctx) {
    web::Errors errors;
    auto in = input_from_json(ctx.json_body(), errors);
    if (in.organisation_id.empty()) in.organisation_id = default_sender(ctx);
    if (!errors.empty()) {
      // Every error at once: the others as validation finds them.
      MailingValues v;
      for (auto& e : validate_mailing(in, v))
        if (!web::find_error(errors, e.field)) errors.push_back(e);
      return web::validation_problem(errors);
    }
    std::int64_t id = 0;
    errors = save_mailing(ctx, in, id);
    if (!errors.empty()) return web::validation_problem(errors);
    auto res = json_response(mailing_json(ctx, mailing_or_404(ctx, id), true), 201);
    res.set_header("Location", fmt::format("/api/v1/mailings/{}", id));
    return res;
  });
  app.route("GET", "/api/v1/mailings/{id}", senders(),
            [](Ctx& ctx) { return json_response(mailing_json(ctx, mailing_or_404(ctx, web::path_id(ctx)), true)); });
  app.route("GET", "/api/v1/mailings/{id}/preview", senders(), [](Ctx& ctx) {
    auto m = mailing_or_404(ctx, web::path_id(ctx));
    auto sample = audience_page(ctx.db(), m, 0, 20);
    auto c = preview_of(ctx, m, sample);
    json::array people;
    for (auto& r : sample)
      people.push_back(json::object{{"name", r.name}, {"email", r.email}, {"organisation_name", r.organisation_name},
                                    {"contact_id", opt(r.contact_id)}, {"participant_id", opt(r.participant_id)}});
    return json_response(json::object{{"subject", m.subject},
                                      {"recipients_count", m.status == "draft" ? audience_count(ctx.db(), m)
                                                                               : m.recipients_count},
                                      {"sample", std::move(people)},
                                      {"text", c.text},
                                      {"html", c.html}});
  });
  app.route("POST", "/api/v1/mailings/{id}/test", senders(), [](Ctx& ctx) {
    auto m = mailing_or_404(ctx, web::path_id(ctx));
    send_test(ctx, m);
    return json_response(json::object{{"to", ctx.user().email}}, 202);
  });
  app.route("POST", "/api/v1/mailings/{id}/send", senders(), [](Ctx& ctx) {
    auto m = mailing_or_404(ctx, web::path_id(ctx));
    if (m.status == "sending") {
      // Queuing interrupted (a crash, a restart): resumed; whoever is queued already is skipped.
      queue_all(ctx.db(), m.id, web::public_url());
      return json_response(mailing_json(ctx, mailing_or_404(ctx, m.id), true), 202);
    }
    if (m.status != "draft")
      return http::Response::problem(409, "Diffusion déjà envoyée", "Cette diffusion a déjà été envoyée : rien n'est renvoyé.");
    auto errors = send_mailing(ctx, m);
    if (!errors.empty()) return web::validation_problem(errors);
    return json_response(mailing_json(ctx, mailing_or_404(ctx, m.id), true), 202);
  });
  app.route("GET", "/api/v1/mailings/{id}/recipients", senders(), [](Ctx& ctx) {
    auto m = mailing_or_404(ctx, web::path_id(ctx));
    RecipientFilter f;
    f.status = ctx.req.query("status");
    if (!f.status.empty() && !outbox::is_status(f.status)) throw web::BadRequest{"status : statut inconnu."};
    f.q = ctx.req.query("q");
    if (auto a = web::query_id(ctx, "after")) f.after_id = *a;
    f.limit = web::query_limit(ctx, 50, 500);
    auto rows = recipients(ctx.db(), m.id, f);
    json::array items;
    for (auto& r : rows)
      items.push_back(json::object{{"id", r.id},
                                   {"contact_id", opt(r.contact_id)},
                                   {"participant_id", opt(r.participant_id)},
                                   {"email", r.email},
                                   {"name", r.name},
                                   {"organisation_name", r.organisation_name},
                                   {"mail_id", opt(r.mail_id)},
                                   {"status", r.status},
                                   {"status_label", outbox::status_label(r.status)},
                                   {"attempts", r.attempts},
                                   {"last_error", r.last_error},
                                   {"sent_at", opt_text(r.sent_at)}});
    json::object res{{"items", std::move(items)}};
    res["next"] = static_cast<int>(rows.size()) == f.limit ? json::value(rows.back().id) : json::value(nullptr);
    return json_response(res);
  });
}

}  // namespace passerelle::mailings
