// Pages and API after the registrations (French pages, JSON API):
// - /evenements/{id}/emargement: the check-in list at the door (search, one
//   tap per person: present, absent, undo) and, once the event is over, the
//   bulk marking (chosen people, or everyone not marked yet);
// - /evenements/{id}/bilan: the synthesis, the video links and the next date
//   announced to the same audience (a new published event like this one);
// - /evenements/rapports: registrations and attendance per event, per member,
//   per region, and the members who never attend, for a period, with exports.
// Only the staff who manage the event (admin, network of the organiser's
// subtree) take attendance or write the outcome: others get 404 (another
// organisation) or 403 (no staff role). Everyone who sees an event reads its outcome.
#include <fmt/format.h>

#include <chrono>

#include "core/auth/audit.hpp"
#include "core/web/download.hpp"
#include "core/web/input.hpp"
#include "events/attendance.hpp"
#include "events/routes.hpp"
#include "network/model.hpp"

namespace passerelle::events {
namespace {

using web::Ctx;
namespace json = boost::json;

web::Access readers() { return web::Access::roles_in({"admin", "network", "member"}); }
web::Access staff() { return web::Access::roles_in({"admin", "network"}); }

std::string region_name(const std::string& code) {
  auto* r = network::find_region(code);
  return r ? std::string(r->name) : code;
}

std::string region_names(const std::vector<std::string>& codes) {
  std::string out;
  for (auto& c : codes) out += (out.empty() ? "" : ", ") + region_name(c);
  return out;
}

std::string kind_label(const std::string& code) {
  auto* k = network::find_kind(code);
  return k ? std::string(k->label) : code;
}

std::string percent(std::int64_t part, std::int64_t whole) {
  if (whole == 0) return "—";
  return fmt::format("{} %", (part * 100 + whole / 2) / whole);
}

bool valid_status(const std::string& s) { return s == "attended" || s == "no_show" || s == "registered"; }

// ---- Check-in -------------------------------------------------------------------

http::Response checkin_page(Ctx& ctx, const Event& e) {
  auto q = ctx.req.query("q");
  auto now = auth::now_utc();
  auto closed = attendance_closed_reason(e.status, e.starts_at, now);
  bool over = event_over(e.ends_at, now);
  auto list = checkin_list(ctx.db(), e.id, q);
  auto count = attendance_count(ctx.db(), e.id);
  json::array rows;
  for (auto& r : list) {
    rows.push_back(json::object{{"id", r.id},
                                {"contact_name", r.contact_name},
                                {"organisation_name", r.organisation_name},
                                {"status_label", label_of(kRegistrationStatuses, r.status)},
                                {"attended", r.status == "attended"},
                                {"no_show", r.status == "no_show"},
                                {"marked", r.status == "attended" || r.status == "no_show"},
                                {"dietary", r.dietary},
                                {"accessibility", r.accessibility}});
  }
  json::object data{{"title", "Émargement — " + e.title},
                    {"event_id", e.id},
                    {"event_title", e.title},
                    {"q", q},
                    {"q_param", q.empty() ? "" : "?q=" + http::url_encode(q)},
                    {"rows", std::move(rows)},
                    {"empty", list.empty()},
                    {"expected", count.expected},
                    {"attended", count.attended},
                    {"no_show", count.no_show},
                    {"unmarked", count.expected - count.attended - count.no_show},
                    {"closed_reason", closed.value_or("")},
                    {"open", !closed},
                    {"over", !closed && over}};
  return web::page(ctx, "events/checkin", std::move(data));
}

http::Response checkin_export(Ctx& ctx, const Event& e, const std::string& format) {
  std::vector<std::vector<std::string>> rows{{"nom", "structure", "statut", "régime alimentaire", "accessibilité", "signature"}};
  for (auto& r : checkin_list(ctx.db(), e.id, ""))
    rows.push_back({r.contact_name, r.organisation_name, std::string(label_of(kRegistrationStatuses, r.status)), r.dietary,
                    r.accessibility, ""});
  return web::download(ctx, "registration", "Émargement", fmt::format("emargement-{}", e.id), format, rows);
}

http::Response mark_from_form(Ctx& ctx) {
  auto e = managed_event_or_404(ctx, web::path_id(ctx));
  auto rid = web::path_id(ctx, "rid");
  auto to = ctx.form("status");
  auto back = fmt::format("/evenements/{}/emargement{}", e.id,
                          ctx.form("q").empty() ? "" : "?q=" + http::url_encode(ctx.form("q")));
  if (auto closed = attendance_closed_reason(e.status, e.starts_at, auth::now_utc())) {
    ctx.flash(*closed, "error");
    return http::Response::redirect(back);
  }
  if (!valid_status(to)) throw web::BadRequest{"Statut de présence inconnu."};
  auto refused = set_attendance(ctx.db(), e.id, rid, to, auth::now_utc(), ctx.user().id);
  if (refused && *refused == "Cette inscription ne fait pas partie de l'événement.") throw web::NotFound{};
  if (refused) {
    ctx.flash(*refused, "error");
  } else {
    audit::record(ctx.db(), ctx.user().id, "update", "registration", rid, "émargement : " + to, ctx.req.remote_addr);
    auto name = ctx.db().query("SELECT c.first_name || ' ' || c.last_name FROM registrations r JOIN contacts c ON "
                               "c.id = r.contact_id WHERE r.id = ?",
                               {rid});
    ctx.flash(fmt::format("{} : {}.", name.empty() ? "" : name.rows[0].text(0),
                          to == "attended" ? "présent(e)" : to == "no_show" ? "absent(e)" : "pointage annulé"));
  }
  return http::Response::redirect(back + fmt::format("#r{}", rid));
}

http::Response bulk_from_form(Ctx& ctx) {
  auto e = managed_event_or_404(ctx, web::path_id(ctx));
  auto back = fmt::format("/evenements/{}/emargement", e.id);
  auto now = auth::now_utc();
  if (auto closed = attendance_closed_reason(e.status, e.starts_at, now)) {
    ctx.flash(*closed, "error");
    return http::Response::redirect(back);
  }
  if (!event_over(e.ends_at, now)) {
    ctx.flash("Le pointage groupé s'ouvre à la fin de l'événement ; pendant l'événement, pointez chaque personne.", "error");
    return http::Response::redirect(back);
  }
  auto to = ctx.form("status");
  if (to != "attended" && to != "no_show") throw web::BadRequest{"Statut de présence inconnu."};
  bool all = ctx.form("all_unmarked") == "1";
  std::vector<std::int64_t> ids;
  for (auto& s : ctx.form_all("ids"))
    if (auto id = web::to_id(s)) ids.push_back(*id);
  if (!all && ids.empty()) {
    ctx.flash("Cochez au moins une personne, ou choisissez « toutes les personnes non pointées ».", "error");
    return http::Response::redirect(back);
  }
  auto n = bulk_attendance(ctx.db(), e.id, ids, all, to, now, ctx.user().id);
  audit::record(ctx.db(), ctx.user().id, "update", "event", e.id,
                fmt::format("pointage groupé : {} {}", n, to == "attended" ? "présent(s)" : "absent(s)"), ctx.req.remote_addr);
  ctx.flash(fmt::format("{} personne(s) marquée(s) {}.", n, to == "attended" ? "présente(s)" : "absente(s)"));
  return http::Response::redirect(back);
}

// ---- Outcome --------------------------------------------------------------------

struct OutcomeTyped {
  OutcomeInput outcome;
  NextDateInput next;
};

http::Response outcome_form(Ctx& ctx, const Event& e, const OutcomeTyped& typed, const web::Errors& errors, int status) {
  auto current = get_outcome(ctx.db(), e.id);
  json::array videos;
  for (auto& v : typed.outcome.videos) videos.push_back(json::object{{"title", v.title}, {"url", v.url}});
  for (int i = 0; i < 3; ++i) videos.push_back(json::object{{"title", ""}, {"url", ""}});
  int n = 0;
  for (auto& v : videos) v.as_object()["n"] = ++n;
  json::object data{{"title", "Bilan — " + e.title},
                    {"event_id", e.id},
                    {"event_title", e.title},
                    {"synthesis", typed.outcome.synthesis},
                    {"videos", std::move(videos)},
                    {"has_next", current.next_event_id.has_value()},
                    {"next_id", current.next_event_id ? *current.next_event_id : 0},
                    {"next_title", current.next_title},
                    {"next_when", current.next_starts_at.empty() ? "" : web::french_datetime(current.next_starts_at)},
                    {"next_starts_at", typed.next.starts_at},
                    {"next_ends_at", typed.next.ends_at},
                    {"regions", region_names(e.regions)}};
  for (auto& [k, v] : web::errors_json(errors)) data[k] = v;
  return web::page(ctx, "events/outcome", std::move(data), status);
}

// Validates and saves; errors by field (nothing written when there is one).
// Returns the id of the next event announced, if any.
std::variant<std::optional<std::int64_t>, web::Errors> save(Ctx& ctx, const Event& e, OutcomeTyped& typed) {
  auto errors = validate_outcome(typed.outcome);
  std::string starts, ends;
  bool announce = !typed.next.starts_at.empty() || !typed.next.ends_at.empty();
  if (announce) {
    if (get_outcome(ctx.db(), e.id).next_event_id)
      errors.push_back({"next_starts_at", "La prochaine rencontre est déjà annoncée."});
    else
      for (auto& err : validate_next_date(typed.next, e.ends_at, starts, ends)) errors.push_back(err);
  }
  if (!errors.empty()) return errors;
  db::Transaction tx(ctx.db());
  save_outcome(ctx.db(), e.id, typed.outcome);
  std::optional<std::int64_t> next;
  if (announce) {
    next = announce_next(ctx.db(), e.id, starts, ends);
    audit::record(ctx.db(), ctx.user().id, "create", "event", *next, "prochaine date de l'événement " + std::to_string(e.id),
                  ctx.req.remote_addr);
  }
  audit::record(ctx.db(), ctx.user().id, "update", "event", e.id, "bilan", ctx.req.remote_addr);
  tx.commit();
  return next;
}

// ---- Reports --------------------------------------------------------------------

std::string today_paris() { return utc_to_paris(auth::now_utc()).substr(0, 10); }

bool iso_day(const std::string& s) { return s.size() == 10 && paris_to_utc(s + "T00:00").has_value(); }

// The period from the query (du, au: ISO days), the current year by default.
ReportFilter report_filter(Ctx& ctx, web::Errors& errors, const char* from_name, const char* to_name) {
  ReportFilter f;
  f.scope = access_of(ctx).manage;
  auto year = today_paris().substr(0, 4);
  f.from = ctx.req.query(from_name);
  f.to = ctx.req.query(to_name);
  if (f.from.empty()) f.from = year + "-01-01";
  if (f.to.empty()) f.to = year + "-12-31";
  if (!iso_day(f.from)) errors.push_back({from_name, "Date de début invalide (jour/mois/année)."});
  if (!iso_day(f.to)) errors.push_back({to_name, "Date de fin invalide (jour/mois/année)."});
  if (errors.empty() && f.to < f.from) errors.push_back({to_name, "La fin de la période doit suivre son début."});
  return f;
}

std::vector<std::vector<std::string>> report_table(const Report& rep, const std::string& table) {
  std::vector<std::vector<std::string>> rows;
  auto n = [](std::int64_t v) { return std::to_string(v); };
  if (table == "evenements") {
    rows.push_back({"id", "événement", "type", "début", "organisateur", "public", "statut", "capacité", "inscriptions",
                    "présents", "absents", "annulations", "liste d'attente", "taux de présence"});
    for (auto& e : rep.events)
      rows.push_back({n(e.id), e.title, std::string(label_of(kEventKinds, e.kind)), web::french_datetime(e.starts_at),
                      e.organiser_name, region_names(e.regions), std::string(label_of(kEventStatuses, e.status)),
                      e.capacity ? n(*e.capacity) : "", n(e.registrations), n(e.attended), n(e.no_show), n(e.cancelled),
                      n(e.waitlisted), percent(e.attended, e.attended + e.no_show)});
  } else if (table == "adherents" || table == "jamais") {
    rows.push_back({"id", "structure", "type", "région", "inscriptions", "événements", "présences", "absences",
                    "dernière présence"});
    for (auto& m : table == "jamais" ? rep.never : rep.members)
      rows.push_back({n(m.organisation_id), m.name, kind_label(m.kind), region_name(m.region), n(m.registrations),
                      n(m.events), n(m.attended), n(m.no_show),
                      m.last_attended.empty() ? "" : web::french_datetime(m.last_attended).substr(0, 10)});
  } else {
    rows.push_back({"région", "événements ouverts", "inscriptions", "présences", "absences", "adhérents",
                    "adhérents venus", "part des adhérents venus"});
    for (auto& r : rep.regions)
      rows.push_back({region_name(r.region), n(r.events), n(r.registrations), n(r.attended), n(r.no_show), n(r.members),
                      n(r.members_attending), percent(r.members_attending, r.members)});
  }
  return rows;
}

http::Response report_page(Ctx& ctx) {
  web::Errors errors;
  auto f = report_filter(ctx, errors, "du", "au");
  json::object data{{"title", "Rapports de participation"}, {"du", ctx.req.query("du").empty() ? f.from : ctx.req.query("du")},
                    {"au", ctx.req.query("au").empty() ? f.to : ctx.req.query("au")}};
  // Quick links to the years that have events in the scope.
  db::Params yp;
  auto years = ctx.db().query("SELECT DISTINCT substr(e.starts_at, 1, 4) FROM events e JOIN organisations o ON "
                              "o.id = e.organiser_id WHERE " +
                                  network::scope_condition(f.scope, yp, "o.path") + " ORDER BY 1 DESC",
                              yp);
  json::array year_links;
  for (auto& y : years.rows) year_links.push_back(json::value(y.text(0)));
  data["has_years"] = !year_links.empty();
  data["years"] = std::move(year_links);
  if (!errors.empty()) {
    for (auto& [k, v] : web::errors_json(errors)) data[k] = v;
    return web::page(ctx, "events/reports", std::move(data), 400);
  }
  auto rep = attendance_report(ctx.db(), f);
  auto to_json = [](const std::vector<std::vector<std::string>>& t) {
    json::array rows;
    for (std::size_t i = 1; i < t.size(); ++i) {
      json::array cells;
      for (auto& c : t[i]) cells.push_back(json::value(c));
      rows.push_back(json::object{{"cells", std::move(cells)}});
    }
    return rows;
  };
  json::array event_rows;
  for (auto& e : rep.events)
    event_rows.push_back(json::object{{"id", e.id},
                                      {"title", e.title},
                                      {"when", web::french_datetime(e.starts_at).substr(0, 10)},
                                      {"kind", label_of(kEventKinds, e.kind)},
                                      {"regions", region_names(e.regions)},
                                      {"registrations", e.registrations},
                                      {"attended", e.attended},
                                      {"no_show", e.no_show},
                                      {"cancelled", e.cancelled},
                                      {"waitlisted", e.waitlisted},
                                      {"rate", percent(e.attended, e.attended + e.no_show)}});
  json::array labels, values;
  for (auto& r : rep.regions) {
    labels.push_back(json::value(region_name(r.region)));
    values.push_back(json::value(r.attended));
  }
  auto query = fmt::format("du={}&au={}", f.from, f.to);
  data["query"] = query;
  data["events"] = std::move(event_rows);
  data["members"] = to_json(report_table(rep, "adherents"));
  data["regions"] = to_json(report_table(rep, "regions"));
  data["never"] = to_json(report_table(rep, "jamais"));
  data["has_events"] = !rep.events.empty();
  data["has_members"] = !rep.members.empty();
  data["has_regions"] = !rep.regions.empty();
  data["has_never"] = !rep.never.empty();
  data["never_count"] = rep.never.size();
  data["event_count"] = rep.events.size();
  data["registrations"] = rep.registrations;
  data["attended"] = rep.attended;
  data["no_show"] = rep.no_show;
  data["rate"] = percent(rep.attended, rep.attended + rep.no_show);
  data["period"] = fmt::format("du {} au {}", web::french_date(f.from), web::french_date(f.to));
  data["chart_labels"] = json::serialize(labels);
  data["chart_values"] = json::serialize(values);
  return web::page(ctx, "events/reports", std::move(data));
}

http::Response report_export(Ctx& ctx, const std::string& format) {
  web::Errors errors;
  auto f = report_filter(ctx, errors, "du", "au");
  if (!errors.empty()) throw web::BadRequest{errors.front().message};
  auto table = ctx.req.query("tableau");
  if (table.empty()) table = "evenements";
  if (table != "evenements" && table != "adherents" && table != "regions" && table != "jamais")
    throw web::BadRequest{"Tableau inconnu : evenements, adherents, regions ou jamais."};
  auto rep = attendance_report(ctx.db(), f);
  return web::download(ctx, "event_report", "Participation", fmt::format("participation-{}-{}-{}", table, f.from, f.to),
                       format, report_table(rep, table));
}

// ---- API ------------------------------------------------------------------------

json::object registration_json(const Registration& r) {
  return {{"id", r.id},
          {"event_id", r.event_id},
          {"contact_id", r.contact_id},
          {"contact_name", r.contact_name},
          {"organisation_id", r.organisation_id},
          {"organisation_name", r.organisation_name},
          {"status", r.status},
          {"status_label", label_of(kRegistrationStatuses, r.status)},
          {"dietary", r.dietary},
          {"accessibility", r.accessibility}};
}

json::object outcome_json(const Outcome& o) {
  json::array videos;
  for (auto& v : o.videos) videos.push_back(json::object{{"id", v.id}, {"title", v.title}, {"url", v.url}});
  json::value next = nullptr;
  if (o.next_event_id)
    next = json::object{{"id", *o.next_event_id}, {"title", o.next_title}, {"starts_at", o.next_starts_at},
                        {"status", o.next_status}};
  return {{"synthesis", o.synthesis}, {"videos", std::move(videos)}, {"next_event", std::move(next)}};
}

http::Response api_mark(Ctx& ctx) {
  auto rid = web::path_id(ctx);
  auto reg = get_registration(ctx.db(), EventAccess{access_of(ctx).manage, {}, {}}, rid);
  if (!reg) throw web::NotFound{};
  auto e = managed_event_or_404(ctx, reg->event_id);
  auto body = ctx.json_body();
  web::Errors errors;
  auto to = web::json_field(body, "status", errors);
  if (errors.empty() && !valid_status(to))
    errors.push_back({"status", "Le statut de présence est attended (présent), no_show (absent) ou registered (annuler le pointage)."});
  if (errors.empty())
    if (auto closed = attendance_closed_reason(e.status, e.starts_at, auth::now_utc())) errors.push_back({"status", *closed});
  if (errors.empty())
    if (auto refused = set_attendance(ctx.db(), e.id, rid, to, auth::now_utc(), ctx.user().id))
      errors.push_back({"status", *refused});
  if (!errors.empty()) return web::validation_problem(errors);
  audit::record(ctx.db(), ctx.user().id, "update", "registration", rid, "émargement : " + to, ctx.req.remote_addr);
  return web::json_response(registration_json(*get_registration(ctx.db(), EventAccess{access_of(ctx).manage, {}, {}}, rid)));
}

http::Response api_bulk(Ctx& ctx) {
  auto e = managed_event_or_404(ctx, web::path_id(ctx));
  auto body = ctx.json_body();
  web::Errors errors;
  auto to = web::json_field(body, "status", errors);
  auto all = web::json_flag(body, "all_unmarked", errors, "0") == "1";
  std::vector<std::int64_t> ids;
  if (auto* v = body.if_contains("registration_ids")) {
    if (!v->is_array()) errors.push_back({"registration_ids", "registration_ids est une liste d'identifiants."});
    else
      for (auto& x : v->as_array()) {
        if (x.is_int64() && x.as_int64() > 0) ids.push_back(x.as_int64());
        else errors.push_back({"registration_ids", "registration_ids est une liste d'identifiants."});
      }
  }
  if (to != "attended" && to != "no_show")
    errors.push_back({"status", "Le statut est attended (présent) ou no_show (absent)."});
  if (!all && ids.empty() && errors.empty())
    errors.push_back({"registration_ids", "Donnez des inscriptions, ou all_unmarked: true."});
  auto now = auth::now_utc();
  if (errors.empty()) {
    if (auto closed = attendance_closed_reason(e.status, e.starts_at, now)) errors.push_back({"status", *closed});
    else if (!event_over(e.ends_at, now))
      errors.push_back({"status", "Le pointage groupé s'ouvre à la fin de l'événement."});
  }
  if (!errors.empty()) return web::validation_problem(errors);
  auto n = bulk_attendance(ctx.db(), e.id, ids, all, to, now, ctx.user().id);
  audit::record(ctx.db(), ctx.user().id, "update", "event", e.id, fmt::format("pointage groupé : {} {}", n, to),
                ctx.req.remote_addr);
  auto c = attendance_count(ctx.db(), e.id);
  return web::json_response(json::object{
      {"changed", n}, {"expected", c.expected}, {"attended", c.attended}, {"no_show", c.no_show}});
}

http::Response api_checkin(Ctx& ctx) {
  auto e = managed_event_or_404(ctx, web::path_id(ctx));
  json::array items;
  for (auto& r : checkin_list(ctx.db(), e.id, ctx.req.query("q"))) items.push_back(registration_json(r));
  auto c = attendance_count(ctx.db(), e.id);
  return web::json_response(json::object{{"items", std::move(items)},
                                         {"expected", c.expected},
                                         {"attended", c.attended},
                                         {"no_show", c.no_show}});
}

http::Response api_outcome_put(Ctx& ctx) {
  auto e = managed_event_or_404(ctx, web::path_id(ctx));
  auto body = ctx.json_body();
  web::Errors errors;
  OutcomeTyped typed;
  typed.outcome.synthesis = web::json_field(body, "synthesis", errors);
  if (auto* v = body.if_contains("videos")) {
    if (!v->is_array()) errors.push_back({"videos", "videos est une liste d'objets {title, url}."});
    else
      for (auto& x : v->as_array()) {
        if (!x.is_object()) {
          errors.push_back({"videos", "videos est une liste d'objets {title, url}."});
          continue;
        }
        typed.outcome.videos.push_back(
            {web::json_field(x.as_object(), "title", errors), web::json_field(x.as_object(), "url", errors)});
      }
  }
  if (auto* n = body.if_contains("next"); n && !n->is_null()) {
    if (!n->is_object()) errors.push_back({"next", "next est un objet {starts_at, ends_at}."});
    else {
      typed.next.starts_at = web::json_field(n->as_object(), "starts_at", errors);
      typed.next.ends_at = web::json_field(n->as_object(), "ends_at", errors);
      if (typed.next.starts_at.empty() && typed.next.ends_at.empty())
        errors.push_back({"next_starts_at", "Indiquez la date de la prochaine rencontre."});
    }
  }
  if (!errors.empty()) return web::validation_problem(errors);
  auto out = save(ctx, e, typed);
  if (auto* errs = std::get_if<web::Errors>(&out)) return web::validation_problem(*errs);
  return web::json_response(outcome_json(get_outcome(ctx.db(), e.id)));
}

http::Response api_report(Ctx& ctx) {
  web::Errors errors;
  auto f = report_filter(ctx, errors, "from", "to");
  if (!errors.empty()) return web::validation_problem(errors);
  auto rep = attendance_report(ctx.db(), f);
  // A year of a national network is thousands of objects: one arena for all.
  json::monotonic_resource arena(1 << 20);
  json::storage_ptr sp(&arena);
  json::array events(sp), members(sp), regions(sp), never(sp);
  events.reserve(rep.events.size());
  for (auto& e : rep.events) {
    json::array regs(sp);
    for (auto& r : e.regions) regs.emplace_back(json::string_view(r));
    events.emplace_back(json::object({{"id", e.id},
                                      {"title", e.title},
                                      {"kind", e.kind},
                                      {"starts_at", e.starts_at},
                                      {"organiser_name", e.organiser_name},
                                      {"status", e.status},
                                      {"regions", std::move(regs)},
                                      {"registrations", e.registrations},
                                      {"attended", e.attended},
                                      {"no_show", e.no_show},
                                      {"cancelled", e.cancelled},
                                      {"waitlisted", e.waitlisted}},
                                     sp));
  }
  auto member = [&sp](const MemberReportRow& m) {
    return json::object({{"organisation_id", m.organisation_id},
                         {"name", m.name},
                         {"kind", m.kind},
                         {"region", m.region},
                         {"registrations", m.registrations},
                         {"events", m.events},
                         {"attended", m.attended},
                         {"no_show", m.no_show},
                         {"last_attended_at", m.last_attended.empty() ? json::value(nullptr) : json::value(m.last_attended)}},
                        sp);
  };
  members.reserve(rep.members.size());
  for (auto& m : rep.members) members.emplace_back(member(m));
  for (auto& m : rep.never) never.emplace_back(member(m));
  for (auto& r : rep.regions)
    regions.emplace_back(json::object({{"region", r.region},
                                       {"region_name", region_name(r.region)},
                                       {"events", r.events},
                                       {"registrations", r.registrations},
                                       {"attended", r.attended},
                                       {"no_show", r.no_show},
                                       {"members", r.members},
                                       {"members_attending", r.members_attending}},
                                      sp));
  json::object out({{"from", f.from},
                    {"to", f.to},
                    {"registrations", rep.registrations},
                    {"attended", rep.attended},
                    {"no_show", rep.no_show},
                    {"events", std::move(events)},
                    {"members", std::move(members)},
                    {"regions", std::move(regions)},
                    {"members_never_attending", std::move(never)}},
                   sp);
  return web::json_response(out);
}

}  // namespace

void outcome_view(const Outcome& o, json::object& data) {
  json::array paragraphs, videos;
  std::size_t start = 0;
  while (start < o.synthesis.size()) {
    auto end = o.synthesis.find("\n\n", start);
    auto p = o.synthesis.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (p.find_first_not_of(" \r\n\t") != std::string::npos) paragraphs.push_back(json::value(p));
    if (end == std::string::npos) break;
    start = end + 2;
  }
  for (auto& v : o.videos) videos.push_back(json::object{{"title", v.title}, {"url", v.url}});
  bool any = !paragraphs.empty() || !videos.empty() || o.next_event_id;
  data["has_outcome"] = any;
  data["synthesis_paragraphs"] = std::move(paragraphs);
  data["has_videos"] = !videos.empty();
  data["videos"] = std::move(videos);
  data["has_next"] = o.next_event_id.has_value();
  data["next_id"] = o.next_event_id.value_or(0);
  data["next_title"] = o.next_title;
  data["next_when"] = o.next_starts_at.empty() ? "" : web::french_datetime(o.next_starts_at);
}

void register_attendance_routes(web::App& app) {
  // Before /evenements/{id}: "rapports" is not an id.
  app.route("GET", "/evenements/rapports", staff(), [](Ctx& ctx) { return report_page(ctx); });
  app.route("GET", "/evenements/rapports/export.csv", staff(), [](Ctx& ctx) { return report_export(ctx, "csv"); });
  app.route("GET", "/evenements/rapports/export.xlsx", staff(), [](Ctx& ctx) { return report_export(ctx, "xlsx"); });
  app.route("GET", "/evenements/{id}/emargement", staff(),
            [](Ctx& ctx) { return checkin_page(ctx, managed_event_or_404(ctx, web::path_id(ctx))); });
  app.route("GET", "/evenements/{id}/emargement.csv", staff(),
            [](Ctx& ctx) { return checkin_export(ctx, managed_event_or_404(ctx, web::path_id(ctx)), "csv"); });
  app.route("GET", "/evenements/{id}/emargement.xlsx", staff(),
            [](Ctx& ctx) { return checkin_export(ctx, managed_event_or_404(ctx, web::path_id(ctx)), "xlsx"); });
  app.route("POST", "/evenements/{id}/emargement/{rid}", staff(), [](Ctx& ctx) { return mark_from_form(ctx); });
  app.route("POST", "/evenements/{id}/presences", staff(), [](Ctx& ctx) { return bulk_from_form(ctx); });
  app.route("GET", "/evenements/{id}/bilan", staff(), [](Ctx& ctx) {
    auto e = managed_event_or_404(ctx, web::path_id(ctx));
    auto o = get_outcome(ctx.db(), e.id);
    OutcomeTyped typed;
    typed.outcome.synthesis = o.synthesis;
    for (auto& v : o.videos) typed.outcome.videos.push_back({v.title, v.url});
    return outcome_form(ctx, e, typed, {}, 200);
  });
  app.route("POST", "/evenements/{id}/bilan", staff(), [](Ctx& ctx) {
    auto e = managed_event_or_404(ctx, web::path_id(ctx));
    OutcomeTyped typed;
    typed.outcome.synthesis = ctx.form("synthesis");
    auto titles = ctx.form_all("video_title"), urls = ctx.form_all("video_url");
    for (std::size_t i = 0; i < std::max(titles.size(), urls.size()); ++i)
      typed.outcome.videos.push_back({i < titles.size() ? titles[i] : "", i < urls.size() ? urls[i] : ""});
    typed.next = {ctx.form("next_starts_at"), ctx.form("next_ends_at")};
    OutcomeTyped as_typed = typed;  // shown back as typed when refused
    auto out = save(ctx, e, typed);
    if (auto* errors = std::get_if<web::Errors>(&out)) {
      // Keep the rows typed (validation drops empty ones).
      std::erase_if(as_typed.outcome.videos, [](const VideoInput& v) { return v.title.empty() && v.url.empty(); });
      return outcome_form(ctx, e, as_typed, *errors, 422);
    }
    auto next = std::get<std::optional<std::int64_t>>(out);
    ctx.flash(next ? "Le bilan est enregistré et la prochaine rencontre est annoncée au même public."
                   : "Le bilan est enregistré.");
    return http::Response::redirect(fmt::format("/evenements/{}", e.id));
  });

  app.route("GET", "/api/v1/events/reports", staff(), [](Ctx& ctx) { return api_report(ctx); });
  app.route("GET", "/api/v1/events/{id}/checkin", staff(), [](Ctx& ctx) { return api_checkin(ctx); });
  app.route("POST", "/api/v1/events/{id}/attendance", staff(), [](Ctx& ctx) { return api_bulk(ctx); });
  app.route("POST", "/api/v1/registrations/{id}/attendance", staff(), [](Ctx& ctx) { return api_mark(ctx); });
  app.route("GET", "/api/v1/events/{id}/outcome", readers(), [](Ctx& ctx) {
    auto e = get_event(ctx.db(), access_of(ctx), web::path_id(ctx));
    if (!e) throw web::NotFound{};
    return web::json_response(outcome_json(get_outcome(ctx.db(), e->id)));
  });
  app.route("PUT", "/api/v1/events/{id}/outcome", staff(), [](Ctx& ctx) { return api_outcome_put(ctx); });
}

}  // namespace passerelle::events
