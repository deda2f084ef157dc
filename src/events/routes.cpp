// Pages of events (French): the list with search, filters and pagination; the
// event page with seats per session, the registrations for the staff who
// manage it and the registration form for members; the create/edit form.
#include <fmt/format.h>

#include "core/auth/audit.hpp"
#include "core/web/download.hpp"
#include "core/web/input.hpp"
#include "events/attendance.hpp"
#include "events/mail.hpp"
#include "events/program.hpp"
#include "events/routes.hpp"
#include "network/model.hpp"

namespace passerelle::events {
namespace {

using web::Ctx;
namespace json = boost::json;

web::Access readers() { return web::Access::roles_in({"admin", "network", "member"}); }
web::Access staff() { return web::Access::roles_in({"admin", "network"}); }

std::string paris(const std::string& utc) { return web::french_datetime(utc); }

template <std::size_t N>
json::array choices(const std::array<Label, N>& table, const std::string& selected) {
  json::array out;
  for (auto& l : table)
    out.push_back(json::object{{"code", l.code}, {"label", l.label}, {"selected", l.code == selected}});
  return out;
}

json::array region_choices(const std::vector<std::string>& selected) {
  json::array out;
  for (auto& r : network::kRegions)
    out.push_back(json::object{{"code", r.code},
                               {"label", r.name},
                               {"selected", std::find(selected.begin(), selected.end(), r.code) != selected.end()}});
  return out;
}

std::string region_names(const std::vector<std::string>& codes) {
  std::string out;
  for (auto& c : codes) {
    auto* r = network::find_region(c);
    out += (out.empty() ? "" : ", ") + std::string(r ? r->name : c);
  }
  return out;
}

std::string when(const Event& e) {
  auto start = paris(e.starts_at), end = paris(e.ends_at);
  if (start.substr(0, 10) == end.substr(0, 10)) return fmt::format("{} – {}", start, end.substr(end.size() - 5));
  return fmt::format("du {} au {}", start, end);
}

json::object event_view(const Event& e) {
  json::object o{{"id", e.id},
                 {"title", e.title},
                 {"kind_label", label_of(kEventKinds, e.kind)},
                 {"status", e.status},
                 {"status_label", label_of(kEventStatuses, e.status)},
                 {"when", when(e)},
                 {"place", e.venue.empty() ? "En visioconférence" : e.venue},
                 {"visio_url", e.visio_url},
                 {"organiser_name", e.organiser_name},
                 {"regions", region_names(e.regions)},
                 {"themes", e.themes},
                 {"description", e.description},
                 {"capacity", e.capacity ? json::value(*e.capacity) : json::value("illimitée")},
                 {"managed", e.managed}};
  return o;
}

std::string keep_query(Ctx& ctx) {
  std::string out;
  for (auto n : {"q", "type", "statut", "region"}) {
    auto v = ctx.req.query(n);
    if (!v.empty()) out += fmt::format("{}{}={}", out.empty() ? "" : "&", n, http::url_encode(v));
  }
  return out;
}

http::Response list_page(Ctx& ctx) {
  EventFilter f;
  f.q = ctx.req.query("q");
  f.kind = ctx.req.query("type");
  f.status = ctx.req.query("statut");
  f.region = ctx.req.query("region");
  if (!f.kind.empty() && !is_code(kEventKinds, f.kind)) f.kind.clear();
  if (!f.status.empty() && !is_code(kEventStatuses, f.status)) f.status.clear();
  f.limit = 20;
  auto access = access_of(ctx);
  bool paged = false;
  if (auto after = web::query_id(ctx, "apres")) {
    if (auto e = get_event(ctx.db(), access, *after)) {
      f.after_start = e->starts_at;
      f.after_id = e->id;
      paged = true;
    }
  }
  auto items = list_events(ctx.db(), access, f);
  json::array rows;
  for (auto& e : items) rows.push_back(event_view(e));
  auto keep = keep_query(ctx);
  std::string next;
  if (static_cast<int>(items.size()) == f.limit)
    next = fmt::format("/evenements?{}{}apres={}", keep, keep.empty() ? "" : "&", items.back().id);
  json::object data{{"title", "Événements"},
                    {"items", std::move(rows)},
                    {"empty", items.empty()},
                    {"q", f.q},
                    {"kinds", choices(kEventKinds, f.kind)},
                    {"statuses", choices(kEventStatuses, f.status)},
                    {"regions", region_choices({f.region})},
                    {"staff", is_staff(ctx)},
                    {"paged", paged},
                    {"first", "/evenements" + (keep.empty() ? "" : "?" + keep)},
                    {"next", next}};
  return web::page(ctx, "events/list", std::move(data));
}

EventInput input_from_form(Ctx& ctx) {
  EventInput in;
  in.kind = ctx.form("kind");
  in.title = ctx.form("title");
  in.description = ctx.form("description");
  in.starts_at = ctx.form("starts_at");
  in.ends_at = ctx.form("ends_at");
  in.venue = ctx.form("venue");
  in.visio_url = ctx.form("visio_url");
  in.organiser_id = ctx.form("organiser_id");
  in.capacity = ctx.form("capacity");
  in.registration_opens_at = ctx.form("registration_opens_at");
  in.registration_closes_at = ctx.form("registration_closes_at");
  in.offer_hours = ctx.form("offer_hours");
  in.themes = ctx.form("themes");
  in.status = ctx.form("status");
  in.regions = ctx.form_all("regions");
  in.open_to_all = ctx.form("open_to_all");
  in.requires_approval = ctx.form("requires_approval");
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
  in.open_to_all = e.open_to_all ? "1" : "";
  in.requires_approval = e.requires_approval ? "1" : "";
  return in;
}

http::Response form_page(Ctx& ctx, const EventInput& in, std::optional<std::int64_t> id, const web::Errors& errors,
                         int status) {
  json::array organisers;
  db::Params params;
  auto sql = "SELECT o.id, o.name FROM organisations o WHERE o.kind IN ('federation', 'delegation') AND " +
             network::scope_condition(access_of(ctx).manage, params, "o.path") + " ORDER BY o.path";
  for (auto& r : ctx.db().query(sql, params).rows)
    organisers.push_back(json::object{
        {"id", r.integer(0)}, {"label", r.text(1)}, {"selected", std::to_string(r.integer(0)) == in.organiser_id}});
  json::object values{{"title", in.title},
                      {"description", in.description},
                      {"starts_at", in.starts_at},
                      {"ends_at", in.ends_at},
                      {"venue", in.venue},
                      {"visio_url", in.visio_url},
                      {"capacity", in.capacity},
                      {"registration_opens_at", in.registration_opens_at},
                      {"registration_closes_at", in.registration_closes_at},
                      {"offer_hours", in.offer_hours.empty() ? "48" : in.offer_hours},
                      {"themes", in.themes},
                      {"open_to_all", in.open_to_all == "1" || in.open_to_all == "on"},
                      {"requires_approval", in.requires_approval == "1" || in.requires_approval == "on"}};
  json::object data{{"title", id ? "Modifier l'événement" : "Nouvel événement"},
                    {"action", id ? fmt::format("/evenements/{}", *id) : std::string("/evenements")},
                    {"cancel", id ? fmt::format("/evenements/{}", *id) : std::string("/evenements")},
                    {"values", std::move(values)},
                    {"kinds", choices(kEventKinds, in.kind)},
                    {"statuses", choices(kEventStatuses, in.status.empty() ? "draft" : in.status)},
                    {"regions", region_choices(in.regions)},
                    {"organisers", std::move(organisers)}};
  for (auto& [k, v] : web::errors_json(errors)) data[k] = v;
  return web::page(ctx, "events/form", std::move(data), status);
}

void check_organiser(Ctx& ctx, const EventValues& v, web::Errors& errors) {
  if (!web::find_error(errors, "organiser_id") &&
      !network::get_organisation(ctx.db(), access_of(ctx).manage, v.organiser_id))
    errors.push_back({"organiser_id", "Organisateur introuvable dans votre périmètre."});
}

struct RegistrationTyped {
  std::string contact, dietary, accessibility;
  std::vector<std::string> sessions;
  std::string session_title, session_theme, session_capacity;  // the staff's "add a session" form
};

http::Response event_page(Ctx& ctx, std::int64_t id, const RegistrationTyped& typed, const web::Errors& errors,
                          int status) {
  auto access = access_of(ctx);
  // The page's reads in one round trip: the event, the caller's registrations
  // to it, its outcome and its speakers (a pipeline on PostgreSQL).
  RegistrationFilter f;
  f.event_id = id;
  auto reads = event_reads(access, id);
  reads.push_back(own_registrations_read(access, f));
  for (auto& r : outcome_reads(id)) reads.push_back(std::move(r));
  reads.push_back(speakers_read(id));
  auto results = db::query_all_owned(ctx.db(), reads);
  auto e = event_from_reads(access, id, results);
  if (!e) throw web::NotFound{};
  auto data = event_view(*e);
  data["title"] = e->title;
  data["used"] = e->used;
  data["waitlisted"] = e->waitlisted;
  data["offered"] = e->offered;
  json::array sessions;
  for (auto& s : e->sessions) {
    bool chosen = std::find(typed.sessions.begin(), typed.sessions.end(), std::to_string(s.id)) != typed.sessions.end();
    sessions.push_back(json::object{{"id", s.id},
                                    {"event_id", e->id},
                                    {"title", s.title},
                                    {"theme", s.theme},
                                    {"used", s.used},
                                    {"capacity", s.capacity ? json::value(*s.capacity) : json::value("illimitée")},
                                    {"full", !session_has_room(s.capacity, s.used)},
                                    {"chosen", chosen}});
  }
  data["sessions"] = std::move(sessions);
  data["has_sessions"] = !e->sessions.empty();
  auto registration_json = [&](const Registration& r) {
    json::array names;
    for (auto sid : r.session_ids)
      for (auto& s : e->sessions)
        if (s.id == sid) names.push_back(json::value(s.title));
    return json::object{{"id", r.id},
                        {"contact_name", r.contact_name},
                        {"organisation_name", r.organisation_name},
                        {"status", r.status},
                        {"status_label", label_of(kRegistrationStatuses, r.status)},
                        {"offer_until", r.offer_expires_at.empty() ? "" : paris(r.offer_expires_at)},
                        {"offered", r.status == "offered"},
                        {"awaiting", r.status == "awaiting_approval"},
                        {"cancellable", r.status == "registered" || r.status == "waitlisted" || r.status == "offered" ||
                                            r.status == "awaiting_approval"},
                        {"dietary", r.dietary},
                        {"accessibility", r.accessibility},
                        {"sessions", std::move(names)}};
  };
  if (e->managed) {
    // One page of 100, by status and searched; the link to the next page keeps the filters.
    EventRegistrationFilter rf;
    rf.status = ctx.req.query("inscrits_statut");
    if (!rf.status.empty() && !is_code(kRegistrationStatuses, rf.status)) rf.status.clear();
    rf.q = ctx.req.query("inscrits_q");
    if (auto after = web::query_id(ctx, "inscrits_apres")) rf.after_id = *after;
    auto page_regs = event_registrations(ctx.db(), e->id, rf);
    json::array regs;
    for (auto& r : page_regs) regs.push_back(registration_json(r));
    data["registrations"] = std::move(regs);
    data["registrations_q"] = rf.q;
    data["registration_statuses"] = choices(kRegistrationStatuses, rf.status);
    std::string keep;
    if (!rf.status.empty()) keep += "&inscrits_statut=" + rf.status;
    if (!rf.q.empty()) keep += "&inscrits_q=" + http::url_encode(rf.q);
    data["registrations_next"] =
        static_cast<int>(page_regs.size()) == rf.limit
            ? fmt::format("/evenements/{}?inscrits_apres={}{}#registrations", e->id, page_regs.back().id, keep)
            : "";
    data["registrations_paged"] = rf.after_id > 0;
    data["registrations_filtered"] = rf.after_id > 0 || !rf.status.empty() || !rf.q.empty();
  }
  json::array own;
  for (auto& r : registrations_from(ctx.db(), results[kEventReads])) own.push_back(registration_json(r));
  data["has_own"] = !own.empty();
  data["own"] = std::move(own);
  auto closed = registration_closed_reason(e->status, e->registration_opens_at, e->registration_closes_at, e->starts_at,
                                           auth::now_utc());
  data["closed_reason"] = closed.value_or("");
  if (!closed) {
    json::array contacts;
    for (auto& c : registrable_contacts(ctx, access))
      contacts.push_back(json::object{{"value", fmt::format("{}:{}", c.contact_id, c.organisation_id)},
                                      {"label", fmt::format("{} ({})", c.name, c.organisation_name)},
                                      {"selected", typed.contact == fmt::format("{}:{}", c.contact_id, c.organisation_id)}});
    data["can_register"] = !contacts.empty();
    data["contacts"] = std::move(contacts);
    data["full"] = e->capacity && e->used >= *e->capacity;
  }
  data["values"] = json::object{{"dietary", typed.dietary},
                                {"accessibility", typed.accessibility},
                                {"session_title", typed.session_title},
                                {"session_theme", typed.session_theme},
                                {"session_capacity", typed.session_capacity}};
  if (e->managed) {
    json::array next;
    for (auto& l : kEventStatuses)
      if (event_transition_allowed(e->status, l.code)) next.push_back(json::object{{"code", l.code}, {"label", l.label}});
    data["has_transitions"] = !next.empty();
    data["transitions"] = std::move(next);
  }
  outcome_view(outcome_from_reads(results, kEventReads + 1), data);
  speakers_view(speakers_from(results[kEventReads + 3]), data);
  for (auto& [k, v] : web::errors_json(errors)) data[k] = v;
  return web::page(ctx, "events/event", std::move(data), status);
}

http::Response register_from_form(Ctx& ctx) {
  auto id = web::path_id(ctx);
  auto access = access_of(ctx);
  auto event = get_event(ctx.db(), access, id);
  if (!event) throw web::NotFound{};
  RegistrationTyped typed{ctx.form("contact"), ctx.form("dietary"), ctx.form("accessibility"), ctx.form_all("sessions")};
  web::Errors errors;
  RegistrationRequest r;
  r.event_id = id;
  r.by_staff = event->managed;
  r.dietary = typed.dietary;
  r.accessibility = typed.accessibility;
  auto colon = typed.contact.find(':');
  bool found = false;
  if (colon != std::string::npos) {
    auto contact = web::to_id(typed.contact.substr(0, colon)), org = web::to_id(typed.contact.substr(colon + 1));
    if (contact && org)
      if (auto c = registrable_contact(ctx, access, *contact, *org)) {
        r.contact_id = c->contact_id;
        r.organisation_id = c->organisation_id;
        found = true;
      }
  }
  if (!found) errors.push_back({"contact", "Choisissez la personne à inscrire."});
  for (auto& s : typed.sessions) {
    if (auto sid = web::to_id(s)) r.session_ids.push_back(*sid);
    else errors.push_back({"sessions", "Session inconnue."});
  }
  if (r.dietary.size() > 500) errors.push_back({"dietary", "500 caractères au plus."});
  if (r.accessibility.size() > 500) errors.push_back({"accessibility", "500 caractères au plus."});
  if (errors.empty()) {
    auto out = register_contact(ctx.db(), r, auth::now_utc(), ctx.user().id);
    if (auto* reg = std::get_if<Registration>(&out)) {
      audit::record(ctx.db(), ctx.user().id, "create", "registration", reg->id, reg->status, ctx.req.remote_addr);
      ctx.flash(reg->status == "registered" ? "L'inscription est enregistrée."
                : reg->status == "awaiting_approval"
                    ? "La demande d'inscription est transmise : l'équipe organisatrice la validera."
                    : "L'événement est complet : la personne est inscrite sur la liste d'attente. Une place lui sera "
                      "proposée dès qu'elle se libère.");
      return http::Response::redirect(fmt::format("/evenements/{}", id));
    }
    for (auto& e : std::get<web::Errors>(out))
      errors.push_back({e.field == "contact_id" ? "contact" : e.field == "event_id" ? "contact" : e.field, e.message});
  }
  return event_page(ctx, id, typed, errors, 422);
}

// Staff add a session (a round table, a workshop) to their event.
http::Response add_session_from_form(Ctx& ctx) {
  auto e = managed_event_or_404(ctx, web::path_id(ctx));
  RegistrationTyped typed;
  typed.session_title = ctx.form("session_title");
  typed.session_theme = ctx.form("session_theme");
  typed.session_capacity = ctx.form("session_capacity");
  web::Errors errors;
  SessionInput s{typed.session_title, typed.session_theme, std::nullopt};
  if (s.title.find_first_not_of(" \t") == std::string::npos)
    errors.push_back({"session_title", "Le titre de la session est obligatoire."});
  if (!typed.session_capacity.empty()) {
    auto c = web::to_id(typed.session_capacity);
    if (!c || *c == 0) errors.push_back({"session_capacity", "La capacité doit être un nombre entier positif."});
    else s.capacity = *c;
  }
  if (!errors.empty()) return event_page(ctx, e.id, typed, errors, 422);
  db::Transaction tx(ctx.db());
  auto id = add_session(ctx.db(), e.id, s);
  audit::record(ctx.db(), ctx.user().id, "create", "event_session", id, s.title, ctx.req.remote_addr);
  tx.commit();
  ctx.flash("La session a été ajoutée.");
  return http::Response::redirect(fmt::format("/evenements/{}", e.id));
}

}  // namespace

http::Response calendar_download(Ctx& ctx) {
  auto e = get_event(ctx.db(), access_of(ctx), web::path_id(ctx));
  if (!e) throw web::NotFound{};
  http::Response res;
  res.body = event_ics(ctx.db(), e->id, auth::now_utc());
  res.set_header("Content-Type", "text/calendar; charset=utf-8");
  res.set_header("Content-Disposition", fmt::format("attachment; filename=\"evenement-{}.ics\"", e->id));
  return res;
}

void register_routes(web::App& app) {
  app.route("GET", "/evenements", readers(), [](Ctx& ctx) { return list_page(ctx); });
  app.route("GET", "/evenements/nouveau", staff(), [](Ctx& ctx) {
    EventInput in;
    in.status = "draft";
    return form_page(ctx, in, std::nullopt, {}, 200);
  });
  app.route("POST", "/evenements", staff(), [](Ctx& ctx) {
    auto in = input_from_form(ctx);
    EventValues v;
    auto errors = validate_event(in, v);
    check_organiser(ctx, v, errors);
    if (!errors.empty()) return form_page(ctx, in, std::nullopt, errors, 422);
    db::Transaction tx(ctx.db());
    auto id = create_event(ctx.db(), v);
    audit::record(ctx.db(), ctx.user().id, "create", "event", id, v.title, ctx.req.remote_addr);
    tx.commit();
    ctx.flash("L'événement a été créé.");
    return http::Response::redirect(fmt::format("/evenements/{}", id));
  });
  app.route("GET", "/evenements/{id}", readers(),
            [](Ctx& ctx) { return event_page(ctx, web::path_id(ctx), {}, {}, 200); });
  // The event for one's agenda, with the same visibility as its page (404 otherwise).
  app.route("GET", "/evenements/{id}/evenement.ics", readers(), [](Ctx& ctx) { return calendar_download(ctx); });
  app.route("GET", "/evenements/{id}/modifier", staff(), [](Ctx& ctx) {
    auto e = managed_event_or_404(ctx, web::path_id(ctx));
    return form_page(ctx, input_of(e), e.id, {}, 200);
  });
  app.route("POST", "/evenements/{id}", staff(), [](Ctx& ctx) {
    auto e = managed_event_or_404(ctx, web::path_id(ctx));
    auto in = input_from_form(ctx);
    EventValues v;
    auto errors = validate_event(in, v);
    if (errors.empty() && v.status != e.status && !event_transition_allowed(e.status, v.status))
      errors.push_back({"status", fmt::format("Un événement « {} » ne peut pas passer à « {} ».",
                                              label_of(kEventStatuses, e.status), label_of(kEventStatuses, v.status))});
    if (errors.empty() && v.organiser_id != e.organiser_id) check_organiser(ctx, v, errors);
    if (!errors.empty()) return form_page(ctx, in, e.id, errors, 422);
    db::Transaction tx(ctx.db());
    update_event(ctx.db(), e.id, v);
    audit::record(ctx.db(), ctx.user().id, "update", "event", e.id, v.title, ctx.req.remote_addr);
    tx.commit();
    ctx.flash("L'événement a été modifié.");
    return http::Response::redirect(fmt::format("/evenements/{}", e.id));
  });
  app.route("POST", "/evenements/{id}/statut", staff(), [](Ctx& ctx) {
    auto e = managed_event_or_404(ctx, web::path_id(ctx));
    auto to = ctx.form("status");
    if (!event_transition_allowed(e.status, to)) throw web::BadRequest{"Changement de statut impossible."};
    db::Transaction tx(ctx.db());
    set_event_status(ctx.db(), e.id, to);
    audit::record(ctx.db(), ctx.user().id, "update", "event", e.id, fmt::format("statut {} → {}", e.status, to),
                  ctx.req.remote_addr);
    tx.commit();
    ctx.flash(fmt::format("Statut : {}.", label_of(kEventStatuses, to)));
    return http::Response::redirect(fmt::format("/evenements/{}", e.id));
  });
  app.route("POST", "/evenements/{id}/sessions", staff(), [](Ctx& ctx) { return add_session_from_form(ctx); });
  // The registrations of an event for its staff (catering, badges, accessibility), every one.
  auto export_registrations = [](Ctx& ctx, const std::string& format) {
    auto e = managed_event_or_404(ctx, web::path_id(ctx));
    std::vector<std::vector<std::string>> rows{{"id", "personne", "structure", "statut", "sessions", "régime alimentaire",
                                                "accessibilité", "inscrit le"}};
    for (auto& r : event_registrations(ctx.db(), e.id)) {
      std::string sessions;
      for (auto sid : r.session_ids)
        for (auto& s : e.sessions)
          if (s.id == sid) sessions += (sessions.empty() ? "" : " ; ") + s.title;
      rows.push_back({std::to_string(r.id), r.contact_name, r.organisation_name,
                      std::string(label_of(kRegistrationStatuses, r.status)), sessions, r.dietary, r.accessibility,
                      web::french_datetime(r.created_at)});
    }
    return web::download(ctx, "registration", "Inscriptions", fmt::format("inscriptions-{}", e.id), format, rows);
  };
  app.route("GET", "/evenements/{id}/inscriptions.csv", staff(),
            [export_registrations](Ctx& ctx) { return export_registrations(ctx, "csv"); });
  app.route("GET", "/evenements/{id}/inscriptions.xlsx", staff(),
            [export_registrations](Ctx& ctx) { return export_registrations(ctx, "xlsx"); });
  app.route("POST", "/evenements/{id}/inscriptions", readers(), [](Ctx& ctx) { return register_from_form(ctx); });
  app.route("POST", "/inscriptions/{id}/annuler", readers(), [](Ctx& ctx) {
    auto r = get_registration(ctx.db(), access_of(ctx), web::path_id(ctx));
    if (!r) throw web::NotFound{};
    if (cancel_registration(ctx.db(), r->id, auth::now_utc(), ctx.user().id)) {
      audit::record(ctx.db(), ctx.user().id, "update", "registration", r->id, "annulation", ctx.req.remote_addr);
      ctx.flash("L'inscription est annulée.");
    } else {
      ctx.flash("Cette inscription ne peut plus être annulée.", "error");
    }
    return http::Response::redirect(fmt::format("/evenements/{}", r->event_id));
  });
  // The event's staff approve or refuse a registration awaiting approval.
  auto decide = [](Ctx& ctx, bool approve) {
    auto r = get_registration(ctx.db(), EventAccess{access_of(ctx).manage, {}, {}}, web::path_id(ctx));
    if (!r) throw web::NotFound{};
    auto reason = ctx.form("reason");
    if (reason.size() > 500) reason.resize(500);
    bool done = approve ? approve_registration(ctx.db(), r->id, auth::now_utc(), ctx.user().id)
                        : refuse_registration(ctx.db(), r->id, reason, auth::now_utc(), ctx.user().id);
    if (done) {
      audit::record(ctx.db(), ctx.user().id, "update", "registration", r->id, approve ? "validée" : "refusée : " + reason,
                    ctx.req.remote_addr);
      ctx.flash(approve ? fmt::format("L'inscription de {} est validée.", r->contact_name)
                        : fmt::format("L'inscription de {} est refusée.", r->contact_name));
    } else {
      ctx.flash("Cette inscription n'attend plus de validation.", "error");
    }
    return http::Response::redirect(fmt::format("/evenements/{}#registrations", r->event_id));
  };
  app.route("POST", "/inscriptions/{id}/valider", staff(), [decide](Ctx& ctx) { return decide(ctx, true); });
  app.route("POST", "/inscriptions/{id}/refuser", staff(), [decide](Ctx& ctx) { return decide(ctx, false); });
  app.route("POST", "/inscriptions/{id}/accepter", readers(), [](Ctx& ctx) {
    auto r = get_registration(ctx.db(), access_of(ctx), web::path_id(ctx));
    if (!r) throw web::NotFound{};
    if (accept_offer(ctx.db(), r->id, auth::now_utc(), ctx.user().id)) {
      audit::record(ctx.db(), ctx.user().id, "update", "registration", r->id, "place acceptée", ctx.req.remote_addr);
      ctx.flash("La place est acceptée : l'inscription est confirmée.");
    } else {
      ctx.flash("Cette place n'est plus proposée.", "error");
    }
    return http::Response::redirect(fmt::format("/evenements/{}", r->event_id));
  });
}

}  // namespace passerelle::events
