// API of events: /api/v1/events (list, create, read with counts, update,
// status), /api/v1/events/{id}/sessions, /api/v1/registrations (create,
// cancel, accept an offer, list own). Staff (admin, network) manage their
// subtree's events; members read the events open to their regions and only
// their organisations' registrations. Other roles 403; ids out of reach 404.
#include <fmt/format.h>

#include "core/auth/audit.hpp"
#include "core/web/input.hpp"
#include "events/routes.hpp"
#include "network/model.hpp"

namespace passerelle::events {
namespace {

using web::Ctx;
using web::json_response;
namespace json = boost::json;

json::value opt(const std::optional<std::int64_t>& v) { return v ? json::value(*v) : json::value(nullptr); }
json::value opt(const std::optional<std::string>& v) { return v ? json::value(*v) : json::value(nullptr); }

json::object session_json(const Session& s) {
  return {{"id", s.id},       {"event_id", s.event_id}, {"title", s.title},
          {"theme", s.theme}, {"capacity", opt(s.capacity)}, {"used", s.used}};
}

json::object event_json(const Event& e, bool with_counts) {
  json::array regions, region_names;
  for (auto& r : e.regions) {
    regions.push_back(json::value(r));
    auto* region = network::find_region(r);
    region_names.push_back(json::value(region ? region->name : r));
  }
  json::object o{{"id", e.id},
                 {"kind", e.kind},
                 {"kind_label", label_of(kEventKinds, e.kind)},
                 {"title", e.title},
                 {"description", e.description},
                 {"starts_at", e.starts_at},
                 {"ends_at", e.ends_at},
                 {"venue", e.venue},
                 {"visio_url", e.visio_url},
                 {"organiser_id", e.organiser_id},
                 {"organiser_name", e.organiser_name},
                 {"capacity", opt(e.capacity)},
                 {"registration_opens_at", opt(e.registration_opens_at)},
                 {"registration_closes_at", opt(e.registration_closes_at)},
                 {"offer_hours", e.offer_hours},
                 {"themes", e.themes},
                 {"status", e.status},
                 {"status_label", label_of(kEventStatuses, e.status)},
                 {"regions", std::move(regions)},
                 {"region_names", std::move(region_names)},
                 {"open_to_all", e.open_to_all},
                 {"requires_approval", e.requires_approval},
                 {"managed", e.managed}};
  if (with_counts) {
    o["seats_used"] = e.used;
    o["seats_left"] = e.capacity ? json::value(std::max<std::int64_t>(0, *e.capacity - e.used)) : json::value(nullptr);
    o["waitlisted"] = e.waitlisted;
    o["offered"] = e.offered;
    json::array sessions;
    for (auto& s : e.sessions) sessions.push_back(session_json(s));
    o["sessions"] = std::move(sessions);
  }
  return o;
}

json::object registration_json(const Registration& r) {
  json::array sessions;
  for (auto id : r.session_ids) sessions.push_back(id);
  return {{"id", r.id},
          {"event_id", r.event_id},
          {"event_title", r.event_title},
          {"event_starts_at", r.event_starts_at},
          {"contact_id", r.contact_id},
          {"contact_name", r.contact_name},
          {"organisation_id", r.organisation_id},
          {"organisation_name", r.organisation_name},
          {"status", r.status},
          {"status_label", label_of(kRegistrationStatuses, r.status)},
          {"offer_expires_at", r.offer_expires_at.empty() ? json::value(nullptr) : json::value(r.offer_expires_at)},
          {"dietary", r.dietary},
          {"accessibility", r.accessibility},
          {"session_ids", std::move(sessions)}};
}

// The event body as typed input; instants are accepted as local Paris times
// ("2020-04-20T10:00") like the form's.
EventInput event_input(const json::object& body, web::Errors& errors, const EventInput& fallback = {}) {
  EventInput in;
  in.kind = web::json_field(body, "kind", errors, fallback.kind);
  in.title = web::json_field(body, "title", errors, fallback.title);
  in.description = web::json_field(body, "description", errors, fallback.description);
  in.starts_at = web::json_field(body, "starts_at", errors, fallback.starts_at);
  in.ends_at = web::json_field(body, "ends_at", errors, fallback.ends_at);
  in.venue = web::json_field(body, "venue", errors, fallback.venue);
  in.visio_url = web::json_field(body, "visio_url", errors, fallback.visio_url);
  in.organiser_id = web::json_field(body, "organiser_id", errors, fallback.organiser_id);
  in.capacity = web::json_field(body, "capacity", errors, fallback.capacity);
  in.registration_opens_at = web::json_field(body, "registration_opens_at", errors, fallback.registration_opens_at);
  in.registration_closes_at = web::json_field(body, "registration_closes_at", errors, fallback.registration_closes_at);
  in.offer_hours = web::json_field(body, "offer_hours", errors, fallback.offer_hours);
  in.themes = web::json_field(body, "themes", errors, fallback.themes);
  in.status = web::json_field(body, "status", errors, fallback.status);
  in.regions = fallback.regions;
  in.open_to_all = web::json_flag(body, "open_to_all", errors, fallback.open_to_all);
  in.requires_approval = web::json_flag(body, "requires_approval", errors, fallback.requires_approval);
  if (auto* r = body.if_contains("regions")) {
    in.regions.clear();
    if (auto* arr = r->if_array()) {
      for (auto& v : *arr) {
        if (v.is_string()) in.regions.emplace_back(v.as_string());
        else errors.push_back({"regions", "Les régions sont une liste de noms."});
      }
    } else {
      errors.push_back({"regions", "Les régions sont une liste de noms."});
    }
  }
  return in;
}

EventInput input_of(const Event& e) {
  EventInput in;
  in.kind = e.kind;
  in.title = e.title;
  in.description = e.description;
  in.starts_at = utc_to_paris(e.starts_at);
  in.ends_at = utc_to_paris(e.ends_at);
  in.venue = e.venue;
  in.visio_url = e.visio_url;
  in.organiser_id = std::to_string(e.organiser_id);
  in.capacity = e.capacity ? std::to_string(*e.capacity) : "";
  in.registration_opens_at = e.registration_opens_at ? utc_to_paris(*e.registration_opens_at) : "";
  in.registration_closes_at = e.registration_closes_at ? utc_to_paris(*e.registration_closes_at) : "";
  in.offer_hours = std::to_string(e.offer_hours);
  in.themes = e.themes;
  in.status = e.status;
  in.regions = e.regions;
  in.open_to_all = e.open_to_all ? "1" : "0";
  in.requires_approval = e.requires_approval ? "1" : "0";
  return in;
}

std::vector<SessionInput> sessions_input(const json::object& body, web::Errors& errors) {
  std::vector<SessionInput> out;
  auto* s = body.if_contains("sessions");
  if (!s || s->is_null()) return out;
  if (!s->is_array()) {
    errors.push_back({"sessions", "Les sessions sont une liste."});
    return out;
  }
  for (auto& v : s->as_array()) {
    if (!v.is_object()) {
      errors.push_back({"sessions", "Chaque session est un objet {title, theme, capacity}."});
      continue;
    }
    web::Errors own;
    SessionInput si{web::json_field(v.as_object(), "title", own), web::json_field(v.as_object(), "theme", own), {}};
    auto cap = web::json_field(v.as_object(), "capacity", own);
    if (!cap.empty()) {
      auto c = web::to_id(cap);
      if (!c || *c == 0) own.push_back({"sessions", "La capacité d'une session doit être un nombre entier positif."});
      else si.capacity = *c;
    }
    if (si.title.empty()) own.push_back({"sessions", "Chaque session a un titre."});
    for (auto& e : own) errors.push_back({"sessions", e.message});
    out.push_back(std::move(si));
  }
  return out;
}

// The organiser must be in the caller's subtree.
void check_organiser(Ctx& ctx, const EventValues& v, web::Errors& errors) {
  if (!network::get_organisation(ctx.db(), access_of(ctx).manage, v.organiser_id))
    errors.push_back({"organiser_id", "Organisateur introuvable dans votre périmètre."});
}

http::Response list_events_api(Ctx& ctx) {
  EventFilter f;
  f.q = ctx.req.query("q");
  f.kind = ctx.req.query("kind");
  f.status = ctx.req.query("status");
  f.region = ctx.req.query("region");
  if (!f.kind.empty() && !is_code(kEventKinds, f.kind)) throw web::BadRequest{"kind : type d'événement inconnu."};
  if (!f.status.empty() && !is_code(kEventStatuses, f.status)) throw web::BadRequest{"status : statut inconnu."};
  f.limit = web::query_limit(ctx, 50, 200);
  auto access = access_of(ctx);
  if (auto after = web::query_id(ctx, "after")) {
    auto e = get_event(ctx.db(), access, *after);
    if (!e) throw web::BadRequest{"after : curseur invalide."};
    f.after_start = e->starts_at;
    f.after_id = e->id;
  }
  auto items = list_events(ctx.db(), access, f);
  json::array out;
  for (auto& e : items) out.push_back(event_json(e, false));
  json::object res{{"items", std::move(out)}};
  res["next"] = static_cast<int>(items.size()) == f.limit ? json::value(items.back().id) : json::value(nullptr);
  return json_response(res);
}

http::Response event_response(Ctx& ctx, std::int64_t id, int status) {
  auto e = get_event(ctx.db(), access_of(ctx), id);
  if (!e) throw web::NotFound{};
  return json_response(event_json(*e, true), status);
}

http::Response create_event_api(Ctx& ctx) {
  auto body = ctx.json_body();
  web::Errors errors;
  auto in = event_input(body, errors);
  auto sessions = sessions_input(body, errors);
  EventValues v;
  auto more = validate_event(in, v);
  errors.insert(errors.end(), more.begin(), more.end());
  if (errors.empty()) check_organiser(ctx, v, errors);
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  auto id = create_event(ctx.db(), v, sessions);
  audit::record(ctx.db(), ctx.user().id, "create", "event", id, v.title);
  tx.commit();
  return event_response(ctx, id, 201);
}

http::Response update_event_api(Ctx& ctx) {
  auto e = managed_event_or_404(ctx, web::path_id(ctx));
  auto body = ctx.json_body();
  web::Errors errors;
  auto in = event_input(body, errors, input_of(e));
  EventValues v;
  auto more = validate_event(in, v);
  errors.insert(errors.end(), more.begin(), more.end());
  if (errors.empty() && v.status != e.status && !event_transition_allowed(e.status, v.status))
    errors.push_back({"status", fmt::format("Un événement « {} » ne peut pas passer à « {} ».",
                                            label_of(kEventStatuses, e.status), label_of(kEventStatuses, v.status))});
  if (errors.empty() && v.organiser_id != e.organiser_id) check_organiser(ctx, v, errors);
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  update_event(ctx.db(), e.id, v);
  audit::record(ctx.db(), ctx.user().id, "update", "event",
                e.id, v.status != e.status ? fmt::format("statut {} → {}", e.status, v.status) : v.title);
  tx.commit();
  return event_response(ctx, e.id, 200);
}

http::Response sessions_api(Ctx& ctx) {
  auto e = get_event(ctx.db(), access_of(ctx), web::path_id(ctx));
  if (!e) throw web::NotFound{};
  json::array out;
  for (auto& s : e->sessions) out.push_back(session_json(s));
  return json_response(json::object{{"items", std::move(out)}});
}

http::Response add_session_api(Ctx& ctx) {
  auto e = managed_event_or_404(ctx, web::path_id(ctx));
  auto body = ctx.json_body();
  web::Errors errors;
  json::object wrapped{{"sessions", json::array{body}}};
  auto s = sessions_input(wrapped, errors);
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  auto id = add_session(ctx.db(), e.id, s[0]);
  audit::record(ctx.db(), ctx.user().id, "create", "event_session", id, s[0].title);
  tx.commit();
  auto fresh = get_event(ctx.db(), access_of(ctx), e.id);
  for (auto& x : fresh->sessions)
    if (x.id == id) return json_response(session_json(x), 201);
  throw web::NotFound{};
}

std::vector<std::int64_t> id_list(const json::object& body, const char* name, web::Errors& errors) {
  std::vector<std::int64_t> out;
  auto* v = body.if_contains(name);
  if (!v || v->is_null()) return out;
  if (!v->is_array()) {
    errors.push_back({name, "Une liste d'identifiants est attendue."});
    return out;
  }
  for (auto& x : v->as_array()) {
    if (x.is_int64() && x.as_int64() > 0) out.push_back(x.as_int64());
    else errors.push_back({name, "Une liste d'identifiants est attendue."});
  }
  return out;
}

http::Response create_registration_api(Ctx& ctx) {
  auto body = ctx.json_body();
  web::Errors errors;
  auto event_raw = web::json_field(body, "event_id", errors);
  auto contact_raw = web::json_field(body, "contact_id", errors);
  auto org_raw = web::json_field(body, "organisation_id", errors);
  RegistrationRequest r;
  r.session_ids = id_list(body, "session_ids", errors);
  r.dietary = web::json_field(body, "dietary", errors);
  r.accessibility = web::json_field(body, "accessibility", errors);
  if (r.dietary.size() > 500) errors.push_back({"dietary", "500 caractères au plus."});
  if (r.accessibility.size() > 500) errors.push_back({"accessibility", "500 caractères au plus."});
  auto access = access_of(ctx);
  auto event_id = web::to_id(event_raw);
  std::optional<Event> event;
  if (event_id) event = get_event(ctx.db(), access, *event_id);
  if (!event) errors.push_back({"event_id", "Événement introuvable."});
  else {
    r.event_id = *event_id;
    r.by_staff = event->managed;
  }
  auto contact_id = web::to_id(contact_raw);
  auto org_id = web::to_id(org_raw);
  bool found = false;
  if (contact_id) {
    if (auto c = registrable_contact(ctx, access, *contact_id, org_id)) {
      r.contact_id = c->contact_id;
      r.organisation_id = c->organisation_id;
      found = true;
    }
  }
  if (!found) errors.push_back({"contact_id", "Contact introuvable parmi ceux de votre structure."});
  if (!errors.empty()) return web::validation_problem(errors);
  auto out = register_contact(ctx.db(), r, auth::now_utc(), ctx.user().id);
  if (auto* e = std::get_if<web::Errors>(&out)) return web::validation_problem(*e);
  auto& reg = std::get<Registration>(out);
  audit::record(ctx.db(), ctx.user().id, "create", "registration", reg.id, reg.status);
  return json_response(registration_json(*get_registration(ctx.db(), access, reg.id)), 201);
}

Registration registration_or_404(Ctx& ctx, std::int64_t id) {
  auto r = get_registration(ctx.db(), access_of(ctx), id);
  if (!r) throw web::NotFound{};
  return *r;
}

http::Response list_registrations_api(Ctx& ctx) {
  auto access = access_of(ctx);
  RegistrationFilter f;
  f.event_id = web::query_id(ctx, "event_id");
  f.limit = web::query_limit(ctx, 50, 200);
  if (auto after = web::query_id(ctx, "after")) f.after_id = *after;
  // Staff asking for an event they manage get its registrations (by status, searched), in order of id.
  std::vector<Registration> items;
  bool whole_event = false;
  if (f.event_id && is_staff(ctx)) {
    EventAccess manage_only{access.manage, {}, {}};
    if (get_event(ctx.db(), manage_only, *f.event_id)) {
      EventRegistrationFilter ef;
      ef.status = ctx.req.query("status");
      if (!ef.status.empty() && !is_code(kRegistrationStatuses, ef.status))
        return web::validation_problem({{"status", "Statut d'inscription inconnu."}});
      ef.q = ctx.req.query("q");
      ef.after_id = f.after_id;
      ef.limit = f.limit;
      items = event_registrations(ctx.db(), *f.event_id, ef);
      whole_event = true;
    }
  }
  if (!whole_event) items = own_registrations(ctx.db(), access, f);
  json::array out;
  for (auto& r : items) out.push_back(registration_json(r));
  json::object res{{"items", std::move(out)}};
  res["next"] = static_cast<int>(items.size()) == f.limit ? json::value(items.back().id) : json::value(nullptr);
  return json_response(res);
}

}  // namespace

void register_api_routes(web::App& app) {
  auto readers = web::Access::roles_in({"admin", "network", "member"});
  auto staff = web::Access::roles_in({"admin", "network"});

  app.route("GET", "/api/v1/events", readers, [](Ctx& ctx) { return list_events_api(ctx); });
  app.route("POST", "/api/v1/events", staff, [](Ctx& ctx) { return create_event_api(ctx); });
  app.route("GET", "/api/v1/events/{id}", readers, [](Ctx& ctx) { return event_response(ctx, web::path_id(ctx), 200); });
  app.route("PATCH", "/api/v1/events/{id}", staff, [](Ctx& ctx) { return update_event_api(ctx); });
  app.route("GET", "/api/v1/events/{id}/ics", readers, [](Ctx& ctx) { return calendar_download(ctx); });
  app.route("GET", "/api/v1/events/{id}/sessions", readers, [](Ctx& ctx) { return sessions_api(ctx); });
  app.route("POST", "/api/v1/events/{id}/sessions", staff, [](Ctx& ctx) { return add_session_api(ctx); });

  app.route("GET", "/api/v1/registrations", readers, [](Ctx& ctx) { return list_registrations_api(ctx); });
  app.route("POST", "/api/v1/registrations", readers, [](Ctx& ctx) { return create_registration_api(ctx); });
  app.route("GET", "/api/v1/registrations/{id}", readers, [](Ctx& ctx) {
    return json_response(registration_json(registration_or_404(ctx, web::path_id(ctx))));
  });
  app.route("POST", "/api/v1/registrations/{id}/cancel", readers, [](Ctx& ctx) {
    auto r = registration_or_404(ctx, web::path_id(ctx));
    if (!cancel_registration(ctx.db(), r.id, auth::now_utc(), ctx.user().id))
      return web::validation_problem({{"status", "Cette inscription ne peut plus être annulée."}});
    audit::record(ctx.db(), ctx.user().id, "update", "registration", r.id, "annulation");
    return json_response(registration_json(registration_or_404(ctx, r.id)));
  });
  // The event's staff approve or refuse a registration awaiting approval.
  auto decide = [](Ctx& ctx, bool approve) {
    auto reg = get_registration(ctx.db(), EventAccess{access_of(ctx).manage, {}, {}}, web::path_id(ctx));
    if (!reg) throw web::NotFound{};
    web::Errors errors;
    std::string reason;
    if (!approve) {
      auto body = ctx.json_body();
      reason = web::json_field(body, "reason", errors);
      if (reason.size() > 500) errors.push_back({"reason", "500 caractères au plus."});
    }
    if (errors.empty()) {
      bool done = approve ? approve_registration(ctx.db(), reg->id, auth::now_utc(), ctx.user().id)
                          : refuse_registration(ctx.db(), reg->id, reason, auth::now_utc(), ctx.user().id);
      if (!done)
        errors.push_back({"status", fmt::format("Cette inscription n'attend pas de validation (statut : {}).",
                                                label_of(kRegistrationStatuses, reg->status))});
    }
    if (!errors.empty()) return web::validation_problem(errors);
    audit::record(ctx.db(), ctx.user().id, "update", "registration", reg->id, approve ? "validée" : "refusée : " + reason);
    return json_response(registration_json(registration_or_404(ctx, reg->id)));
  };
  app.route("POST", "/api/v1/registrations/{id}/approve", staff, [decide](Ctx& ctx) { return decide(ctx, true); });
  app.route("POST", "/api/v1/registrations/{id}/refuse", staff, [decide](Ctx& ctx) { return decide(ctx, false); });
  app.route("POST", "/api/v1/registrations/{id}/accept", readers, [](Ctx& ctx) {
    auto r = registration_or_404(ctx, web::path_id(ctx));
    if (!accept_offer(ctx.db(), r.id, auth::now_utc(), ctx.user().id))
      return web::validation_problem({{"status", "Aucune place proposée en cours pour cette inscription."}});
    audit::record(ctx.db(), ctx.user().id, "update", "registration", r.id, "place acceptée");
    return json_response(registration_json(registration_or_404(ctx, r.id)));
  });
}

}  // namespace passerelle::events
