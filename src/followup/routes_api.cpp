// JSON API of the follow-up module (issue 3): /api/v1/participants,
// /enrolments, /interactions, /difficulties, /programmes, /followup/due and
// /followup/dashboard. Referents and supervisors only (403 for other roles);
// every read goes through the caller's scope (404 outside it); errors are
// problem+json with the French messages of the rules and the store.
// Described in web/static/openapi.json.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/auth/audit.hpp"
#include "core/web/app.hpp"
#include "core/web/input.hpp"
#include "core/web/text.hpp"
#include "followup/model.hpp"
#include "followup/routes.hpp"
#include "followup/rules.hpp"
#include "followup/store.hpp"

namespace passerelle::followup {
namespace {

using web::Ctx;
using web::hex;
using web::json_response;
using web::path_id;
using web::query_id;
using web::query_limit;
using web::required_query_id;
using web::json_field;
using web::json_flag;
namespace json = boost::json;

Scope scope_of(Ctx& ctx) { return ctx.user().scope_roots({"referent", "supervisor"}); }


// A positive id in the body; nullopt with an error when wrong, nullopt alone when absent.
std::optional<std::int64_t> body_id(const json::object& body, const char* name, web::Errors& errors,
                                    const char* missing = nullptr) {
  auto v = text::trim(json_field(body, name, errors));
  if (v.empty()) {
    if (missing) errors.push_back({name, missing});
    return std::nullopt;
  }
  if (v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos || std::stoll(v) <= 0) {
    errors.push_back({name, "Ce champ doit être un identifiant numérique."});
    return std::nullopt;
  }
  return std::stoll(v);
}

json::value opt_json(const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(s); }
template <class T>
json::value opt_json(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

// --- JSON of the records ---------------------------------------------------------------

json::object brief_json(const EnrolmentBrief& e) {
  return {{"id", e.id},
          {"programme_id", e.programme_id},
          {"programme_name", e.programme_name},
          {"referent_id", e.referent_id},
          {"referent_name", e.referent_name},
          {"status", e.status}};
}

json::object row_json(const ParticipantRow& p) {
  json::array enrolments;
  for (auto& e : p.enrolments) enrolments.push_back(brief_json(e));
  return {{"id", p.id},
          {"organisation_id", p.organisation_id},
          {"organisation_name", p.organisation_name},
          {"first_name", p.first_name},
          {"last_name", p.last_name},
          {"birth_date", p.birth_date},
          {"phone", p.phone},
          {"email", p.email},
          {"commune", p.commune},
          {"enrolments", std::move(enrolments)}};
}

json::object enrolment_json(const Enrolment& e, Date today) {
  json::object o{{"id", e.id},
                 {"participant_id", e.participant_id},
                 {"programme_id", e.programme_id},
                 {"programme_name", e.programme_name},
                 {"programme_kind", e.programme_kind},
                 {"organisation_id", e.organisation_id},
                 {"organisation_name", e.organisation_name},
                 {"referent_id", e.referent_id},
                 {"referent_name", e.referent_name},
                 {"cadence_days", e.cadence_days},
                 {"cohort_id", opt_json(e.cohort_id)},
                 {"cohort_name", opt_json(e.cohort_name)},
                 {"phase_id", opt_json(e.phase_id)},
                 {"phase_name", opt_json(e.phase_name)},
                 {"status", e.status},
                 {"status_label", std::string(label_of(kEnrolmentStatuses, e.status))},
                 {"entry_date", e.entry_date},
                 {"exit_date", opt_json(e.exit_date)},
                 {"exit_outcome", opt_json(e.exit_outcome)},
                 {"last_reached_on", opt_json(e.last_reached_on)},
                 {"next_due_on", opt_json(e.next_due_on)},
                 {"unreachable_on", opt_json(e.unreachable_on)},
                 {"failed_streak", e.failed_streak},
                 {"created_at", e.created_at},
                 {"updated_at", e.updated_at}};
  if (!e.exit_outcome.empty()) o["positive_exit"] = is_positive_exit(e.exit_outcome);
  // Whether the person is on the referent's "À contacter" list today.
  if (e.status == "active") {
    const bool unreachable = !e.unreachable_on.empty() && e.unreachable_on <= format_date(today);
    const bool due = !e.next_due_on.empty() && e.next_due_on <= format_date(today);
    o["due_today"] = (due || unreachable) && e.entry_date <= format_date(today);
  }
  return o;
}

json::object participant_json(const Participant& p) {
  json::array benefits;
  for (auto& b : p.benefits) benefits.emplace_back(b);
  return {{"id", p.id},
          {"organisation_id", p.organisation_id},
          {"organisation_name", p.organisation_name},
          {"first_name", p.first_name},
          {"last_name", p.last_name},
          {"birth_date", p.birth_date},
          {"gender", p.gender},
          {"email", p.email},
          {"phone", p.phone},
          {"address", p.address},
          {"postcode", p.postcode},
          {"commune", p.commune},
          {"commune_insee", p.commune_insee},
          {"languages", p.languages},
          {"labour_status", p.labour_status},
          {"education_level", p.education_level},
          {"housing", p.housing},
          {"benefits", std::move(benefits)},
          {"rqth", p.rqth},
          {"qpv", p.qpv},
          {"consent_date", p.consent_at},
          {"created_at", p.created_at},
          {"updated_at", p.updated_at}};
}

json::object interaction_json(const Interaction& i) {
  return {{"id", i.id},
          {"participant_id", i.participant_id},
          {"at", i.at},
          {"on", i.on},
          {"channel", i.channel},
          {"channel_label", std::string(label_of(kInteractionChannels, i.channel))},
          {"outcome", i.outcome},
          {"outcome_label", std::string(label_of(kInteractionOutcomes, i.outcome))},
          {"reached", outcome_is_reached(i.outcome)},
          {"level", i.level},
          {"notes", i.notes},
          {"author_id", i.author_id},
          {"author_name", i.author_name},
          {"created_at", i.created_at}};
}

json::object difficulty_json(const Difficulty& d) {
  const DifficultySubkind* sub = find_subkind(d.kind, d.sub_kind);
  return {{"id", d.id},
          {"participant_id", d.participant_id},
          {"kind", d.kind},
          {"kind_label", std::string(label_of(kDifficultyKinds, d.kind))},
          {"sub_kind", opt_json(d.sub_kind)},
          {"sub_kind_label", sub ? json::value(std::string(sub->label)) : json::value(nullptr)},
          {"sensitive", d.sensitive},
          {"status", d.status},
          {"status_label", std::string(label_of(kDifficultyStatuses, d.status))},
          {"identified_on", d.identified_on},
          {"partner_organisation_id", opt_json(d.partner_organisation_id)},
          {"partner_name", opt_json(d.partner_name)},
          {"notes", d.notes},
          {"updated_at", d.updated_at}};
}

// --- Scope checks ------------------------------------------------------------------------

Participant participant_or_404(Ctx& ctx, std::int64_t id) {
  auto p = get_participant(ctx.db(), scope_of(ctx), id);
  if (!p) throw web::NotFound{};
  return *p;
}

// Sensitive difficulties: the referent of one of the person's current
// enrolments, or a supervisor whose scope covers the person's organisation.
bool may_see_sensitive(Ctx& ctx, const Participant& p) {
  const auto& user = ctx.user();
  for (auto& e : enrolments_of(ctx.db(), p.id))
    if (e.status != "exited" && e.referent_id == user.id) return true;
  auto org = network::get_organisation(ctx.db(), scope_of(ctx), p.organisation_id);
  return org && user.can_reach(org->path, {"supervisor"});
}

void audit_sensitive(Ctx& ctx, const Participant& p, std::size_t n) {
  audit::record(ctx.db(), ctx.user().id, "read_sensitive", "participant", p.id,
                fmt::format("{} difficulté(s) sensible(s) de {} {} (API)", n, p.first_name, p.last_name),
                ctx.req.remote_addr);
}

// --- Participants ------------------------------------------------------------------------------

ParticipantInput participant_input(const json::object& body, web::Errors& errors, const Participant* base) {
  auto b = [&](const char* name, const std::string& current) { return json_field(body, name, errors, base ? current : ""); };
  ParticipantInput in;
  in.first_name = b("first_name", base ? base->first_name : "");
  in.last_name = b("last_name", base ? base->last_name : "");
  in.birth_date = b("birth_date", base ? base->birth_date : "");
  in.gender = b("gender", base ? base->gender : "");
  in.email = b("email", base ? base->email : "");
  in.phone = b("phone", base ? base->phone : "");
  in.address = b("address", base ? base->address : "");
  in.postcode = b("postcode", base ? base->postcode : "");
  in.commune = b("commune", base ? base->commune : "");
  in.commune_insee = b("commune_insee", base ? base->commune_insee : "");
  in.languages = b("languages", base ? base->languages : "");
  in.labour_status = b("labour_status", base ? base->labour_status : "");
  in.education_level = b("education_level", base ? base->education_level : "");
  in.housing = b("housing", base ? base->housing : "");
  in.rqth = json_flag(body, "rqth", errors, base ? (base->rqth ? "1" : "0") : "");
  in.qpv = json_flag(body, "qpv", errors, base ? (base->qpv ? "1" : "0") : "");
  in.consent_date = b("consent_date", base ? base->consent_at : "");
  in.consent = json_flag(body, "consent", errors, base ? "1" : "");
  if (auto it = body.find("benefits"); it != body.end()) {
    if (!it->value().is_array()) {
      errors.push_back({"benefits", "Ce champ doit être une liste de codes (rsa, ass, aah, are)."});
    } else {
      for (auto& v : it->value().get_array()) {
        if (v.is_string()) in.benefits.emplace_back(v.get_string());
        else errors.push_back({"benefits", "Chaque allocation est désignée par son code (rsa, ass, aah, are)."});
      }
    }
  } else if (base) {
    in.benefits = base->benefits;
  }
  return in;
}

// The structure that follows a new person: the one named, in scope, or the
// caller's only structure.
std::optional<std::int64_t> participant_organisation(Ctx& ctx, const json::object& body, web::Errors& errors) {
  auto id = body_id(body, "organisation_id", errors);
  if (web::find_error(errors, "organisation_id")) return std::nullopt;
  if (id) {
    if (!network::get_organisation(ctx.db(), scope_of(ctx), *id)) {
      errors.push_back({"organisation_id", "Cette structure est introuvable dans votre périmètre."});
      return std::nullopt;
    }
    return id;
  }
  std::set<std::int64_t> orgs;
  for (auto& g : ctx.user().grants)
    if (g.role == "referent" || g.role == "supervisor") orgs.insert(g.organisation_id);
  if (orgs.size() == 1) return *orgs.begin();
  errors.push_back({"organisation_id", "Indiquez la structure qui suit la personne."});
  return std::nullopt;
}

http::Response participant_response(Ctx& ctx, std::int64_t id, int status) {
  auto p = get_participant(ctx.db(), scope_of(ctx), id);
  if (!p) throw web::NotFound{};
  auto o = participant_json(*p);
  json::array enrolments;
  const Date today = paris_today();
  for (auto& e : enrolments_of(ctx.db(), id)) enrolments.push_back(enrolment_json(e, today));
  o["enrolments"] = std::move(enrolments);
  return json_response(o, status);
}

http::Response create_participant_api(Ctx& ctx) {
  auto body = ctx.json_body();
  web::Errors errors;
  auto in = participant_input(body, errors, nullptr);
  auto org = participant_organisation(ctx, body, errors);
  bool confirm = false;
  if (auto it = body.find("confirm_duplicate"); it != body.end()) {
    if (it->value().is_bool()) confirm = it->value().get_bool();
    else errors.push_back({"confirm_duplicate", "Ce champ doit valoir true ou false."});
  }
  for (auto& e : validate_participant(in, paris_today()))
    if (!web::find_error(errors, e.field)) errors.push_back(e);
  if (!errors.empty()) return web::validation_problem(errors);
  if (!confirm) {
    auto duplicates = likely_duplicates(ctx.db(), scope_of(ctx), in.first_name, in.last_name, in.birth_date);
    if (!duplicates.empty()) {
      json::array list;
      for (auto& d : duplicates) {
        auto o = row_json(d);
        o["href"] = fmt::format("/api/v1/participants/{}", d.id);
        list.push_back(std::move(o));
      }
      return http::Response::problem(
          409, "Doublon probable",
          "Une personne de même nom et de même date de naissance est déjà suivie : vérifiez qu'il ne s'agit pas "
          "d'elle, ou renvoyez la demande avec « confirm_duplicate »: true.",
          "\"duplicates\":" + json::serialize(list));
    }
  }
  db::Transaction tx(ctx.db());
  auto id = create_participant(ctx.db(), *org, in);
  if (!id) return web::validation_problem(id.error());
  audit::record(ctx.db(), ctx.user().id, "create", "participant", *id,
                text::trim(in.first_name) + " " + text::trim(in.last_name), ctx.req.remote_addr);
  tx.commit();
  auto res = participant_response(ctx, *id, 201);
  res.set_header("Location", fmt::format("/api/v1/participants/{}", *id));
  return res;
}

http::Response update_participant_api(Ctx& ctx, bool merge) {
  auto existing = participant_or_404(ctx, path_id(ctx));
  auto body = ctx.json_body();
  web::Errors errors;
  auto in = participant_input(body, errors, merge ? &existing : nullptr);
  for (auto& e : validate_participant(in, paris_today()))
    if (!web::find_error(errors, e.field)) errors.push_back(e);
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  auto r = update_participant(ctx.db(), existing.id, in);
  if (!r) return web::validation_problem(r.error());
  audit::record(ctx.db(), ctx.user().id, "update", "participant", existing.id,
                text::trim(in.first_name) + " " + text::trim(in.last_name), ctx.req.remote_addr);
  tx.commit();
  return participant_response(ctx, existing.id, 200);
}

ParticipantFilter participant_filter(Ctx& ctx) {
  ParticipantFilter f;
  f.q = ctx.req.query("q");
  if (f.q.size() > 200) f.q.resize(200);
  f.programme_id = query_id(ctx, "programme_id");
  f.referent_id = query_id(ctx, "referent_id");
  f.status = ctx.req.query("status");
  if (!f.status.empty() && !find_code(kEnrolmentStatuses, f.status))
    throw web::BadRequest{"Le paramètre « status » doit valoir active, suspended ou exited."};
  f.difficulty_kind = ctx.req.query("difficulty");
  if (!f.difficulty_kind.empty() && !find_code(kDifficultyKinds, f.difficulty_kind))
    throw web::BadRequest{"Le paramètre « difficulty » doit être un code de difficulté connu."};
  // A sensitive kind filters only for a supervisor of the whole scope (else it would reveal who has one).
  f.include_sensitive = ctx.user().scope_roots({"supervisor"}) == scope_of(ctx);
  f.pass_ending_soon = ctx.req.query("pass_ending_soon") == "true";
  auto after = ctx.req.query("after");
  if (!after.empty()) {
    auto dot = after.find('.');
    auto id = after.substr(0, dot);
    if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos)
      throw web::BadRequest{"Le paramètre « after » est invalide : reprenez la valeur « next » de la page précédente."};
    f.after_id = std::stoll(id);
    auto h = dot == std::string::npos ? std::string() : after.substr(dot + 1);
    if (h.size() % 2 || h.find_first_not_of("0123456789abcdef") != std::string::npos)
      throw web::BadRequest{"Le paramètre « after » est invalide : reprenez la valeur « next » de la page précédente."};
    for (std::size_t i = 0; i + 1 < h.size(); i += 2)
      f.after_key += static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16));
  }
  f.limit = query_limit(ctx, 50, 200);
  return f;
}

// --- Enrolments ------------------------------------------------------------------------------------

Enrolment enrolment_or_404(Ctx& ctx, std::int64_t id) {
  auto e = get_enrolment(ctx.db(), scope_of(ctx), id);
  if (!e) throw web::NotFound{};
  return *e;
}

http::Response enrolment_response(Ctx& ctx, std::int64_t id, int status) {
  auto e = enrolment_or_404(ctx, id);
  auto o = enrolment_json(e, paris_today());
  json::array history;
  for (auto& h : enrolment_history(ctx.db(), id))
    history.push_back(json::object{{"at", h.at},
                                   {"kind", h.kind},
                                   {"from", h.from_value},
                                   {"to", h.to_value},
                                   {"from_label", h.from_label},
                                   {"to_label", h.to_label},
                                   {"reason", h.reason},
                                   {"user_name", h.user_name}});
  o["history"] = std::move(history);
  return json_response(o, status);
}

http::Response create_enrolment_api(Ctx& ctx) {
  auto body = ctx.json_body();
  web::Errors errors;
  NewEnrolment n;
  auto pid = body_id(body, "participant_id", errors, "Indiquez la personne.");
  auto programme = body_id(body, "programme_id", errors, "Choisissez un programme dans la liste.");
  auto referent = body_id(body, "referent_id", errors, "Choisissez un·e référent·e.");
  n.entry_date = json_field(body, "entry_date", errors);
  n.cohort_id = body_id(body, "cohort_id", errors);
  std::optional<Participant> p;
  if (pid) {
    p = get_participant(ctx.db(), scope_of(ctx), *pid);
    if (!p) errors.push_back({"participant_id", "Cette personne est introuvable dans votre périmètre."});
  }
  if (programme && !get_programme(ctx.db(), scope_of(ctx), *programme))
    errors.push_back({"programme_id", "Choisissez un programme dans la liste."});
  if (!errors.empty()) {
    if (n.entry_date.empty() && !web::find_error(errors, "entry_date"))
      errors.push_back({"entry_date", "La date d'entrée est obligatoire."});
    return web::validation_problem(errors);
  }
  n.participant_id = *pid;
  n.programme_id = *programme;
  n.referent_id = *referent;
  n.organisation_id = p->organisation_id;
  n.user_id = ctx.user().id;
  db::Transaction tx(ctx.db());
  auto id = enrol(ctx.db(), n);
  if (!id) return web::validation_problem(id.error());
  audit::record(ctx.db(), ctx.user().id, "create", "enrolment", *id,
                fmt::format("{} {} (entrée le {})", p->first_name, p->last_name, text::trim(n.entry_date)),
                ctx.req.remote_addr);
  tx.commit();
  auto res = enrolment_response(ctx, *id, 201);
  res.set_header("Location", fmt::format("/api/v1/enrolments/{}", *id));
  return res;
}

// --- Interactions ---------------------------------------------------------------------------------

http::Response create_interaction_api(Ctx& ctx) {
  auto body = ctx.json_body();
  web::Errors errors;
  auto pid = body_id(body, "participant_id", errors, "Indiquez la personne.");
  InteractionInput in;
  in.at = json_field(body, "at", errors);
  in.channel = json_field(body, "channel", errors);
  in.outcome = json_field(body, "outcome", errors);
  in.level = json_field(body, "level", errors);
  in.notes = json_field(body, "notes", errors);
  std::optional<Participant> p;
  if (pid) {
    p = get_participant(ctx.db(), scope_of(ctx), *pid);
    if (!p) errors.push_back({"participant_id", "Cette personne est introuvable dans votre périmètre."});
  }
  auto now = parse_datetime(auth::now_utc()).value_or(DateTime{});
  for (auto& e : validate_interaction(in, now))
    if (!web::find_error(errors, e.field)) errors.push_back(e);
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  auto id = log_interaction(ctx.db(), p->id, in, ctx.user().id);
  if (!id) return web::validation_problem(id.error());
  audit::record(ctx.db(), ctx.user().id, "create", "interaction", *id,
                fmt::format("{} {} : {}", p->first_name, p->last_name, label_of(kInteractionOutcomes, text::trim(in.outcome))),
                ctx.req.remote_addr);
  tx.commit();
  json::object o;
  for (auto& i : interactions_of(ctx.db(), p->id, 50))
    if (i.id == *id) o = interaction_json(i);
  // The follow-up of the person's current enrolments after this contact.
  json::array enrolments;
  const Date today = paris_today();
  for (auto& e : enrolments_of(ctx.db(), p->id))
    if (e.status != "exited") enrolments.push_back(enrolment_json(e, today));
  o["enrolments"] = std::move(enrolments);
  return json_response(o, 201);
}

// --- Due list and dashboard ------------------------------------------------------------------------

http::Response due_api(Ctx& ctx) {
  const auto& user = ctx.user();
  std::int64_t referent = user.id;
  if (auto id = query_id(ctx, "referent"); id && *id != user.id) {
    // Another referent's list: for a supervisor whose scope covers one of their structures.
    if (!user.has_role("supervisor"))
      return http::Response::problem(403, "Accès refusé",
                                     "Seul·e un·e superviseur·e peut consulter la liste d'un·e autre référent·e.");
    auto other = auth::load_user(ctx.db(), *id);
    bool covered = false;
    if (other)
      for (auto& g : other->grants)
        if ((g.role == "referent" || g.role == "supervisor") && user.can_reach(g.organisation_path, {"supervisor"}))
          covered = true;
    if (!covered) throw web::NotFound{};
    referent = *id;
  }
  const Date today = paris_today();
  auto rows = due_list(ctx.db(), referent, today);
  json::array items;
  std::map<std::string, std::int64_t> counts;
  for (const auto& s : kDueStatuses)
    if (s.code != "ok") counts[std::string(s.code)] = 0;
  for (auto& r : rows) {
    const std::string status(due_status_code(r.due.status));
    ++counts[status];
    items.push_back(json::object{{"enrolment_id", r.enrolment_id},
                                 {"participant_id", r.participant_id},
                                 {"programme_id", r.programme_id},
                                 {"programme_name", r.programme_name},
                                 {"first_name", r.first_name},
                                 {"last_name", r.last_name},
                                 {"phone", r.phone},
                                 {"status", status},
                                 {"status_label", std::string(label_of(kDueStatuses, status))},
                                 {"due_on", format_date(r.due.due)},
                                 {"last_reached_on", r.due.last_reached ? json::value(format_date(*r.due.last_reached))
                                                                        : json::value(nullptr)},
                                 {"failed_streak", r.due.failed_streak}});
  }
  json::object c;
  for (auto& [k, v] : counts) c[k] = v;
  return json_response(json::object{{"referent_id", referent},
                                    {"today", format_date(today)},
                                    {"total", static_cast<std::int64_t>(rows.size())},
                                    {"counts", std::move(c)},
                                    {"items", std::move(items)}});
}

http::Response dashboard_api(Ctx& ctx) {
  web::Errors errors;
  DashboardFilter f;
  auto date = [&](const char* name, const char* missing) -> std::optional<Date> {
    auto v = ctx.req.query(name);
    if (v.empty()) {
      errors.push_back({name, missing});
      return std::nullopt;
    }
    auto d = parse_date(v);
    if (!d)
      errors.push_back({name, "Cette date n'est pas valide : saisissez-la au format AAAA-MM-JJ (exemple : 2020-04-15)."});
    return d;
  };
  auto from = date("from", "Indiquez le début de la période (from=AAAA-MM-JJ).");
  auto to = date("to", "Indiquez la fin de la période (to=AAAA-MM-JJ).");
  if (from && to && *from > *to) errors.push_back({"to", "La fin de la période doit être postérieure ou égale à son début."});
  if (from && to && days_between(*from, *to) > 366 * 10)
    errors.push_back({"from", "La période ne doit pas dépasser dix ans."});
  const auto scope = scope_of(ctx);
  f.programme_id = query_id(ctx, "programme_id");
  if (f.programme_id && !get_programme(ctx.db(), scope, *f.programme_id))
    errors.push_back({"programme_id", "Ce programme est introuvable dans votre périmètre."});
  f.referent_id = query_id(ctx, "referent_id");
  f.organisation_id = query_id(ctx, "organisation_id");
  if (f.organisation_id && !network::get_organisation(ctx.db(), scope, *f.organisation_id))
    errors.push_back({"organisation_id", "Cette structure est introuvable dans votre périmètre."});
  if (!errors.empty()) return web::validation_problem(errors);
  f.from = *from;
  f.to = *to;
  // Sensitive kinds are counted for a supervisor of the whole scope, or for a
  // referent looking at their own people.
  f.include_sensitive = ctx.user().scope_roots({"supervisor"}) == scope ||
                        (f.referent_id && *f.referent_id == ctx.user().id);
  auto& conn = ctx.db();
  auto extra = ctx.extra_connection();
  auto d = dashboard(conn, scope, f, extra ? &**extra : nullptr);
  json::array kinds;
  for (auto& [kind, n] : d.difficulties_by_kind)
    kinds.push_back(json::object{{"kind", kind}, {"label", std::string(label_of(kDifficultyKinds, kind))}, {"people", n}});
  return json_response(json::object{
      {"from", format_date(f.from)},
      {"to", format_date(f.to)},
      {"programme_id", opt_json(f.programme_id)},
      {"referent_id", opt_json(f.referent_id)},
      {"organisation_id", opt_json(f.organisation_id)},
      {"followed", d.counts.followed},
      {"interactions", d.counts.interactions},
      {"people_contacted", d.counts.people_contacted},
      {"people_reached", d.counts.people_reached},
      {"followed_not_reached", d.counts.followed_not_reached},
      {"assessed", d.counts.assessed},
      {"unable_to_email", d.counts.unable_to_email},
      {"entries", d.entries},
      {"exits", d.counts.exits},
      {"positive_exits", d.counts.positive_exits},
      {"unreachable", d.unreachable},
      {"shares",
       json::object{{"not_reached", d.shares.not_reached},
                    {"unable_to_email", d.shares.unable_to_email},
                    {"positive_exits", d.shares.positive_exits}}},
      {"difficulties_by_kind", std::move(kinds)},
      {"sensitive_included", f.include_sensitive}});
}

}  // namespace

void register_api_routes(web::App& app) {
  auto access = web::Access::roles_in({"referent", "supervisor"});

  // --- Programmes (read) ---
  app.route("GET", "/api/v1/programmes", access, [](Ctx& ctx) {
    json::array items;
    for (auto& p : list_programmes(ctx.db(), scope_of(ctx))) {
      json::array phases, cohorts;
      for (auto& ph : p.phases) phases.push_back(json::object{{"id", ph.id}, {"name", ph.name}, {"position", ph.position}});
      for (auto& c : p.cohorts) cohorts.push_back(json::object{{"id", c.id}, {"name", c.name}, {"start_date", c.start_date}});
      items.push_back(json::object{{"id", p.id},
                                   {"organisation_id", p.organisation_id},
                                   {"organisation_name", p.organisation_name},
                                   {"name", p.name},
                                   {"kind", p.kind},
                                   {"cadence_days", p.cadence_days},
                                   {"max_duration_months", p.max_duration_months},
                                   {"phases", std::move(phases)},
                                   {"cohorts", std::move(cohorts)}});
    }
    return json_response(json::object{{"items", std::move(items)}});
  });

  // --- Participants ---
  app.route("GET", "/api/v1/participants", access, [](Ctx& ctx) {
    auto f = participant_filter(ctx);
    auto page = participant_page(ctx.db(), scope_of(ctx), f, 100000);
    json::array items;
    for (auto& p : page.items) items.push_back(row_json(p));
    json::object out{{"items", std::move(items)}, {"total", page.total}};
    if (static_cast<int>(page.items.size()) == f.limit)
      out["next"] = fmt::format("{}.{}", page.items.back().id, hex(page.items.back().sort_name));
    else
      out["next"] = nullptr;
    return json_response(out);
  });
  app.route("POST", "/api/v1/participants", access, [](Ctx& ctx) { return create_participant_api(ctx); });
  app.route("GET", "/api/v1/participants/{id}", access, [](Ctx& ctx) {
    auto p = participant_or_404(ctx, path_id(ctx));
    return participant_response(ctx, p.id, 200);
  });
  for (auto method : {"PUT", "PATCH"}) {
    bool merge = std::string_view(method) == "PATCH";
    app.route(method, "/api/v1/participants/{id}", access, [merge](Ctx& ctx) { return update_participant_api(ctx, merge); });
  }

  // --- Enrolments ---
  app.route("GET", "/api/v1/enrolments", access, [](Ctx& ctx) {
    auto p = participant_or_404(ctx, required_query_id(ctx, "participant_id"));
    json::array items;
    const Date today = paris_today();
    for (auto& e : enrolments_of(ctx.db(), p.id)) items.push_back(enrolment_json(e, today));
    return json_response(json::object{{"items", std::move(items)}});
  });
  app.route("POST", "/api/v1/enrolments", access, [](Ctx& ctx) { return create_enrolment_api(ctx); });
  app.route("GET", "/api/v1/enrolments/{id}", access, [](Ctx& ctx) { return enrolment_response(ctx, path_id(ctx), 200); });
  app.route("POST", "/api/v1/enrolments/{id}/status", access, [](Ctx& ctx) {
    auto e = enrolment_or_404(ctx, path_id(ctx));
    auto body = ctx.json_body();
    web::Errors errors;
    auto transition = json_field(body, "transition", errors);
    auto exit_date = json_field(body, "exit_date", errors);
    auto outcome = json_field(body, "exit_outcome", errors);
    auto reason = json_field(body, "reason", errors);
    if (text::trim(transition).empty()) errors.push_back({"transition", "Indiquez le changement : suspend, resume ou exit."});
    if (!errors.empty()) return web::validation_problem(errors);
    EnrolmentExit exit;
    exit.exit_date = exit_date;
    exit.outcome = outcome;
    db::Transaction tx(ctx.db());
    auto status = change_enrolment_status(ctx.db(), e.id, text::trim(transition), exit, ctx.user().id, reason);
    if (!status) return web::validation_problem(status.error());
    audit::record(ctx.db(), ctx.user().id, "update", "enrolment", e.id,
                  fmt::format("statut : {} → {}", e.status, *status), ctx.req.remote_addr);
    tx.commit();
    return enrolment_response(ctx, e.id, 200);
  });
  app.route("POST", "/api/v1/enrolments/{id}/transfer", access, [](Ctx& ctx) {
    auto e = enrolment_or_404(ctx, path_id(ctx));
    auto body = ctx.json_body();
    web::Errors errors;
    auto referent = body_id(body, "referent_id", errors, "Choisissez le·la nouveau·elle référent·e.");
    auto reason = json_field(body, "reason", errors);
    if (!errors.empty()) return web::validation_problem(errors);
    db::Transaction tx(ctx.db());
    auto r = transfer_referent(ctx.db(), e.id, *referent, ctx.user().id, reason);
    if (!r) return web::validation_problem(r.error());
    audit::record(ctx.db(), ctx.user().id, "update", "enrolment", e.id,
                  fmt::format("changement de référent·e : {} → {}", e.referent_id, *referent), ctx.req.remote_addr);
    tx.commit();
    return enrolment_response(ctx, e.id, 200);
  });

  // --- Interactions ---
  app.route("GET", "/api/v1/interactions", access, [](Ctx& ctx) {
    auto p = participant_or_404(ctx, required_query_id(ctx, "participant_id"));
    json::array items;
    for (auto& i : interactions_of(ctx.db(), p.id, query_limit(ctx, 200, 1000))) items.push_back(interaction_json(i));
    return json_response(json::object{{"items", std::move(items)}});
  });
  app.route("POST", "/api/v1/interactions", access, [](Ctx& ctx) { return create_interaction_api(ctx); });

  // --- Difficulties ---
  app.route("GET", "/api/v1/difficulties", access, [](Ctx& ctx) {
    auto p = participant_or_404(ctx, required_query_id(ctx, "participant_id"));
    const bool sensitive = may_see_sensitive(ctx, p);
    auto rows = difficulties_of(ctx.db(), p.id, sensitive);
    json::array items;
    std::size_t n = 0;
    for (auto& d : rows) {
      if (d.sensitive) ++n;
      items.push_back(difficulty_json(d));
    }
    if (n) audit_sensitive(ctx, p, n);
    return json_response(json::object{{"items", std::move(items)}, {"sensitive_included", sensitive}});
  });
  app.route("POST", "/api/v1/difficulties", access, [](Ctx& ctx) {
    auto body = ctx.json_body();
    web::Errors errors;
    auto pid = body_id(body, "participant_id", errors, "Indiquez la personne.");
    DifficultyInput in;
    in.kind = json_field(body, "kind", errors);
    in.sub_kind = json_field(body, "sub_kind", errors);
    in.partner_organisation_id = json_field(body, "partner_organisation_id", errors);
    in.identified_on = json_field(body, "identified_on", errors);
    in.notes = json_field(body, "notes", errors);
    std::optional<Participant> p;
    if (pid) {
      p = get_participant(ctx.db(), scope_of(ctx), *pid);
      if (!p) errors.push_back({"participant_id", "Cette personne est introuvable dans votre périmètre."});
    }
    if (p && is_sensitive_difficulty(text::trim(in.kind)) && !may_see_sensitive(ctx, *p))
      errors.push_back({"kind",
                        "Seul·e le·la référent·e de la personne ou son·sa superviseur·e peut enregistrer une difficulté "
                        "de santé, psychologique ou de violence au sein du foyer."});
    if (!errors.empty()) return web::validation_problem(errors);
    db::Transaction tx(ctx.db());
    auto id = add_difficulty(ctx.db(), p->id, in, ctx.user().id);
    if (!id) return web::validation_problem(id.error());
    audit::record(ctx.db(), ctx.user().id, "create", "difficulty", *id,
                  fmt::format("{} {} : {}", p->first_name, p->last_name, label_of(kDifficultyKinds, text::trim(in.kind))),
                  ctx.req.remote_addr);
    tx.commit();
    auto d = get_difficulty(ctx.db(), *id, true);
    return json_response(difficulty_json(*d), 201);
  });
  app.route("POST", "/api/v1/difficulties/{id}/status", access, [](Ctx& ctx) {
    auto owner = difficulty_owner(ctx.db(), path_id(ctx));
    if (!owner) throw web::NotFound{};
    auto p = participant_or_404(ctx, owner->participant_id);
    if (owner->sensitive && !may_see_sensitive(ctx, p)) throw web::NotFound{};
    auto body = ctx.json_body();
    web::Errors errors;
    auto transition = json_field(body, "transition", errors);
    auto partner = json_field(body, "partner_organisation_id", errors);
    auto reason = json_field(body, "reason", errors);
    if (!errors.empty()) return web::validation_problem(errors);
    const auto id = path_id(ctx);
    db::Transaction tx(ctx.db());
    auto status = change_difficulty_status(ctx.db(), id, text::trim(transition), partner, ctx.user().id, reason);
    if (!status) return web::validation_problem(status.error());
    audit::record(ctx.db(), ctx.user().id, "update", "difficulty", id, "statut : " + *status, ctx.req.remote_addr);
    tx.commit();
    return json_response(difficulty_json(*get_difficulty(ctx.db(), id, true)));
  });

  // --- Follow-up ---
  app.route("GET", "/api/v1/followup/due", access, [](Ctx& ctx) { return due_api(ctx); });
  app.route("GET", "/api/v1/followup/dashboard", access, [](Ctx& ctx) { return dashboard_api(ctx); });
}

}  // namespace passerelle::followup
