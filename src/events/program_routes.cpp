// Pages and API of an event's programme (staff who manage the event; others
// 404, roles without staff 403): edit or delete a session, add or remove a
// speaker found in the directory. Everyone who sees the event sees its speakers.
#include <fmt/format.h>

#include "core/auth/audit.hpp"
#include "core/web/input.hpp"
#include "events/program.hpp"
#include "events/routes.hpp"

namespace passerelle::events {
namespace {

using web::Ctx;
namespace json = boost::json;

web::Access readers() { return web::Access::roles_in({"admin", "network", "member"}); }
web::Access staff() { return web::Access::roles_in({"admin", "network"}); }

const Session& session_or_404(const Event& e, std::int64_t sid) {
  for (auto& s : e.sessions)
    if (s.id == sid) return s;
  throw web::NotFound{};
}

// ---- Sessions -----------------------------------------------------------------

http::Response session_form(Ctx& ctx, const Event& e, const Session& s, const SessionTyped& typed, const web::Errors& errors,
                            int status) {
  json::object data{{"title", "Modifier la session — " + s.title},
                    {"event_id", e.id},
                    {"event_title", e.title},
                    {"session_id", s.id},
                    {"used", s.used},
                    {"values", json::object{{"session_title", typed.title},
                                            {"session_theme", typed.theme},
                                            {"session_capacity", typed.capacity}}}};
  for (auto& [k, v] : web::errors_json(errors)) data[k] = v;
  return web::page(ctx, "events/session_form", std::move(data), status);
}

json::object session_json(const Session& s) {
  return {{"id", s.id},
          {"event_id", s.event_id},
          {"title", s.title},
          {"theme", s.theme},
          {"capacity", s.capacity ? json::value(*s.capacity) : json::value(nullptr)},
          {"used", s.used}};
}

// ---- Speakers -----------------------------------------------------------------

json::object speaker_json(const Speaker& s) {
  return {{"id", s.id},
          {"event_id", s.event_id},
          {"contact_id", s.contact_id},
          {"organisation_id", s.organisation_id},
          {"name", s.name},
          {"organisation_name", s.organisation_name},
          {"function_title", s.function_title},
          {"topic", s.topic}};
}

http::Response speakers_page(Ctx& ctx, const Event& e, const std::string& typed_contact, const std::string& typed_topic,
                             const web::Errors& errors, int status) {
  auto q = ctx.req.query("q");
  if (q.empty()) q = ctx.form("q");
  json::array current, found;
  for (auto& s : list_speakers(ctx.db(), e.id)) current.push_back(speaker_json(s));
  auto choices = find_speaker_choices(ctx.db(), access_of(ctx).manage, q);
  for (auto& c : choices) {
    auto value = fmt::format("{}:{}", c.contact_id, c.organisation_id);
    found.push_back(json::object{{"value", value},
                                 {"name", c.name},
                                 {"organisation_name", c.organisation_name},
                                 {"function_title", c.function_title},
                                 {"topic", value == typed_contact ? typed_topic : ""}});
  }
  json::object data{{"title", "Intervenants — " + e.title},
                    {"event_id", e.id},
                    {"event_title", e.title},
                    {"q", q},
                    {"speakers", std::move(current)},
                    {"has_speakers", !list_speakers(ctx.db(), e.id).empty()},
                    {"found", std::move(found)},
                    {"searched", !q.empty()},
                    {"none_found", !q.empty() && choices.empty()}};
  for (auto& [k, v] : web::errors_json(errors)) data[k] = v;
  return web::page(ctx, "events/speakers", std::move(data), status);
}

// Parses "contact:organisation" and checks it against the directory in the caller's scope.
std::optional<SpeakerChoice> chosen(Ctx& ctx, const std::string& value) {
  auto colon = value.find(':');
  if (colon == std::string::npos) return std::nullopt;
  auto c = web::to_id(value.substr(0, colon)), o = web::to_id(value.substr(colon + 1));
  if (!c || !o) return std::nullopt;
  return speaker_choice(ctx.db(), access_of(ctx).manage, *c, *o);
}

}  // namespace

void speakers_view(const std::vector<Speaker>& speakers, boost::json::object& data) {
  json::array out;
  for (auto& s : speakers) out.push_back(speaker_json(s));
  data["has_speakers"] = !out.empty();
  data["speakers"] = std::move(out);
}

void register_program_routes(web::App& app) {
  app.route("GET", "/evenements/{id}/sessions/{sid}/modifier", staff(), [](Ctx& ctx) {
    auto e = managed_event_or_404(ctx, web::path_id(ctx));
    auto& s = session_or_404(e, web::path_id(ctx, "sid"));
    return session_form(ctx, e, s, {s.title, s.theme, s.capacity ? std::to_string(*s.capacity) : ""}, {}, 200);
  });
  app.route("POST", "/evenements/{id}/sessions/{sid}", staff(), [](Ctx& ctx) {
    auto e = managed_event_or_404(ctx, web::path_id(ctx));
    auto& s = session_or_404(e, web::path_id(ctx, "sid"));
    SessionTyped typed{ctx.form("session_title"), ctx.form("session_theme"), ctx.form("session_capacity")};
    SessionInput in;
    auto errors = validate_session(typed, in);
    if (errors.empty()) {
      db::Transaction tx(ctx.db());
      errors = update_session(ctx.db(), e.id, s.id, in);
      if (errors.empty()) {
        audit::record(ctx.db(), ctx.user().id, "update", "event_session", s.id, in.title, ctx.req.remote_addr);
        tx.commit();
        ctx.flash("La session est modifiée.");
        return http::Response::redirect(fmt::format("/evenements/{}", e.id));
      }
    }
    return session_form(ctx, e, s, typed, errors, 422);
  });
  app.route("POST", "/evenements/{id}/sessions/{sid}/supprimer", staff(), [](Ctx& ctx) {
    auto e = managed_event_or_404(ctx, web::path_id(ctx));
    auto& s = session_or_404(e, web::path_id(ctx, "sid"));
    db::Transaction tx(ctx.db());
    auto errors = delete_session(ctx.db(), e.id, s.id);
    if (!errors.empty()) {
      ctx.flash(errors.front().message, "error");
      return http::Response::redirect(fmt::format("/evenements/{}/sessions/{}/modifier", e.id, s.id));
    }
    audit::record(ctx.db(), ctx.user().id, "delete", "event_session", s.id, s.title, ctx.req.remote_addr);
    tx.commit();
    ctx.flash(fmt::format("La session « {} » est supprimée.", s.title));
    return http::Response::redirect(fmt::format("/evenements/{}", e.id));
  });

  app.route("GET", "/evenements/{id}/intervenants", staff(),
            [](Ctx& ctx) { return speakers_page(ctx, managed_event_or_404(ctx, web::path_id(ctx)), "", "", {}, 200); });
  app.route("POST", "/evenements/{id}/intervenants", staff(), [](Ctx& ctx) {
    auto e = managed_event_or_404(ctx, web::path_id(ctx));
    auto contact = ctx.form("contact"), topic = ctx.form("topic");
    auto choice = chosen(ctx, contact);
    if (!choice) return speakers_page(ctx, e, contact, topic, {{"contact", "Choisissez une personne de l'annuaire."}}, 422);
    db::Transaction tx(ctx.db());
    auto out = add_speaker(ctx.db(), e.id, choice->contact_id, choice->organisation_id, topic);
    if (auto* errors = std::get_if<web::Errors>(&out)) return speakers_page(ctx, e, contact, topic, *errors, 422);
    audit::record(ctx.db(), ctx.user().id, "create", "event_speaker", std::get<std::int64_t>(out), choice->name,
                  ctx.req.remote_addr);
    tx.commit();
    ctx.flash(fmt::format("{} ({}) intervient à l'événement.", choice->name, choice->organisation_name));
    return http::Response::redirect(fmt::format("/evenements/{}/intervenants", e.id));
  });
  app.route("POST", "/evenements/{id}/intervenants/{sid}/retirer", staff(), [](Ctx& ctx) {
    auto e = managed_event_or_404(ctx, web::path_id(ctx));
    auto sid = web::path_id(ctx, "sid");
    db::Transaction tx(ctx.db());
    if (!remove_speaker(ctx.db(), e.id, sid)) throw web::NotFound{};
    audit::record(ctx.db(), ctx.user().id, "delete", "event_speaker", sid, "", ctx.req.remote_addr);
    tx.commit();
    ctx.flash("L'intervenant est retiré.");
    return http::Response::redirect(fmt::format("/evenements/{}/intervenants", e.id));
  });

  // API
  app.route("PATCH", "/api/v1/events/{id}/sessions/{sid}", staff(), [](Ctx& ctx) {
    auto e = managed_event_or_404(ctx, web::path_id(ctx));
    auto& s = session_or_404(e, web::path_id(ctx, "sid"));
    auto body = ctx.json_body();
    web::Errors errors;
    SessionTyped typed{web::json_field(body, "title", errors, s.title), web::json_field(body, "theme", errors, s.theme),
                       web::json_field(body, "capacity", errors, s.capacity ? std::to_string(*s.capacity) : "")};
    SessionInput in;
    if (errors.empty()) errors = validate_session(typed, in);
    if (errors.empty()) {
      db::Transaction tx(ctx.db());
      errors = update_session(ctx.db(), e.id, s.id, in);
      if (errors.empty()) {
        audit::record(ctx.db(), ctx.user().id, "update", "event_session", s.id, in.title);
        tx.commit();
      }
    }
    if (!errors.empty()) return web::validation_problem(errors);
    auto fresh = managed_event_or_404(ctx, e.id);
    return web::json_response(session_json(session_or_404(fresh, s.id)));
  });
  app.route("DELETE", "/api/v1/events/{id}/sessions/{sid}", staff(), [](Ctx& ctx) {
    auto e = managed_event_or_404(ctx, web::path_id(ctx));
    auto& s = session_or_404(e, web::path_id(ctx, "sid"));
    db::Transaction tx(ctx.db());
    auto errors = delete_session(ctx.db(), e.id, s.id);
    if (!errors.empty()) return web::validation_problem(errors);
    audit::record(ctx.db(), ctx.user().id, "delete", "event_session", s.id, s.title);
    tx.commit();
    http::Response res;
    res.status = 204;
    return res;
  });
  app.route("GET", "/api/v1/events/{id}/speakers", readers(), [](Ctx& ctx) {
    auto e = get_event(ctx.db(), access_of(ctx), web::path_id(ctx));
    if (!e) throw web::NotFound{};
    json::array items;
    for (auto& s : list_speakers(ctx.db(), e->id)) items.push_back(speaker_json(s));
    return web::json_response(json::object{{"items", std::move(items)}});
  });
  app.route("POST", "/api/v1/events/{id}/speakers", staff(), [](Ctx& ctx) {
    auto e = managed_event_or_404(ctx, web::path_id(ctx));
    auto body = ctx.json_body();
    web::Errors errors;
    auto contact = web::to_id(web::json_field(body, "contact_id", errors));
    auto org = web::to_id(web::json_field(body, "organisation_id", errors));
    auto topic = web::json_field(body, "topic", errors);
    std::optional<SpeakerChoice> choice;
    if (contact && org) choice = speaker_choice(ctx.db(), access_of(ctx).manage, *contact, *org);
    if (!choice) errors.push_back({"contact_id", "Contact introuvable dans l'annuaire de votre périmètre (contact_id et organisation_id)."});
    if (!errors.empty()) return web::validation_problem(errors);
    db::Transaction tx(ctx.db());
    auto out = add_speaker(ctx.db(), e.id, choice->contact_id, choice->organisation_id, topic);
    if (auto* errs = std::get_if<web::Errors>(&out)) return web::validation_problem(*errs);
    auto id = std::get<std::int64_t>(out);
    audit::record(ctx.db(), ctx.user().id, "create", "event_speaker", id, choice->name);
    tx.commit();
    for (auto& s : list_speakers(ctx.db(), e.id))
      if (s.id == id) return web::json_response(speaker_json(s), 201);
    throw web::NotFound{};
  });
  app.route("DELETE", "/api/v1/events/{id}/speakers/{sid}", staff(), [](Ctx& ctx) {
    auto e = managed_event_or_404(ctx, web::path_id(ctx));
    auto sid = web::path_id(ctx, "sid");
    db::Transaction tx(ctx.db());
    if (!remove_speaker(ctx.db(), e.id, sid)) throw web::NotFound{};
    audit::record(ctx.db(), ctx.user().id, "delete", "event_speaker", sid, "");
    tx.commit();
    http::Response res;
    res.status = 204;
    return res;
  });
}

}  // namespace passerelle::events
