// JSON API of the employment module (issue 4): /api/v1/offers, /cv-profiles
// (ranked search, CV file), /positionings (state changes, interview-preparation
// call) and /rome-codes. Clause facilitators and administrators manage them in
// their subtrees; a partner reads the open offers, recommends profiles, orients
// candidates and follows what they made; other roles get 403, ids out of reach 404.
// Errors are problem+json with French messages. Described in web/static/openapi.json.
#include <fmt/format.h>

#include "core/auth/audit.hpp"
#include "core/web/input.hpp"
#include "core/web/text.hpp"
#include "employment/model.hpp"
#include "employment/routes.hpp"
#include "employment/rules.hpp"
#include "employment/store.hpp"

namespace passerelle::employment {
namespace {

using web::Ctx;
using web::json_field;
using web::json_flag;
using web::json_response;
using web::path_id;
using web::query_id;
using web::query_limit;
namespace json = boost::json;

json::value opt_json(const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(s); }
template <class T>
json::value opt_json(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

void audit_write(Ctx& ctx, std::string_view action, std::string_view entity, std::int64_t id, std::string_view detail) {
  audit::record(ctx.db(), ctx.user().id, action, entity, id, detail, ctx.req.remote_addr);
}

http::Response forbidden(Ctx& ctx) {
  return web::error_page(ctx, 403, "Accès refusé", "Votre rôle ne permet pas cette action.");
}

// --- JSON of the records -----------------------------------------------------------------

json::array trades_json(const std::vector<RomeCode>& trades) {
  json::array out;
  for (auto& t : trades) out.push_back(json::object{{"code", t.code}, {"label", t.label}});
  return out;
}

json::object offer_json(const Offer& f) {
  return {{"id", f.id},
          {"organisation_id", f.organisation_id},
          {"organisation_name", f.organisation_name},
          {"employer_id", f.employer_id},
          {"employer_name", f.employer_name},
          {"title", f.title},
          {"rome_code", f.rome_code},
          {"rome_label", f.rome_label},
          {"contract_type", f.contract_type},
          {"contract_type_label", std::string(label_of(kContractTypes, f.contract_type))},
          {"weekly_minutes", f.weekly_minutes},
          {"positions", f.positions},
          {"place", f.place},
          {"department", f.department},
          {"start_date", f.start_date},
          {"end_date", opt_json(f.end_date)},
          {"contract_id", opt_json(f.contract_id)},
          {"status", f.status},
          {"status_label", std::string(label_of(kOfferStatuses, f.status))},
          {"description", f.description},
          {"positionings", f.positionings},
          {"hires", f.hires},
          {"created_at", f.created_at},
          {"updated_at", f.updated_at}};
}

json::object profile_json(const Profile& p) {
  return {{"id", p.id},
          {"organisation_id", p.organisation_id},
          {"organisation_name", p.organisation_name},
          {"participant_id", opt_json(p.participant_id)},
          {"first_name", p.first_name},
          {"last_name", p.last_name},
          {"email", p.email},
          {"phone", p.phone},
          {"postcode", p.postcode},
          {"commune", p.commune},
          {"department", p.department},
          {"target_trades", trades_json(p.trades)},
          {"skills", p.skills},
          {"qualifications", p.qualifications},
          {"languages", p.languages},
          {"driving_licence", p.driving_licence},
          {"vehicle", p.vehicle},
          {"radius_km", opt_json(p.radius_km)},
          {"available_from", opt_json(p.available_from)},
          {"consent", p.consent},
          {"consent_date", opt_json(p.consent_date)},
          {"may_show_to_company", p.may_show_to_company()},
          {"recommended_by_id", opt_json(p.recommended_by_id)},
          {"recommended_by_name", opt_json(p.recommended_by_name)},
          {"recommended_contact", p.recommended_contact},
          {"notes", p.notes},
          {"cv", p.cv_filename.empty() ? json::value(nullptr)
                                       : json::value(json::object{{"filename", p.cv_filename},
                                                                  {"size", p.cv_size},
                                                                  {"sha256", p.cv_sha256},
                                                                  {"url", fmt::format("/api/v1/cv-profiles/{}/cv", p.id)}})},
          {"created_at", p.created_at},
          {"updated_at", p.updated_at}};
}

json::object profile_row_json(const ProfileRow& r) {
  return {{"id", r.id},
          {"rank", r.rank},
          {"first_name", r.first_name},
          {"last_name", r.last_name},
          {"commune", r.commune},
          {"department", r.department},
          {"available_from", opt_json(r.available_from)},
          {"organisation_name", r.organisation_name},
          {"target_trades", trades_json(r.trades)},
          {"driving_licence", r.driving_licence},
          {"consent", r.consent},
          {"has_cv", r.has_cv}};
}

json::object positioning_json(const Positioning& g) {
  json::object o{{"id", g.id},
                 {"organisation_id", g.organisation_id},
                 {"profile_id", g.profile_id},
                 {"profile_name", g.profile_name},
                 {"offer_id", opt_json(g.offer_id)},
                 {"offer_title", opt_json(g.offer_title)},
                 {"employer_id", g.employer_id},
                 {"employer_name", g.employer_name},
                 {"partner_kind", g.partner_kind},
                 {"partner_kind_label", std::string(label_of(kPartnerKinds, g.partner_kind))},
                 {"partner_organisation_id", opt_json(g.partner_organisation_id)},
                 {"partner_organisation_name", opt_json(g.partner_organisation_name)},
                 {"created_by", g.created_by},
                 {"created_by_name", g.created_by_name},
                 {"state", g.state},
                 {"state_label", std::string(label_of(kPositioningStates, g.state))},
                 {"preparation_call_at", opt_json(g.preparation_call_at)},
                 {"note", g.note},
                 {"created_at", g.created_at},
                 {"updated_at", g.updated_at}};
  if (g.state == "hired")
    o["hire"] = json::object{{"contract_type", g.hire_contract_type},
                             {"start_date", g.hire_start_date},
                             {"weekly_minutes", g.hire_weekly_minutes}};
  else
    o["hire"] = nullptr;
  json::array next;
  for (auto t : allowed_transitions(g.state)) next.emplace_back(std::string(t));
  o["transitions"] = std::move(next);
  return o;
}

// --- Inputs --------------------------------------------------------------------------

// A list of strings in the body (or one string of codes separated by commas).
std::vector<std::string> json_list(const json::object& body, const char* name, web::Errors& errors,
                                   std::vector<std::string> fallback) {
  auto it = body.find(name);
  if (it == body.end()) return fallback;
  std::vector<std::string> out;
  if (it->value().is_array()) {
    for (auto& v : it->value().as_array()) {
      if (!v.is_string()) {
        errors.push_back({name, "Une liste de codes (texte) est attendue."});
        return {};
      }
      out.emplace_back(v.as_string());
    }
  } else if (it->value().is_string()) {
    std::string s(it->value().as_string());
    std::size_t start = 0;
    while (start <= s.size()) {
      auto comma = s.find(',', start);
      out.push_back(text::trim(s.substr(start, comma - start)));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  } else if (!it->value().is_null()) {
    errors.push_back({name, "Une liste de codes (texte) est attendue."});
  }
  return out;
}

OfferInput offer_from_json(const json::object& b, web::Errors& errors, const OfferInput& base) {
  OfferInput in;
  in.employer_id = json_field(b, "employer_id", errors, base.employer_id);
  in.title = json_field(b, "title", errors, base.title);
  in.rome_code = json_field(b, "rome_code", errors, base.rome_code);
  in.contract_type = json_field(b, "contract_type", errors, base.contract_type);
  // weekly_minutes in the API (integer minutes), weekly_hours in forms.
  auto minutes = json_field(b, "weekly_minutes", errors, "");
  if (!minutes.empty())
    in.weekly_hours = minutes.find_first_not_of("0123456789") == std::string::npos && minutes.size() < 6
                          ? format_minutes(std::stoi(minutes))
                          : "x";
  else
    in.weekly_hours = json_field(b, "weekly_hours", errors, base.weekly_hours);
  in.positions = json_field(b, "positions", errors, base.positions);
  in.place = json_field(b, "place", errors, base.place);
  in.department = json_field(b, "department", errors, base.department);
  in.start_date = json_field(b, "start_date", errors, base.start_date);
  in.end_date = json_field(b, "end_date", errors, base.end_date);
  in.contract_id = json_field(b, "contract_id", errors, base.contract_id);
  in.status = json_field(b, "status", errors, base.status);
  in.description = json_field(b, "description", errors, base.description);
  return in;
}

OfferInput offer_values(const Offer& f) {
  OfferInput in;
  in.employer_id = std::to_string(f.employer_id);
  in.title = f.title;
  in.rome_code = f.rome_code;
  in.contract_type = f.contract_type;
  in.weekly_hours = format_minutes(f.weekly_minutes);
  in.positions = std::to_string(f.positions);
  in.place = f.place;
  in.department = f.department;
  in.start_date = f.start_date;
  in.end_date = f.end_date;
  in.contract_id = f.contract_id ? std::to_string(*f.contract_id) : "";
  in.status = f.status;
  in.description = f.description;
  return in;
}

ProfileInput profile_from_json(const json::object& b, web::Errors& errors, const ProfileInput& base) {
  ProfileInput in;
  in.participant_id = json_field(b, "participant_id", errors, base.participant_id);
  in.first_name = json_field(b, "first_name", errors, base.first_name);
  in.last_name = json_field(b, "last_name", errors, base.last_name);
  in.email = json_field(b, "email", errors, base.email);
  in.phone = json_field(b, "phone", errors, base.phone);
  in.postcode = json_field(b, "postcode", errors, base.postcode);
  in.commune = json_field(b, "commune", errors, base.commune);
  in.department = json_field(b, "department", errors, base.department);
  in.target_trades = json_list(b, "target_trades", errors, base.target_trades);
  in.skills = json_field(b, "skills", errors, base.skills);
  in.qualifications = json_field(b, "qualifications", errors, base.qualifications);
  in.languages = json_field(b, "languages", errors, base.languages);
  in.driving_licence = json_flag(b, "driving_licence", errors, base.driving_licence);
  in.vehicle = json_flag(b, "vehicle", errors, base.vehicle);
  in.radius_km = json_field(b, "radius_km", errors, base.radius_km);
  in.available_from = json_field(b, "available_from", errors, base.available_from);
  in.consent = json_flag(b, "consent", errors, base.consent);
  in.consent_date = json_field(b, "consent_date", errors, base.consent_date);
  in.recommended_by_id = json_field(b, "recommended_by_id", errors, base.recommended_by_id);
  in.recommended_contact = json_field(b, "recommended_contact", errors, base.recommended_contact);
  in.notes = json_field(b, "notes", errors, base.notes);
  return in;
}

}  // namespace

ProfileInput profile_values(const Profile& p) {
  ProfileInput in;
  in.participant_id = p.participant_id ? std::to_string(*p.participant_id) : "";
  in.first_name = p.first_name;
  in.last_name = p.last_name;
  in.email = p.email;
  in.phone = p.phone;
  in.postcode = p.postcode;
  in.commune = p.commune;
  in.department = p.department;
  for (auto& t : p.trades) in.target_trades.push_back(t.code);
  in.skills = p.skills;
  in.qualifications = p.qualifications;
  in.languages = p.languages;
  in.driving_licence = p.driving_licence ? "1" : "";
  in.vehicle = p.vehicle ? "1" : "";
  in.radius_km = p.radius_km ? std::to_string(*p.radius_km) : "";
  in.available_from = p.available_from;
  in.consent = p.consent ? "1" : "";
  in.consent_date = p.consent_date;
  in.recommended_by_id = p.recommended_by_id ? std::to_string(*p.recommended_by_id) : "";
  in.recommended_contact = p.recommended_contact;
  in.notes = p.notes;
  return in;
}

namespace {

// --- Handlers --------------------------------------------------------------------------

http::Response list_offers_api(Ctx& ctx) {
  OfferFilter f;
  f.q = ctx.req.query("q");
  f.status = ctx.req.query("status");
  f.contract_type = ctx.req.query("contract_type");
  f.employer_id = query_id(ctx, "employer_id");
  f.before_id = query_id(ctx, "before").value_or(0);
  f.limit = query_limit(ctx, 50, 200);
  auto items = list_offers(ctx.db(), viewer_of(ctx), f);
  json::array out;
  for (auto& o : items) out.push_back(offer_json(o));
  json::object res{{"items", std::move(out)}};
  res["next"] = static_cast<int>(items.size()) == f.limit ? json::value(items.back().id) : json::value(nullptr);
  return json_response(res);
}

http::Response offer_or_404(Ctx& ctx, std::int64_t id, int status) {
  auto f = get_offer(ctx.db(), viewer_of(ctx), id);
  if (!f) throw web::NotFound{};
  return json_response(offer_json(*f), status);
}

std::int64_t owner_for_offer(Ctx& ctx, const json::object& body, web::Errors& errors) {
  auto raw = json_field(body, "organisation_id", errors, "");
  auto lib = library_for(ctx, raw.empty() ? std::nullopt : web::to_id(raw));
  if (!lib) {
    errors.push_back({"organisation_id", "Organisation introuvable dans votre périmètre."});
    return 0;
  }
  return *lib;
}

http::Response create_offer_api(Ctx& ctx) {
  if (!is_manager(ctx)) return forbidden(ctx);
  auto body = ctx.json_body();
  web::Errors errors;
  auto in = offer_from_json(body, errors, OfferInput{});
  auto owner = owner_for_offer(ctx, body, errors);
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  auto id = create_offer(ctx.db(), viewer_of(ctx).scope, owner, in, ctx.user().id);
  if (!id) return web::validation_problem(id.error());
  audit_write(ctx, "create", "job_offer", *id, text::trim(in.title));
  tx.commit();
  return offer_or_404(ctx, *id, 201);
}

http::Response update_offer_api(Ctx& ctx) {
  if (!is_manager(ctx)) return forbidden(ctx);
  auto f = get_offer(ctx.db(), viewer_of(ctx), path_id(ctx));
  if (!f) throw web::NotFound{};
  auto body = ctx.json_body();
  web::Errors errors;
  auto in = offer_from_json(body, errors, offer_values(*f));
  auto reason = json_field(body, "reason", errors, "");
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  auto r = update_offer(ctx.db(), viewer_of(ctx).scope, f->id, in, ctx.user().id, reason);
  if (!r) return web::validation_problem(r.error());
  audit_write(ctx, "update", "job_offer", f->id, in.status);
  tx.commit();
  return offer_or_404(ctx, f->id, 200);
}

ProfileFilter profile_filter(Ctx& ctx) {
  ProfileFilter f;
  f.q = ctx.req.query("q");
  f.trade = ctx.req.query("trade");
  f.department = ctx.req.query("department");
  f.available_before = ctx.req.query("available_before");
  if (!f.available_before.empty() && !followup::parse_date(f.available_before))
    throw web::BadRequest{"available_before : date invalide (format attendu : AAAA-MM-JJ)."};
  f.licence = ctx.req.query("licence") == "1" || ctx.req.query("licence") == "true";
  f.consent_only = ctx.req.query("consent") == "1" || ctx.req.query("consent") == "true";
  f.limit = query_limit(ctx, 20, 100);
  // Cursor "rank.id" of the last row seen.
  if (auto after = ctx.req.query("after"); !after.empty()) {
    auto dot = after.find('.');
    auto rank = web::to_id(after.substr(0, dot));
    auto id = dot == std::string::npos ? std::nullopt : web::to_id(after.substr(dot + 1));
    if (!rank || !id) throw web::BadRequest{"after : curseur invalide."};
    f.after_rank = *rank;
    f.after_id = *id;
  }
  return f;
}

http::Response search_profiles_api(Ctx& ctx) {
  auto f = profile_filter(ctx);
  auto page = search_profiles(ctx.db(), viewer_of(ctx), f);
  json::array items;
  for (auto& r : page.items) items.push_back(profile_row_json(r));
  json::object out{{"items", std::move(items)}, {"total", page.total}};
  if (static_cast<int>(page.items.size()) == f.limit)
    out["next"] = fmt::format("{}.{}", page.items.back().rank, page.items.back().id);
  else
    out["next"] = nullptr;
  return json_response(out);
}

http::Response profile_response(Ctx& ctx, std::int64_t id, int status) {
  auto p = get_profile(ctx.db(), viewer_of(ctx), id);
  if (!p) throw web::NotFound{};
  return json_response(profile_json(*p), status);
}

http::Response create_profile_api(Ctx& ctx) {
  auto body = ctx.json_body();
  web::Errors errors;
  auto in = profile_from_json(body, errors, ProfileInput{});
  auto raw = json_field(body, "organisation_id", errors, "");
  auto lib = library_for(ctx, raw.empty() ? std::nullopt : web::to_id(raw));
  if (!lib)
    errors.push_back({"organisation_id", is_manager(ctx) ? "Organisation introuvable dans votre périmètre."
                                                         : "Choisissez la CVthèque à laquelle vous recommandez ce profil."});
  // A partner's recommendation names their organisation.
  if (!is_manager(ctx) && in.recommended_by_id.empty())
    for (auto& g : ctx.user().grants)
      if (g.role == "partner") {
        in.recommended_by_id = std::to_string(g.organisation_id);
        break;
      }
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  auto id = create_profile(ctx.db(), *lib, in, ctx.user().id, !is_manager(ctx));
  if (!id) return web::validation_problem(id.error());
  audit_write(ctx, "create", "cv_profile", *id, text::trim(in.first_name) + " " + text::trim(in.last_name));
  tx.commit();
  return profile_response(ctx, *id, 201);
}

http::Response update_profile_api(Ctx& ctx) {
  auto p = get_profile(ctx.db(), viewer_of(ctx), path_id(ctx));
  if (!p) throw web::NotFound{};
  auto body = ctx.json_body();
  web::Errors errors;
  auto in = profile_from_json(body, errors, profile_values(*p));
  // A partner's recommendation stays theirs.
  if (!is_manager(ctx)) in.recommended_by_id = p->recommended_by_id ? std::to_string(*p->recommended_by_id) : "";
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  auto r = update_profile(ctx.db(), p->id, in);
  if (!r) return web::validation_problem(r.error());
  audit_write(ctx, "update", "cv_profile", p->id, "");
  tx.commit();
  return profile_response(ctx, p->id, 200);
}

http::Response upload_cv_api(Ctx& ctx) {
  auto p = get_profile(ctx.db(), viewer_of(ctx), path_id(ctx));
  if (!p) throw web::NotFound{};
  auto filename = ctx.req.query("filename");
  if (filename.empty()) filename = "cv.pdf";
  db::Transaction tx(ctx.db());
  auto r = store_cv(ctx.db(), p->id, filename, ctx.req.body, ctx.user().id);
  if (!r) return web::validation_problem(r.error());
  audit_write(ctx, "update", "cv_file", p->id, filename);
  tx.commit();
  return profile_response(ctx, p->id, 200);
}

}  // namespace

// Shared with the pages: the PDF as a download, audited.
http::Response cv_download(Ctx& ctx, std::int64_t profile_id) {
  auto p = get_profile(ctx.db(), viewer_of(ctx), profile_id);
  if (!p) throw web::NotFound{};
  auto cv = get_cv(ctx.db(), p->id);
  if (!cv) throw web::NotFound{};
  audit_write(ctx, "read", "cv_file", p->id, cv->filename);
  auto res = http::Response(http::Response{200, {}, std::move(cv->data), {}});
  res.set_header("Content-Type", "application/pdf");
  std::string safe;
  for (char c : cv->filename) safe += (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) ? '_' : c;
  res.set_header("Content-Disposition", fmt::format("attachment; filename=\"{}\"", safe));
  return res;
}

namespace {

PositioningFilter positioning_filter(Ctx& ctx) {
  PositioningFilter f;
  f.offer_id = query_id(ctx, "offer_id");
  f.profile_id = query_id(ctx, "profile_id");
  f.state = ctx.req.query("state");
  f.partner_kind = ctx.req.query("partner_kind");
  f.before_id = query_id(ctx, "before").value_or(0);
  f.limit = query_limit(ctx, 50, 200);
  return f;
}

http::Response positioning_response(Ctx& ctx, std::int64_t id, int status) {
  auto g = get_positioning(ctx.db(), viewer_of(ctx), id);
  if (!g) throw web::NotFound{};
  auto o = positioning_json(*g);
  json::array history;
  for (auto& e : positioning_history(ctx.db(), g->id))
    history.push_back(json::object{{"at", e.at},
                                   {"user_name", e.user_name},
                                   {"transition", e.transition},
                                   {"from_state", opt_json(e.from_state)},
                                   {"to_state", e.to_state},
                                   {"note", e.note}});
  o["history"] = std::move(history);
  return json_response(o, status);
}

http::Response create_positioning_api(Ctx& ctx) {
  auto body = ctx.json_body();
  web::Errors errors;
  PositioningInput in;
  in.profile_id = json_field(body, "profile_id", errors);
  in.offer_id = json_field(body, "offer_id", errors);
  in.employer_id = json_field(body, "employer_id", errors);
  in.partner_kind = json_field(body, "partner_kind", errors);
  in.partner_organisation_id = json_field(body, "partner_organisation_id", errors);
  in.note = json_field(body, "note", errors);
  if (!is_manager(ctx)) default_partner(ctx, in);
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  auto id = create_positioning(ctx.db(), viewer_of(ctx), in, ctx.user().id);
  if (!id) return web::validation_problem(id.error());
  audit_write(ctx, "create", "positioning", *id, in.offer_id.empty() ? "push" : "offer " + in.offer_id);
  tx.commit();
  return positioning_response(ctx, *id, 201);
}

http::Response transition_api(Ctx& ctx) {
  if (!is_manager(ctx)) return forbidden(ctx);
  auto g = get_positioning(ctx.db(), viewer_of(ctx), path_id(ctx));
  if (!g) throw web::NotFound{};
  auto body = ctx.json_body();
  web::Errors errors;
  auto transition = json_field(body, "transition", errors);
  HireInput hire{json_field(body, "contract_type", errors), json_field(body, "start_date", errors), ""};
  auto minutes = json_field(body, "weekly_minutes", errors);
  hire.weekly_hours = minutes.empty() ? json_field(body, "weekly_hours", errors)
                      : minutes.find_first_not_of("0123456789") == std::string::npos && minutes.size() < 6
                          ? format_minutes(std::stoi(minutes))
                          : "x";
  auto note = json_field(body, "note", errors);
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  auto r = change_positioning_state(ctx.db(), *g, transition, hire, note, ctx.user().id);
  if (!r) return web::validation_problem(r.error());
  audit_write(ctx, "update", "positioning", g->id, transition);
  tx.commit();
  return positioning_response(ctx, g->id, 200);
}

http::Response preparation_call_api(Ctx& ctx) {
  if (!is_manager(ctx)) return forbidden(ctx);
  auto g = get_positioning(ctx.db(), viewer_of(ctx), path_id(ctx));
  if (!g) throw web::NotFound{};
  auto body = ctx.json_body();
  web::Errors errors;
  auto note = json_field(body, "note", errors);
  if (!errors.empty()) return web::validation_problem(errors);
  db::Transaction tx(ctx.db());
  auto r = log_preparation_call(ctx.db(), *g, note, ctx.user().id);
  if (!r) {
    web::Errors renamed;
    for (auto e : r.error()) renamed.push_back({e.field == "call_note" ? "note" : e.field, e.message});
    return web::validation_problem(renamed);
  }
  audit_write(ctx, "update", "positioning", g->id, "preparation_call");
  tx.commit();
  return positioning_response(ctx, g->id, 200);
}

}  // namespace

void register_api_routes(web::App& app) {
  auto access = web::Access::roles_in({"facilitator", "admin", "partner"});

  app.route("GET", "/api/v1/rome-codes", access, [](Ctx& ctx) {
    json::array items;
    for (auto& r : rome_codes(ctx.db())) items.push_back(json::object{{"code", r.code}, {"label", r.label}});
    return json_response(json::object{{"items", std::move(items)}});
  });

  app.route("GET", "/api/v1/offers", access, [](Ctx& ctx) { return list_offers_api(ctx); });
  app.route("POST", "/api/v1/offers", access, [](Ctx& ctx) { return create_offer_api(ctx); });
  app.route("GET", "/api/v1/offers/{id}", access, [](Ctx& ctx) { return offer_or_404(ctx, path_id(ctx), 200); });
  app.route("PATCH", "/api/v1/offers/{id}", access, [](Ctx& ctx) { return update_offer_api(ctx); });

  app.route("GET", "/api/v1/cv-profiles", access, [](Ctx& ctx) { return search_profiles_api(ctx); });
  app.route("POST", "/api/v1/cv-profiles", access, [](Ctx& ctx) { return create_profile_api(ctx); });
  app.route("GET", "/api/v1/cv-profiles/{id}", access, [](Ctx& ctx) { return profile_response(ctx, path_id(ctx), 200); });
  app.route("PATCH", "/api/v1/cv-profiles/{id}", access, [](Ctx& ctx) { return update_profile_api(ctx); });
  app.route("PUT", "/api/v1/cv-profiles/{id}/cv", access, [](Ctx& ctx) { return upload_cv_api(ctx); });
  app.route("GET", "/api/v1/cv-profiles/{id}/cv", access, [](Ctx& ctx) { return cv_download(ctx, path_id(ctx)); });

  app.route("GET", "/api/v1/positionings", access, [](Ctx& ctx) {
    auto f = positioning_filter(ctx);
    auto items = list_positionings(ctx.db(), viewer_of(ctx), f);
    json::array out;
    for (auto& g : items) out.push_back(positioning_json(g));
    json::object res{{"items", std::move(out)}};
    res["next"] = static_cast<int>(items.size()) == f.limit ? json::value(items.back().id) : json::value(nullptr);
    return json_response(res);
  });
  app.route("POST", "/api/v1/positionings", access, [](Ctx& ctx) { return create_positioning_api(ctx); });
  app.route("GET", "/api/v1/positionings/{id}", access, [](Ctx& ctx) { return positioning_response(ctx, path_id(ctx), 200); });
  app.route("POST", "/api/v1/positionings/{id}/transitions", access, [](Ctx& ctx) { return transition_api(ctx); });
  app.route("POST", "/api/v1/positionings/{id}/preparation-call", access,
            [](Ctx& ctx) { return preparation_call_api(ctx); });
}

}  // namespace passerelle::employment
