// Pages of mailings (French): the list (search, filters, keyset pages), the
// compose form (sent back with every error next to its field), the preview
// with the test send and the send with confirmation, the mailing page with its
// progress (refreshed) and per-recipient delivery status (filters, pages, CSV),
// and the unsubscribe page reached from a mail without an account.
#include <fmt/format.h>

#include "core/auth/audit.hpp"
#include "core/web/download.hpp"
#include "core/web/input.hpp"
#include "core/web/outbox.hpp"
#include "core/web/text.hpp"
#include "network/model.hpp"
#include "resources/mailing_routes.hpp"

namespace passerelle::mailings {

using web::Ctx;
namespace json = boost::json;

// ---- Shared with the API ---------------------------------------------------------------------

web::Access senders() { return web::Access::roles_in({"admin", "network"}); }

Scope scope_of(Ctx& ctx) { return ctx.user().scope_roots({"admin", "network"}); }

Mailing mailing_or_404(Ctx& ctx, std::int64_t id) {
  auto m = get_mailing(ctx.db(), scope_of(ctx), id);
  if (!m) throw web::NotFound{};
  return *m;
}

web::Errors save_mailing(Ctx& ctx, const MailingInput& in, std::int64_t& id) {
  MailingValues v;
  auto errors = validate_mailing(in, v);
  auto more = check_references(ctx.db(), scope_of(ctx), v);
  for (auto& e : more)
    if (!web::find_error(errors, e.field)) errors.push_back(e);
  if (errors.empty()) {
    // Nobody to send to: said now, while what was typed is still on screen.
    Mailing probe;
    probe.audience = v.audience;
    probe.region = v.region;
    probe.organisation_kind = v.organisation_kind;
    probe.programme_id = v.programme_id;
    probe.referent_id = v.referent_id;
    auto org = ctx.db().query("SELECT path FROM organisations WHERE id = ?", {v.organisation_id});
    probe.organisation_path = org.empty() ? "" : org.rows[0].text(0);
    if (!probe.organisation_path.empty() && audience_page(ctx.db(), probe, 0, 1).empty())
      errors.push_back({"audience", v.audience == "contacts"
                                        ? "Aucun destinataire : aucun contact d'une structure adhérente ayant accepté "
                                          "les diffusions ne correspond à ces critères. Élargissez la région ou le type."
                                        : "Aucun destinataire : aucun participant suivi avec une adresse e-mail et "
                                          "son accord ne correspond à ce programme ou à ce référent."});
  }
  if (!errors.empty()) return errors;
  auto now = auth::now_utc();
  db::Transaction tx(ctx.db());
  if (id == 0) {
    id = create_mailing(ctx.db(), v, ctx.user().id, now);
    audit::record(ctx.db(), ctx.user().id, "create", "mailing", id, v.subject, ctx.req.remote_addr);
  } else {
    if (!update_mailing(ctx.db(), id, v, now))
      return {{"subject", "Cette diffusion est déjà envoyée : elle ne peut plus être modifiée."}};
    audit::record(ctx.db(), ctx.user().id, "update", "mailing", id, v.subject, ctx.req.remote_addr);
  }
  tx.commit();
  return {};
}

void send_test(Ctx& ctx, const Mailing& m) {
  db::Transaction tx(ctx.db());
  queue_test(ctx.db(), m, ctx.user().email, ctx.user().display_name, web::public_url(), auth::now_utc());
  audit::record(ctx.db(), ctx.user().id, "create", "mailing_test", m.id, ctx.user().email, ctx.req.remote_addr);
  tx.commit();
}

web::Errors send_mailing(Ctx& ctx, const Mailing& m) {
  if (m.status != "draft") return {{"status", "Cette diffusion est déjà envoyée."}};
  if (audience_page(ctx.db(), m, 0, 1).empty())
    return {{"audience", "Aucun destinataire ne correspond aujourd'hui à cette diffusion : rien n'est envoyé. "
                         "Modifiez les destinataires."}};
  {
    db::Transaction tx(ctx.db());
    if (!start_sending(ctx.db(), m.id, ctx.user().id, auth::now_utc()))
      return {{"status", "Cette diffusion est déjà envoyée."}};
    audit::record(ctx.db(), ctx.user().id, "update", "mailing", m.id, "envoi", ctx.req.remote_addr);
    tx.commit();
  }
  queue_all(ctx.db(), m.id, web::public_url());
  return {};
}

Composed preview_of(Ctx& ctx, const Mailing& m, const std::vector<Recipient>& sample) {
  auto name = sample.empty() ? ctx.user().display_name : sample[0].name;
  return compose(m.body, m.resources, web::public_url(), web::public_url() + "/desabonnement/…", m.organisation_name,
                 name);
}

namespace {

void put_errors(json::object& data, const web::Errors& errors) {
  for (auto& [k, v] : web::errors_json(errors)) data[k] = v;
}

template <std::size_t N>
json::array choices(const std::array<Label, N>& table, const std::string& selected) {
  json::array out;
  for (auto& l : table) out.push_back(json::object{{"code", l.code}, {"label", l.label}, {"selected", l.code == selected}});
  return out;
}

json::array id_choices(const std::vector<Choice>& list, const std::string& selected) {
  json::array out;
  for (auto& c : list)
    out.push_back(json::object{{"id", c.id}, {"label", c.label}, {"selected", std::to_string(c.id) == selected}});
  return out;
}

std::string audience_label(const Mailing& m) {
  if (m.audience == "contacts") {
    std::string s = "Contacts des structures adhérentes";
    if (auto* r = network::find_region(m.region)) s += fmt::format(", région {}", r->name);
    if (auto* k = network::find_kind(m.organisation_kind)) s += fmt::format(", type « {} »", k->label);
    return s + " (avec accord pour les diffusions)";
  }
  std::string s = "Participants";
  if (!m.programme_name.empty()) s += " du programme " + m.programme_name;
  if (!m.referent_name.empty()) s += (m.programme_name.empty() ? " suivis par " : ", suivis par ") + m.referent_name;
  return s;
}

json::object summary_json(const Mailing& m) {
  return {{"id", m.id},
          {"subject", m.subject},
          {"organisation_name", m.organisation_name},
          {"audience_label", audience_label(m)},
          {"status", m.status},
          {"status_label", label_of(kStatuses, m.status)},
          {"draft", m.status == "draft"},
          {"recipients_count", m.recipients_count},
          {"created", web::french_datetime(m.created_at)},
          {"sent", m.sent_at.empty() ? std::string() : web::french_datetime(m.sent_at)}};
}

// ---- List -----------------------------------------------------------------------------------

http::Response list_page(Ctx& ctx) {
  MailingFilter f;
  f.q = ctx.req.query("q");
  f.status = ctx.req.query("statut");
  if (!is_code(kStatuses, f.status)) f.status.clear();
  f.audience = ctx.req.query("destinataires");
  if (!is_code(kAudiences, f.audience)) f.audience.clear();
  if (auto before = web::to_id(ctx.req.query("avant"))) f.before_id = *before;
  f.limit = 25;
  auto items = list_mailings(ctx.db(), scope_of(ctx), f);
  json::array rows;
  for (auto& m : items) rows.push_back(summary_json(m));
  std::string keep;
  for (auto n : {"q", "statut", "destinataires"})
    if (auto v = ctx.req.query(n); !v.empty()) keep += fmt::format("{}={}&", n, http::url_encode(v));
  std::string next;
  if (static_cast<int>(items.size()) == f.limit) next = fmt::format("/diffusions?{}avant={}", keep, items.back().id);
  json::object data{{"title", "Diffusions"},
                    {"items", std::move(rows)},
                    {"empty", items.empty()},
                    {"q", f.q},
                    {"statuses", choices(kStatuses, f.status)},
                    {"audiences", choices(kAudiences, f.audience)},
                    {"paged", f.before_id > 0},
                    {"first", "/diffusions" + (keep.empty() ? "" : "?" + keep.substr(0, keep.size() - 1))},
                    {"next", next}};
  return web::page(ctx, "resources/mailing_list", std::move(data));
}

// ---- Compose --------------------------------------------------------------------------------

MailingInput input_from_form(Ctx& ctx) {
  MailingInput in;
  in.organisation_id = ctx.form("organisation_id");
  in.subject = ctx.form("subject");
  in.body = ctx.form("body");
  in.audience = ctx.form("audience");
  in.region = ctx.form("region");
  in.organisation_kind = ctx.form("organisation_kind");
  in.programme_id = ctx.form("programme_id");
  in.referent_id = ctx.form("referent_id");
  in.resource_ids = ctx.form_all("resource_ids");
  return in;
}

MailingInput input_of(const Mailing& m) {
  MailingInput in;
  in.organisation_id = std::to_string(m.organisation_id);
  in.subject = m.subject;
  in.body = m.body;
  in.audience = m.audience;
  in.region = m.region;
  in.organisation_kind = m.organisation_kind;
  in.programme_id = m.programme_id ? std::to_string(*m.programme_id) : "";
  in.referent_id = m.referent_id ? std::to_string(*m.referent_id) : "";
  for (auto& r : m.resources) in.resource_ids.push_back(std::to_string(r.id));
  return in;
}

http::Response form_page(Ctx& ctx, MailingInput in, std::int64_t id, const web::Errors& errors, int status) {
  auto scope = scope_of(ctx);
  auto senders_list = sender_organisations(ctx.db(), scope);
  if (in.organisation_id.empty() && !senders_list.empty()) in.organisation_id = std::to_string(senders_list[0].id);
  if (in.audience.empty()) in.audience = "contacts";
  json::array regions, kinds, resources;
  for (auto& r : network::kRegions)
    regions.push_back(json::object{{"code", r.code}, {"label", r.name}, {"selected", r.code == in.region}});
  for (auto& k : network::kOrganisationKinds)
    kinds.push_back(json::object{{"code", k.code}, {"label", k.label}, {"selected", k.code == in.organisation_kind}});
  // Every published resource that fits one of the audiences; the check at save time is by audience.
  std::vector<std::int64_t> seen;
  for (auto audience : {"contacts", "participants"})
    for (auto& r : resources_for(ctx.db(), audience, in.region)) {
      if (std::find(seen.begin(), seen.end(), r.id) != seen.end()) continue;
      seen.push_back(r.id);
      bool checked = std::find(in.resource_ids.begin(), in.resource_ids.end(), std::to_string(r.id)) != in.resource_ids.end();
      resources.push_back(json::object{{"id", r.id},
                                       {"title", r.title},
                                       {"summary", r.summary},
                                       {"for_participants", r.pedagogical},
                                       {"checked", checked}});
    }
  json::object data{{"title", id ? "Modifier la diffusion" : "Nouvelle diffusion"},
                    {"action", id ? fmt::format("/diffusions/{}/modifier", id) : std::string("/diffusions")},
                    {"senders", id_choices(senders_list, in.organisation_id)},
                    {"one_sender", senders_list.size() == 1},
                    {"sender_name", senders_list.size() == 1 ? senders_list[0].label : std::string()},
                    {"audience_contacts", in.audience == "contacts"},
                    {"audience_participants", in.audience == "participants"},
                    {"regions", std::move(regions)},
                    {"kinds", std::move(kinds)},
                    {"programmes", id_choices(programmes_in(ctx.db(), scope), in.programme_id)},
                    {"referents", id_choices(referents_in(ctx.db(), scope), in.referent_id)},
                    {"has_resources", !resources.empty()},
                    {"resources", std::move(resources)},
                    {"values", json::object{{"organisation_id", in.organisation_id},
                                            {"subject", in.subject},
                                            {"body", in.body}}}};
  put_errors(data, errors);
  return web::page(ctx, "resources/mailing_form", std::move(data), status);
}

http::Response save_post(Ctx& ctx, std::int64_t id) {
  auto in = input_from_form(ctx);
  auto errors = save_mailing(ctx, in, id);
  if (!errors.empty()) return form_page(ctx, in, id, errors, 422);
  ctx.flash("La diffusion est enregistrée. Vérifiez l'aperçu, envoyez-vous un test, puis envoyez-la.");
  return http::Response::redirect(fmt::format("/diffusions/{}/apercu", id));
}

// ---- Preview, test and send -----------------------------------------------------------------

http::Response preview_page(Ctx& ctx, const Mailing& m, const web::Errors& errors, int status) {
  auto sample = audience_page(ctx.db(), m, 0, 20);
  auto count = m.status == "draft" ? audience_count(ctx.db(), m) : m.recipients_count;
  auto composed = preview_of(ctx, m, sample);
  json::array people;
  for (auto& r : sample)
    people.push_back(json::object{{"name", r.name}, {"email", r.email}, {"organisation", r.organisation_name}});
  auto data = summary_json(m);
  data["title"] = "Aperçu : " + m.subject;
  data["count"] = count;
  data["more"] = count > static_cast<std::int64_t>(sample.size());
  data["people"] = std::move(people);
  data["text"] = composed.text;
  data["html"] = composed.html;  // built by compose(): every piece of text escaped
  data["me"] = ctx.user().email;
  data["test_sent"] = m.test_sent_at.empty() ? std::string() : web::french_datetime(m.test_sent_at);
  put_errors(data, errors);
  return web::page(ctx, "resources/mailing_preview", std::move(data), status);
}

// ---- The mailing page -----------------------------------------------------------------------

json::object progress_json(Ctx& ctx, const Mailing& m) {
  json::array counts;
  std::int64_t total = 0, done = 0, pending = 0;
  for (auto& [code, n] : delivery_counts(ctx.db(), m.id)) {
    counts.push_back(json::object{{"code", code}, {"label", outbox::status_label(code)}, {"count", n}});
    total += n;
    if (code == "sent" || code == "failed") done += n;
    if (code == "queued" || code == "sending") pending += n;  // "uncertain" waits for staff, not for the sender
  }
  return {{"id", m.id},
          {"counts", std::move(counts)},
          {"total", total},
          {"done", done},
          {"percent", total ? done * 100 / total : 0},
          {"running", m.status == "sending" || pending > 0},
          {"queuing", m.status == "sending"}};
}

RecipientFilter recipient_filter(Ctx& ctx, const char* status, const char* after) {
  RecipientFilter f;
  f.status = ctx.req.query(status);
  if (!f.status.empty() && !outbox::is_status(f.status)) throw web::BadRequest{"Statut de courriel inconnu."};
  f.q = ctx.req.query("q");
  if (auto a = web::query_id(ctx, after)) f.after_id = *a;
  return f;
}

http::Response mailing_page(Ctx& ctx, std::int64_t id) {
  auto m = mailing_or_404(ctx, id);
  auto f = recipient_filter(ctx, "statut", "apres");
  f.limit = 50;
  auto rows = recipients(ctx.db(), m.id, f);
  json::array people;
  for (auto& r : rows)
    people.push_back(json::object{{"name", r.name},
                                  {"email", r.email},
                                  {"organisation", r.organisation_name},
                                  {"status", r.status},
                                  {"status_label", outbox::status_label(r.status)},
                                  {"attempts", r.attempts},
                                  {"error", r.last_error},
                                  {"sent", r.sent_at.empty() ? std::string() : web::french_datetime(r.sent_at)}});
  std::string keep = fmt::format("statut={}&q={}", http::url_encode(f.status), http::url_encode(f.q));
  auto data = summary_json(m);
  data["title"] = "Diffusion : " + m.subject;
  data["body"] = m.body;
  json::array res;
  for (auto& r : m.resources) res.push_back(json::object{{"id", r.id}, {"title", r.title}});
  data["has_resources"] = !res.empty();
  data["resources"] = std::move(res);
  data["created_by"] = m.created_by_name;
  data["progress"] = progress_json(ctx, m);
  data["people"] = std::move(people);
  data["no_people"] = rows.empty();
  data["q"] = f.q;
  json::array statuses;
  for (auto& l : outbox::kStatuses)
    statuses.push_back(json::object{{"code", l.code}, {"label", l.label}, {"selected", l.code == f.status}});
  data["statuses"] = std::move(statuses);
  data["export_query"] = keep;
  data["next"] = static_cast<int>(rows.size()) == f.limit
                     ? fmt::format("/diffusions/{}?{}&apres={}", m.id, keep, rows.back().id)
                     : std::string();
  data["paged"] = f.after_id > 0;
  return web::page(ctx, "resources/mailing_page", std::move(data));
}

http::Response export_recipients(Ctx& ctx, std::int64_t id) {
  auto m = mailing_or_404(ctx, id);
  auto f = recipient_filter(ctx, "statut", "apres");
  f.limit = 1000;
  std::vector<std::vector<std::string>> rows{
      {"Nom", "Adresse e-mail", "Structure", "Statut", "Essais", "Envoyé le", "Erreur"}};
  for (int guard = 0; guard < 1000; ++guard) {
    auto page = recipients(ctx.db(), m.id, f);
    for (auto& r : page)
      rows.push_back({r.name, r.email, r.organisation_name, std::string(outbox::status_label(r.status)),
                      std::to_string(r.attempts), r.sent_at.empty() ? "" : web::french_datetime(r.sent_at), r.last_error});
    if (static_cast<int>(page.size()) < f.limit) break;
    f.after_id = page.back().id;
  }
  return web::download(ctx, "mailing_recipients", "Destinataires", fmt::format("diffusion-{}-destinataires", m.id),
                       ctx.req.query("format").empty() ? "csv" : ctx.req.query("format"), rows);
}

// ---- Unsubscribe (no account) ---------------------------------------------------------------

// The address leaves every mailing list (audited, without a user: the link is the proof).
void record_unsubscribe(Ctx& ctx, const UnsubscribeTarget& target, const char* detail) {
  db::Transaction tx(ctx.db());
  unsubscribe(ctx.db(), target, auth::now_utc());
  audit::record(ctx.db(), 0, "update", target.contact_id ? "contact" : "participant",
                target.contact_id ? *target.contact_id : target.participant_id.value_or(0), detail,
                ctx.req.remote_addr);
  tx.commit();
}

http::Response unsubscribe_page(Ctx& ctx, bool post) {
  auto token = ctx.req.params["token"];
  auto target = find_unsubscribe(ctx.db(), token);
  if (!target)
    return web::error_page(ctx, 404, "Lien de désabonnement invalide",
                           "Ce lien de désabonnement n'est pas reconnu. Copiez le lien complet reçu dans le courriel.");
  bool done = target->done;
  if (post && !done) {
    record_unsubscribe(ctx, *target, "désabonnement des diffusions par lien");
    done = true;
  }
  // Double-submit token, as the login form (there is no session).
  auto pre = ctx.req.cookie("passerelle_csrf");
  if (pre.size() != 64) pre = auth::random_token(32);
  json::object data{{"title", done ? "Vous êtes désabonné" : "Se désabonner des diffusions"},
                    {"done", done},
                    {"email", target->email},
                    {"sender", target->sender},
                    {"token", token},
                    {"form_csrf", pre}};
  auto res = web::page(ctx, "resources/mailing_unsubscribe", std::move(data));
  res.headers.emplace_back("Set-Cookie", "passerelle_csrf=" + pre + "; Path=/; HttpOnly; SameSite=Lax" +
                                             std::string(ctx.req.header("x-forwarded-proto") == "https" ? "; Secure" : ""));
  return res;
}

}  // namespace

void register_routes(web::App& app) {
  app.route("GET", "/diffusions", senders(), [](Ctx& ctx) { return list_page(ctx); });
  app.route("GET", "/diffusions/nouvelle", senders(), [](Ctx& ctx) { return form_page(ctx, {}, 0, {}, 200); });
  app.route("POST", "/diffusions", senders(), [](Ctx& ctx) { return save_post(ctx, 0); });
  app.route("GET", "/diffusions/{id}", senders(), [](Ctx& ctx) { return mailing_page(ctx, web::path_id(ctx)); });
  app.route("GET", "/diffusions/{id}/progression", senders(), [](Ctx& ctx) {
    auto m = mailing_or_404(ctx, web::path_id(ctx));
    http::Response res{200, {}, web::render_fragment("partials/mailing_progress", progress_json(ctx, m)), {}};
    res.set_header("Content-Type", "text/html; charset=utf-8");
    return res;
  });
  app.route("GET", "/diffusions/{id}/destinataires/export", senders(),
            [](Ctx& ctx) { return export_recipients(ctx, web::path_id(ctx)); });
  app.route("GET", "/diffusions/{id}/modifier", senders(), [](Ctx& ctx) {
    auto m = mailing_or_404(ctx, web::path_id(ctx));
    if (m.status != "draft") return http::Response::redirect(fmt::format("/diffusions/{}", m.id));
    return form_page(ctx, input_of(m), m.id, {}, 200);
  });
  app.route("POST", "/diffusions/{id}/modifier", senders(), [](Ctx& ctx) {
    auto m = mailing_or_404(ctx, web::path_id(ctx));
    return save_post(ctx, m.id);
  });
  app.route("GET", "/diffusions/{id}/apercu", senders(),
            [](Ctx& ctx) { return preview_page(ctx, mailing_or_404(ctx, web::path_id(ctx)), {}, 200); });
  app.route("POST", "/diffusions/{id}/test", senders(), [](Ctx& ctx) {
    auto m = mailing_or_404(ctx, web::path_id(ctx));
    send_test(ctx, m);
    ctx.flash(fmt::format("Un courriel de test part vers {} : vérifiez-le avant l'envoi.", ctx.user().email));
    return http::Response::redirect(fmt::format("/diffusions/{}/apercu", m.id));
  });
  app.route("POST", "/diffusions/{id}/envoyer", senders(), [](Ctx& ctx) {
    auto m = mailing_or_404(ctx, web::path_id(ctx));
    if (ctx.form("confirm") != "1")
      return preview_page(ctx, m, {{"confirm", "Cochez la case pour confirmer l'envoi."}}, 422);
    auto errors = send_mailing(ctx, m);
    if (!errors.empty()) return preview_page(ctx, m, errors, 422);
    ctx.flash("La diffusion est en file d'envoi : suivez sa progression ci-dessous.");
    return http::Response::redirect(fmt::format("/diffusions/{}", m.id));
  });
  app.route("POST", "/diffusions/{id}/reprendre", senders(), [](Ctx& ctx) {
    auto m = mailing_or_404(ctx, web::path_id(ctx));
    if (m.status == "sending") {
      queue_all(ctx.db(), m.id, web::public_url());
      ctx.flash("La mise en file est terminée.");
    }
    return http::Response::redirect(fmt::format("/diffusions/{}", m.id));
  });
  app.route("GET", "/desabonnement/{token}", web::Access::anyone(), [](Ctx& ctx) { return unsubscribe_page(ctx, false); });
  // The page's button, and the one-click POST of RFC 8058 (body
  // "List-Unsubscribe=One-Click", no cookie): a short plain answer to the latter.
  app.route("POST", "/desabonnement/{token}", web::Access::capability_link(), [](Ctx& ctx) {
    ctx.will_write();
    if (ctx.form("List-Unsubscribe") != "One-Click") return unsubscribe_page(ctx, true);
    auto target = find_unsubscribe(ctx.db(), ctx.req.params["token"]);
    if (!target) throw web::NotFound{};
    if (!target->done) record_unsubscribe(ctx, *target, "désabonnement des diffusions en un clic (messagerie)");
    http::Response res{200, {}, "Désabonnement enregistré : " + target->email + " ne recevra plus les diffusions.\n", {}};
    res.set_header("Content-Type", "text/plain; charset=utf-8");
    return res;
  });
}

}  // namespace passerelle::mailings
