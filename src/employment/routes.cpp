// Pages of the employment module (issue 4, seed 003 "Accompagnement Clauses"):
// job offers (/offres), the CV library (/cvtheque) and positionings
// (/positionnements). Clause facilitators and administrators manage them in
// their organisations' subtrees; a partner reads the open offers, recommends
// profiles and orients candidates, and sees only the positionings they made.
#include "employment/routes.hpp"

#include <fmt/format.h>

#include "core/auth/audit.hpp"
#include "core/web/download.hpp"
#include "core/web/input.hpp"
#include "core/web/text.hpp"
#include "employment/model.hpp"
#include "employment/rules.hpp"
#include "employment/store.hpp"
#include "network/model.hpp"
#include "network/store.hpp"

namespace passerelle::employment {

using web::Ctx;
using web::path_id;
using web::to_id;
namespace json = boost::json;

bool is_manager(Ctx& ctx) { return ctx.user().has_any_role({"facilitator", "admin"}); }

Viewer viewer_of(Ctx& ctx) {
  if (is_manager(ctx)) return Viewer{ctx.user().scope_roots({"facilitator", "admin"}), std::nullopt};
  return Viewer{ctx.user().scope_roots({"partner"}), ctx.user().id};
}

std::optional<std::int64_t> library_for(Ctx& ctx, std::optional<std::int64_t> requested) {
  if (is_manager(ctx)) {
    auto scope = ctx.user().scope_roots({"facilitator", "admin"});
    if (requested) {
      if (network::get_organisation(ctx.db(), scope, *requested)) return requested;
      return std::nullopt;
    }
    for (auto& g : ctx.user().grants)
      if (g.role == "facilitator" || g.role == "admin") return g.organisation_id;
    return std::nullopt;
  }
  if (requested && is_library(ctx.db(), *requested)) return requested;
  return std::nullopt;
}

void default_partner(Ctx& ctx, PositioningInput& in) {
  for (auto& g : ctx.user().grants) {
    if (g.role != "partner") continue;
    if (in.partner_organisation_id.empty()) in.partner_organisation_id = std::to_string(g.organisation_id);
    if (in.partner_kind.empty()) {
      auto r = ctx.db().query("SELECT kind, name FROM organisations WHERE id = ?", {g.organisation_id});
      auto kind = r.empty() ? std::string() : r.rows[0].text(0);
      auto name = r.empty() ? std::string() : text::fold(r.rows[0].text(1));
      if (kind == "mission_locale" || kind == "e2c" || kind == "cap_emploi") in.partner_kind = kind;
      else if (kind == "france_travail") in.partner_kind = "france_travail_iae";
      else if (name.find("refugie") != std::string::npos) in.partner_kind = "refugee_association";
      else in.partner_kind = "other";
    }
    return;
  }
}

namespace {

void audit_write(Ctx& ctx, std::string_view action, std::string_view entity, std::int64_t id, std::string_view detail) {
  audit::record(ctx.db(), ctx.user().id, action, entity, id, detail, ctx.req.remote_addr);
}

http::Response forbidden(Ctx& ctx) {
  return web::error_page(ctx, 403, "Accès refusé", "Votre rôle ne permet pas cette action.");
}

std::string fr_date(const std::string& iso) { return iso.empty() ? "" : web::french_date(iso); }
std::string lbl(std::string_view s) { return std::string(s); }

template <class Table>
json::array options(const Table& table, std::string_view selected) {
  json::array out;
  for (auto& row : table)
    out.push_back(json::object{{"code", row.code}, {"label", row.label}, {"selected", row.code == selected}});
  return out;
}

json::array rome_options(Ctx& ctx, const std::vector<std::string>& selected) {
  json::array out;
  for (auto& r : rome_codes(ctx.db()))
    out.push_back(json::object{{"code", r.code},
                               {"label", r.code + " — " + r.label},
                               {"selected", std::ranges::find(selected, r.code) != selected.end()}});
  return out;
}

json::array department_options(std::string_view selected) {
  json::array out;
  for (auto& d : network::kDepartments)
    out.push_back(json::object{{"code", d.code},
                               {"label", std::string(d.code) + " — " + std::string(d.name)},
                               {"selected", d.code == selected}});
  return out;
}

std::string query_keep(Ctx& ctx, std::initializer_list<const char*> names) {
  std::string out;
  for (auto n : names) {
    auto v = ctx.req.query(n);
    if (v.empty()) continue;
    out += fmt::format("{}{}={}", out.empty() ? "" : "&", n, http::url_encode(v));
  }
  return out;
}

void put_errors(json::object& data, const web::Errors& errors) {
  for (auto& [k, v] : web::errors_json(errors)) data[k] = v;
}

// ==== Offers ===================================================================================

OfferFilter offer_filter(Ctx& ctx) {
  OfferFilter f;
  f.q = ctx.req.query("q");
  f.status = ctx.req.query("statut");
  if (!f.status.empty() && !find_code(kOfferStatuses, f.status)) f.status.clear();
  f.contract_type = ctx.req.query("contrat");
  if (!f.contract_type.empty() && !find_code(kContractTypes, f.contract_type)) f.contract_type.clear();
  f.employer_id = to_id(ctx.req.query("employeur"));
  f.before_id = to_id(ctx.req.query("avant")).value_or(0);
  return f;
}

json::object offer_row(const Offer& f) {
  return {{"id", f.id},
          {"title", f.title},
          {"employer", f.employer_name},
          {"rome", f.rome_code + " — " + f.rome_label},
          {"contract", lbl(label_of(kContractTypes, f.contract_type))},
          {"hours", format_minutes(f.weekly_minutes)},
          {"positions", f.positions},
          {"place", f.place},
          {"start", fr_date(f.start_date)},
          {"status", f.status},
          {"status_label", lbl(label_of(kOfferStatuses, f.status))},
          {"positionings", f.positionings},
          {"hires", f.hires}};
}

http::Response offers_page(Ctx& ctx) {
  auto f = offer_filter(ctx);
  auto items = list_offers(ctx.db(), viewer_of(ctx), f);
  json::array rows;
  for (auto& o : items) rows.push_back(offer_row(o));
  auto keep = query_keep(ctx, {"q", "statut", "contrat", "employeur"});
  std::string next;
  if (static_cast<int>(items.size()) == f.limit)
    next = fmt::format("/offres?{}{}avant={}", keep, keep.empty() ? "" : "&", items.back().id);
  json::array employers;
  if (is_manager(ctx))
    for (auto& e : employers_in_scope(ctx.db(), viewer_of(ctx).scope))
      employers.push_back(json::object{{"id", e.id}, {"label", e.name}, {"selected", f.employer_id == e.id}});
  json::object data{{"title", "Offres d'emploi"},
                    {"items", rows},
                    {"empty", rows.empty()},
                    {"manager", is_manager(ctx)},
                    {"q", f.q},
                    {"statuses", options(kOfferStatuses, f.status)},
                    {"contracts", options(kContractTypes, f.contract_type)},
                    {"employers", employers},
                    {"next", next},
                    {"paged", f.before_id > 0},
                    {"first", "/offres" + (keep.empty() ? "" : "?" + keep)},
                    {"export_query", keep}};
  return web::page(ctx, "employment/offers", std::move(data));
}

http::Response export_offers(Ctx& ctx, const std::string& format) {
  auto f = offer_filter(ctx);
  f.before_id = 0;
  f.limit = 1000;
  std::vector<std::vector<std::string>> rows{{"id", "intitule", "employeur", "code_rome", "metier", "contrat",
                                              "heures_hebdo", "postes", "lieu", "debut", "fin", "statut",
                                              "marche_id", "positionnements", "embauches"}};
  auto viewer = viewer_of(ctx);
  while (true) {
    auto page = list_offers(ctx.db(), viewer, f);
    for (auto& o : page)
      rows.push_back({std::to_string(o.id), o.title, o.employer_name, o.rome_code, o.rome_label,
                      lbl(label_of(kContractTypes, o.contract_type)), format_minutes(o.weekly_minutes),
                      std::to_string(o.positions), o.place, o.start_date, o.end_date,
                      lbl(label_of(kOfferStatuses, o.status)), o.contract_id ? std::to_string(*o.contract_id) : "",
                      std::to_string(o.positionings), std::to_string(o.hires)});
    if (static_cast<int>(page.size()) < f.limit) break;
    f.before_id = page.back().id;
  }
  return web::download(ctx, "job_offer", "Offres", "offres", format, rows);
}

OfferInput offer_input(Ctx& ctx) {
  OfferInput in;
  in.employer_id = ctx.form("employer_id");
  in.title = ctx.form("title");
  in.rome_code = ctx.form("rome_code");
  in.contract_type = ctx.form("contract_type");
  in.weekly_hours = ctx.form("weekly_hours");
  in.positions = ctx.form("positions");
  in.place = ctx.form("place");
  in.department = ctx.form("department");
  in.start_date = ctx.form("start_date");
  in.end_date = ctx.form("end_date");
  in.contract_id = ctx.form("contract_id");
  in.status = ctx.form("status");
  in.description = ctx.form("description");
  return in;
}

http::Response offer_form(Ctx& ctx, const OfferInput& in, const web::Errors& errors, const Offer* editing, int status) {
  json::array employers;
  for (auto& e : employers_in_scope(ctx.db(), viewer_of(ctx).scope))
    employers.push_back(json::object{{"id", e.id},
                                     {"label", e.name + (e.commune.empty() ? "" : " (" + e.commune + ")")},
                                     {"selected", in.employer_id == std::to_string(e.id)}});
  json::object values{{"title", in.title},     {"weekly_hours", in.weekly_hours}, {"positions", in.positions},
                      {"place", in.place},     {"start_date", in.start_date},     {"end_date", in.end_date},
                      {"contract_id", in.contract_id}, {"description", in.description}};
  json::object data{{"title", editing ? "Modifier l'offre : " + editing->title : std::string("Nouvelle offre d'emploi")},
                    {"values", values},
                    {"employers", employers},
                    {"no_employer", employers.empty()},
                    {"romes", rome_options(ctx, {in.rome_code})},
                    {"contracts", options(kContractTypes, in.contract_type)},
                    {"statuses", options(kOfferStatuses, in.status)},
                    {"departments", department_options(in.department)},
                    {"editing", editing != nullptr},
                    {"reason", ctx.form("reason")},
                    {"action", editing ? fmt::format("/offres/{}/modifier", editing->id) : std::string("/offres")},
                    {"cancel", editing ? fmt::format("/offres/{}", editing->id) : std::string("/offres")}};
  put_errors(data, errors);
  return web::page(ctx, "employment/offer_form", std::move(data), status);
}

http::Response create_offer_route(Ctx& ctx) {
  auto in = offer_input(ctx);
  auto owner = library_for(ctx, std::nullopt);
  if (!owner) return forbidden(ctx);
  db::Transaction tx(ctx.db());
  auto id = create_offer(ctx.db(), viewer_of(ctx).scope, *owner, in, ctx.user().id);
  if (!id) return offer_form(ctx, in, id.error(), nullptr, 422);
  audit_write(ctx, "create", "job_offer", *id, text::trim(in.title));
  tx.commit();
  ctx.flash("L'offre a été enregistrée.");
  return http::Response::redirect(fmt::format("/offres/{}", *id));
}

Offer offer_or_404(Ctx& ctx, std::int64_t id) {
  auto f = get_offer(ctx.db(), viewer_of(ctx), id);
  if (!f) throw web::NotFound{};
  return *f;
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

json::object positioning_row(const Positioning& g) {
  return {{"id", g.id},
          {"profile", g.profile_name},
          {"profile_id", g.profile_id},
          {"offer", g.offer_title},
          {"offer_id", g.offer_id ? json::value(*g.offer_id) : json::value(nullptr)},
          {"employer", g.employer_name},
          {"partner", lbl(label_of(kPartnerKinds, g.partner_kind)) +
                          (g.partner_organisation_name.empty() ? "" : " — " + g.partner_organisation_name)},
          {"by", g.created_by_name},
          {"state", g.state},
          {"state_label", lbl(label_of(kPositioningStates, g.state))},
          {"created", web::french_datetime(g.created_at)}};
}

http::Response offer_page(Ctx& ctx, std::int64_t id) {
  auto f = offer_or_404(ctx, id);
  json::array positionings;
  PositioningFilter pf;
  pf.offer_id = f.id;
  pf.limit = 200;
  for (auto& g : list_positionings(ctx.db(), viewer_of(ctx), pf)) positionings.push_back(positioning_row(g));
  json::array history;
  if (is_manager(ctx))
    for (auto& e : offer_history(ctx.db(), f.id))
      history.push_back(json::object{{"at", web::french_datetime(e.at)},
                                     {"user", e.user_name},
                                     {"status", lbl(label_of(kOfferStatuses, e.status))},
                                     {"reason", e.reason}});
  auto row = offer_row(f);
  row["end"] = fr_date(f.end_date);
  row["department"] = f.department;
  row["description"] = f.description;
  row["contract_id"] = f.contract_id ? json::value(*f.contract_id) : json::value(nullptr);
  // Staff of the contract's territory follow the link; others see the number.
  if (auto viewer = viewer_of(ctx); f.contract_id && !viewer.is_partner())
    if (auto ref = contract_reference(ctx.db(), viewer.scope, *f.contract_id)) row["contract_reference"] = *ref;
  row["rome_code"] = f.rome_code;
  row["organisation"] = f.organisation_name;
  json::object data{{"title", f.title},
                    {"offer", row},
                    {"manager", is_manager(ctx)},
                    {"open", f.status == "open"},
                    {"positionings", positionings},
                    {"no_positionings", positionings.empty()},
                    {"history", history}};
  return web::page(ctx, "employment/offer", std::move(data));
}

// ==== CV library ================================================================================

ProfileFilter profile_filter(Ctx& ctx) {
  ProfileFilter f;
  f.q = ctx.req.query("q");
  f.trade = ctx.req.query("metier");
  f.department = ctx.req.query("departement");
  f.available_before = ctx.req.query("disponible");
  if (!f.available_before.empty() && !followup::parse_date(f.available_before)) f.available_before.clear();
  f.licence = ctx.req.query("permis") == "1";
  f.consent_only = ctx.req.query("consentement") == "1";
  f.limit = 20;
  if (auto r = to_id(ctx.req.query("apres_rang")); r || ctx.req.query("apres_rang") == "0") {
    if (auto id = to_id(ctx.req.query("apres"))) {
      f.after_rank = r.value_or(0);
      f.after_id = *id;
    }
  }
  return f;
}

std::string trades_text(const std::vector<RomeCode>& trades) {
  std::string s;
  for (auto& t : trades) s += (s.empty() ? "" : ", ") + t.label + " (" + t.code + ")";
  return s;
}

http::Response library_page(Ctx& ctx) {
  auto f = profile_filter(ctx);
  auto page = search_profiles(ctx.db(), viewer_of(ctx), f);
  json::array rows;
  for (auto& r : page.items)
    rows.push_back(json::object{{"id", r.id},
                                {"name", r.first_name + " " + r.last_name},
                                {"trades", trades_text(r.trades)},
                                {"commune", r.commune},
                                {"department", r.department},
                                {"available", r.available_from.empty() ? "immédiate" : fr_date(r.available_from)},
                                {"licence", r.driving_licence},
                                {"consent", r.consent},
                                {"has_cv", r.has_cv},
                                {"organisation", r.organisation_name}});
  auto keep = query_keep(ctx, {"q", "metier", "departement", "disponible", "permis", "consentement"});
  std::string next;
  if (static_cast<int>(page.items.size()) == f.limit)
    next = fmt::format("/cvtheque?{}{}apres_rang={}&apres={}", keep, keep.empty() ? "" : "&", page.items.back().rank,
                       page.items.back().id);
  json::object data{{"title", "CVthèque"},
                    {"items", rows},
                    {"empty", rows.empty()},
                    {"total", page.total},
                    {"q", f.q},
                    {"romes", rome_options(ctx, {f.trade})},
                    {"departments", department_options(f.department)},
                    {"available_before", f.available_before},
                    {"licence", f.licence},
                    {"consent_only", f.consent_only},
                    {"manager", is_manager(ctx)},
                    {"next", next},
                    {"paged", f.after_id > 0},
                    {"first", "/cvtheque" + (keep.empty() ? "" : "?" + keep)},
                    {"export_query", keep}};
  return web::page(ctx, "employment/library", std::move(data));
}

http::Response export_library(Ctx& ctx, const std::string& format) {
  auto f = profile_filter(ctx);
  f.after_rank.reset();
  f.after_id = 0;
  f.limit = 1000;
  std::vector<std::vector<std::string>> rows{{"id", "nom", "prenom", "metiers_vises", "commune", "departement",
                                              "disponible_le", "permis", "consentement", "cv", "cvtheque"}};
  auto viewer = viewer_of(ctx);
  while (true) {
    auto page = search_profiles(ctx.db(), viewer, f);
    for (auto& r : page.items)
      rows.push_back({std::to_string(r.id), r.last_name, r.first_name, trades_text(r.trades), r.commune, r.department,
                      r.available_from, r.driving_licence ? "oui" : "non", r.consent ? "oui" : "non",
                      r.has_cv ? "oui" : "non", r.organisation_name});
    if (static_cast<int>(page.items.size()) < f.limit) break;
    f.after_rank = page.items.back().rank;
    f.after_id = page.items.back().id;
  }
  return web::download(ctx, "cv_profile", "CVthèque", "cvtheque", format, rows);
}

ProfileInput profile_input(Ctx& ctx) {
  ProfileInput in;
  in.participant_id = ctx.form("participant_id");
  in.first_name = ctx.form("first_name");
  in.last_name = ctx.form("last_name");
  in.email = ctx.form("email");
  in.phone = ctx.form("phone");
  in.postcode = ctx.form("postcode");
  in.commune = ctx.form("commune");
  in.department = ctx.form("department");
  for (auto& t : ctx.form_all("target_trades"))
    if (!t.empty()) in.target_trades.push_back(t);
  in.skills = ctx.form("skills");
  in.qualifications = ctx.form("qualifications");
  in.languages = ctx.form("languages");
  in.driving_licence = ctx.form("driving_licence");
  in.vehicle = ctx.form("vehicle");
  in.radius_km = ctx.form("radius_km");
  in.available_from = ctx.form("available_from");
  in.consent = ctx.form("consent");
  in.consent_date = ctx.form("consent_date");
  in.recommended_by_id = ctx.form("recommended_by_id");
  in.recommended_contact = ctx.form("recommended_contact");
  in.notes = ctx.form("notes");
  return in;
}

http::Response profile_form(Ctx& ctx, const ProfileInput& in, const web::Errors& errors, const Profile* editing,
                            int status) {
  json::object values{{"participant_id", in.participant_id}, {"first_name", in.first_name},
                      {"last_name", in.last_name},           {"email", in.email},
                      {"phone", in.phone},                   {"postcode", in.postcode},
                      {"commune", in.commune},               {"skills", in.skills},
                      {"qualifications", in.qualifications}, {"languages", in.languages},
                      {"driving_licence", in.driving_licence == "1"}, {"vehicle", in.vehicle == "1"},
                      {"radius_km", in.radius_km},           {"available_from", in.available_from},
                      {"consent", in.consent == "1"},        {"consent_date", in.consent_date},
                      {"recommended_contact", in.recommended_contact}, {"notes", in.notes}};
  json::array libs;
  if (!is_manager(ctx) && !editing)
    for (auto& l : libraries(ctx.db()))
      libs.push_back(json::object{{"id", l.id}, {"label", l.name}, {"selected", ctx.form("organisation_id") == std::to_string(l.id)}});
  json::array partners;
  if (is_manager(ctx)) {
    // Prescribers the facilitator works with: every prescriber organisation (they are few).
    auto r = ctx.db().query(
        "SELECT id, name FROM organisations WHERE kind IN ('france_travail', 'mission_locale', 'cap_emploi', 'e2c', "
        "'departement', 'ccas', 'spip', 'association') ORDER BY sort_name, id LIMIT 500");
    for (auto& row : r.rows)
      partners.push_back(json::object{{"id", row.integer(0)},
                                      {"label", row.text(1)},
                                      {"selected", in.recommended_by_id == std::to_string(row.integer(0))}});
  }
  json::object data{{"title", editing ? "Modifier le profil : " + editing->first_name + " " + editing->last_name
                                      : std::string(is_manager(ctx) ? "Nouveau profil" : "Recommander un profil")},
                    {"values", values},
                    {"romes", rome_options(ctx, in.target_trades)},
                    {"departments", department_options(in.department)},
                    {"libraries", libs},
                    {"choose_library", !libs.empty()},
                    {"partners", partners},
                    {"manager", is_manager(ctx)},
                    {"editing", editing != nullptr},
                    {"action", editing ? fmt::format("/cvtheque/{}/modifier", editing->id) : std::string("/cvtheque")},
                    {"cancel", editing ? fmt::format("/cvtheque/{}", editing->id) : std::string("/cvtheque")}};
  put_errors(data, errors);
  return web::page(ctx, "employment/profile_form", std::move(data), status);
}

// The CV of the form, when one was chosen: errors on field "cv".
std::optional<web::Ctx::Upload> form_cv(Ctx& ctx, web::Errors& errors) {
  auto up = ctx.file("cv");
  if (!up || (up->filename.empty() && up->data.empty())) return std::nullopt;
  if (auto e = check_cv_file(up->filename, up->data)) {
    errors.push_back({"cv", *e});
    return std::nullopt;
  }
  return up;
}

http::Response create_profile_route(Ctx& ctx) {
  auto in = profile_input(ctx);
  web::Errors errors;
  auto lib = library_for(ctx, to_id(ctx.form("organisation_id")));
  if (!lib)
    errors.push_back({"organisation_id", "Choisissez la CVthèque à laquelle vous recommandez ce profil."});
  auto cv = form_cv(ctx, errors);
  if (!is_manager(ctx)) {
    in.recommended_by_id.clear();
    for (auto& g : ctx.user().grants)
      if (g.role == "partner") {
        in.recommended_by_id = std::to_string(g.organisation_id);
        break;
      }
  }
  auto checked = validate_profile(in, paris_today(), [&](std::string_view c) { return rome_known(ctx.db(), c); });
  if (!checked) errors.insert(errors.end(), checked.error().begin(), checked.error().end());
  if (!errors.empty()) return profile_form(ctx, in, errors, nullptr, 422);
  db::Transaction tx(ctx.db());
  auto id = create_profile(ctx.db(), *lib, in, ctx.user().id, !is_manager(ctx));
  if (!id) return profile_form(ctx, in, id.error(), nullptr, 422);
  if (cv) {
    auto r = store_cv(ctx.db(), *id, cv->filename, cv->data, ctx.user().id);
    if (!r) return profile_form(ctx, in, r.error(), nullptr, 422);
  }
  audit_write(ctx, "create", "cv_profile", *id, text::trim(in.first_name) + " " + text::trim(in.last_name));
  tx.commit();
  ctx.flash(is_manager(ctx) ? "Le profil a été ajouté à la CVthèque." : "Le profil a été recommandé à la CVthèque.");
  return http::Response::redirect(fmt::format("/cvtheque/{}", *id));
}

Profile profile_or_404(Ctx& ctx, std::int64_t id) {
  auto p = get_profile(ctx.db(), viewer_of(ctx), id);
  if (!p) throw web::NotFound{};
  return *p;
}

http::Response update_profile_route(Ctx& ctx, const Profile& p) {
  auto in = profile_input(ctx);
  if (!is_manager(ctx)) in.recommended_by_id = p.recommended_by_id ? std::to_string(*p.recommended_by_id) : "";
  web::Errors errors;
  auto cv = form_cv(ctx, errors);
  auto checked = validate_profile(in, paris_today(), [&](std::string_view c) { return rome_known(ctx.db(), c); });
  if (!checked) errors.insert(errors.end(), checked.error().begin(), checked.error().end());
  if (!errors.empty()) return profile_form(ctx, in, errors, &p, 422);
  db::Transaction tx(ctx.db());
  auto r = update_profile(ctx.db(), p.id, in);
  if (!r) return profile_form(ctx, in, r.error(), &p, 422);
  if (cv) {
    auto s = store_cv(ctx.db(), p.id, cv->filename, cv->data, ctx.user().id);
    if (!s) return profile_form(ctx, in, s.error(), &p, 422);
  }
  audit_write(ctx, "update", "cv_profile", p.id, "");
  tx.commit();
  ctx.flash("Le profil a été mis à jour.");
  return http::Response::redirect(fmt::format("/cvtheque/{}", p.id));
}

// The profile page, with its positionings and the form to position the candidate.
http::Response profile_page(Ctx& ctx, std::int64_t id, const web::Errors& errors, int status) {
  auto p = profile_or_404(ctx, id);
  json::array trades;
  for (auto& t : p.trades) trades.push_back(json::object{{"code", t.code}, {"label", t.label}});
  json::array positionings;
  PositioningFilter pf;
  pf.profile_id = p.id;
  pf.limit = 200;
  for (auto& g : list_positionings(ctx.db(), viewer_of(ctx), pf)) positionings.push_back(positioning_row(g));
  json::array offers;
  OfferFilter of;
  of.status = "open";
  of.limit = 200;
  for (auto& o : list_offers(ctx.db(), viewer_of(ctx), of))
    offers.push_back(json::object{{"id", o.id},
                                  {"label", o.title + " — " + o.employer_name + " (" +
                                                lbl(label_of(kContractTypes, o.contract_type)) + ")"},
                                  {"selected", ctx.form("offer_id") == std::to_string(o.id)}});
  json::array employers;
  if (is_manager(ctx))
    for (auto& e : employers_in_scope(ctx.db(), viewer_of(ctx).scope))
      employers.push_back(json::object{{"id", e.id}, {"label", e.name}, {"selected", ctx.form("employer_id") == std::to_string(e.id)}});
  auto partner_kind = ctx.form("partner_kind");
  json::object values{{"first_name", p.first_name},
                      {"last_name", p.last_name},
                      {"email", p.email},
                      {"phone", p.phone},
                      {"commune", p.commune},
                      {"postcode", p.postcode},
                      {"department", p.department},
                      {"skills", p.skills},
                      {"qualifications", p.qualifications},
                      {"languages", p.languages},
                      {"licence", p.driving_licence},
                      {"vehicle", p.vehicle},
                      {"radius", p.radius_km ? std::to_string(*p.radius_km) + " km" : std::string()},
                      {"available", p.available_from.empty() ? "immédiate" : fr_date(p.available_from)},
                      {"consent_date", fr_date(p.consent_date)},
                      {"recommended_by", p.recommended_by_name},
                      {"recommended_contact", p.recommended_contact},
                      {"organisation", p.organisation_name},
                      {"notes", p.notes},
                      {"participant_id", p.participant_id ? json::value(*p.participant_id) : json::value(nullptr)},
                      {"cv_filename", p.cv_filename},
                      {"cv_size_kb", (p.cv_size + 1023) / 1024}};
  json::object data{{"title", p.first_name + " " + p.last_name},
                    {"id", p.id},
                    {"profile", values},
                    {"trades", trades},
                    {"consented", p.may_show_to_company()},
                    {"manager", is_manager(ctx)},
                    {"positionings", positionings},
                    {"no_positionings", positionings.empty()},
                    {"offers", offers},
                    {"employers", employers},
                    {"partner_kinds", options(kPartnerKinds, partner_kind.empty() && is_manager(ctx) ? "facilitator" : partner_kind)},
                    {"note", ctx.form("note")}};
  put_errors(data, errors);
  return web::page(ctx, "employment/profile", std::move(data), status);
}

http::Response create_positioning_route(Ctx& ctx, std::int64_t profile_id) {
  profile_or_404(ctx, profile_id);
  PositioningInput in{std::to_string(profile_id), ctx.form("offer_id"), ctx.form("employer_id"),
                      ctx.form("partner_kind"), ctx.form("partner_organisation_id"), ctx.form("note")};
  if (!is_manager(ctx)) {
    in.employer_id.clear();
    in.partner_organisation_id.clear();
    default_partner(ctx, in);
  }
  db::Transaction tx(ctx.db());
  auto id = create_positioning(ctx.db(), viewer_of(ctx), in, ctx.user().id);
  if (!id) return profile_page(ctx, profile_id, id.error(), 422);
  audit_write(ctx, "create", "positioning", *id, in.offer_id.empty() ? "push" : "offer " + in.offer_id);
  tx.commit();
  ctx.flash(in.offer_id.empty() ? "Le profil a été poussé à l'employeur." : "Le candidat a été positionné sur l'offre.");
  return http::Response::redirect(fmt::format("/positionnements/{}", *id));
}

// ==== Positionings =================================================================================

PositioningFilter positioning_filter(Ctx& ctx) {
  PositioningFilter f;
  f.state = ctx.req.query("etat");
  if (!f.state.empty() && !find_code(kPositioningStates, f.state)) f.state.clear();
  f.partner_kind = ctx.req.query("partenaire");
  if (!f.partner_kind.empty() && !find_code(kPartnerKinds, f.partner_kind)) f.partner_kind.clear();
  f.before_id = to_id(ctx.req.query("avant")).value_or(0);
  return f;
}

http::Response positionings_page(Ctx& ctx) {
  auto f = positioning_filter(ctx);
  auto items = list_positionings(ctx.db(), viewer_of(ctx), f);
  json::array rows;
  for (auto& g : items) rows.push_back(positioning_row(g));
  auto keep = query_keep(ctx, {"etat", "partenaire"});
  std::string next;
  if (static_cast<int>(items.size()) == f.limit)
    next = fmt::format("/positionnements?{}{}avant={}", keep, keep.empty() ? "" : "&", items.back().id);
  json::object data{{"title", is_manager(ctx) ? "Positionnements" : "Mes orientations"},
                    {"items", rows},
                    {"empty", rows.empty()},
                    {"states", options(kPositioningStates, f.state)},
                    {"partner_kinds", options(kPartnerKinds, f.partner_kind)},
                    {"next", next},
                    {"paged", f.before_id > 0},
                    {"first", "/positionnements" + (keep.empty() ? "" : "?" + keep)},
                    {"export_query", keep}};
  return web::page(ctx, "employment/positionings", std::move(data));
}

http::Response export_positionings(Ctx& ctx, const std::string& format) {
  auto f = positioning_filter(ctx);
  f.before_id = 0;
  f.limit = 1000;
  std::vector<std::vector<std::string>> rows{{"id", "candidat", "offre", "employeur", "partenaire", "organisation_partenaire",
                                              "oriente_par", "etat", "contrat_embauche", "debut_embauche",
                                              "heures_hebdo", "appel_preparation", "cree_le"}};
  auto viewer = viewer_of(ctx);
  while (true) {
    auto page = list_positionings(ctx.db(), viewer, f);
    for (auto& g : page)
      rows.push_back({std::to_string(g.id), g.profile_name, g.offer_title, g.employer_name,
                      lbl(label_of(kPartnerKinds, g.partner_kind)), g.partner_organisation_name, g.created_by_name,
                      lbl(label_of(kPositioningStates, g.state)),
                      g.hire_contract_type.empty() ? "" : lbl(label_of(kContractTypes, g.hire_contract_type)),
                      g.hire_start_date, g.hire_weekly_minutes ? format_minutes(g.hire_weekly_minutes) : "",
                      g.preparation_call_at, g.created_at});
    if (static_cast<int>(page.size()) < f.limit) break;
    f.before_id = page.back().id;
  }
  return web::download(ctx, "positioning", "Positionnements", "positionnements", format, rows);
}

http::Response positioning_page(Ctx& ctx, std::int64_t id, const web::Errors& errors, int status) {
  auto g = get_positioning(ctx.db(), viewer_of(ctx), id);
  if (!g) throw web::NotFound{};
  json::array history;
  for (auto& e : positioning_history(ctx.db(), g->id))
    history.push_back(json::object{
        {"at", web::french_datetime(e.at)},
        {"user", e.user_name},
        {"what", e.transition == "create"             ? std::string("Création")
                 : e.transition == "preparation_call" ? std::string("Appel de préparation à l'entretien")
                                                      : lbl(label_of(kPositioningTransitions, e.transition))},
        {"state", lbl(label_of(kPositioningStates, e.to_state))},
        {"note", e.note}});
  json::array transitions;
  if (is_manager(ctx))
    for (auto t : allowed_transitions(g->state))
      if (t != "hire")
        transitions.push_back(json::object{{"code", t}, {"label", lbl(label_of(kPositioningTransitions, t))}});
  auto row = positioning_row(*g);
  if (g->state == "hired") {
    row["hire_contract"] = lbl(label_of(kContractTypes, g->hire_contract_type));
    row["hire_start"] = fr_date(g->hire_start_date);
    row["hire_hours"] = format_minutes(g->hire_weekly_minutes);
  }
  row["note"] = g->note;
  row["call_at"] = g->preparation_call_at.empty() ? "" : web::french_datetime(g->preparation_call_at);
  row["call_note"] = g->preparation_call_note;
  auto can_hire = is_manager(ctx) && next_state(g->state, "hire").has_value();
  auto hire_type = ctx.form("contract_type").empty() ? g->offer_contract_type : ctx.form("contract_type");
  json::object data{{"title", "Positionnement de " + g->profile_name},
                    {"positioning", row},
                    {"manager", is_manager(ctx)},
                    {"open", !is_final_state(g->state)},
                    {"transitions", transitions},
                    {"can_hire", can_hire},
                    {"contracts", options(kContractTypes, hire_type)},
                    {"hire_start", ctx.form("start_date")},
                    {"hire_hours", ctx.form("weekly_hours")},
                    {"history", history}};
  put_errors(data, errors);
  return web::page(ctx, "employment/positioning", std::move(data), status);
}

http::Response change_state_route(Ctx& ctx, std::int64_t id) {
  auto g = get_positioning(ctx.db(), viewer_of(ctx), id);
  if (!g) throw web::NotFound{};
  auto transition = ctx.form("transition");
  HireInput hire{ctx.form("contract_type"), ctx.form("start_date"), ctx.form("weekly_hours")};
  db::Transaction tx(ctx.db());
  auto r = change_positioning_state(ctx.db(), *g, transition, hire, ctx.form("note"), ctx.user().id);
  if (!r) return positioning_page(ctx, id, r.error(), 422);
  audit_write(ctx, "update", "positioning", g->id, transition);
  tx.commit();
  ctx.flash(fmt::format("État : {}.", label_of(kPositioningStates, *next_state(g->state, transition))));
  return http::Response::redirect(fmt::format("/positionnements/{}", id));
}

http::Response preparation_call_route(Ctx& ctx, std::int64_t id) {
  auto g = get_positioning(ctx.db(), viewer_of(ctx), id);
  if (!g) throw web::NotFound{};
  db::Transaction tx(ctx.db());
  auto r = log_preparation_call(ctx.db(), *g, ctx.form("call_note"), ctx.user().id);
  if (!r) return positioning_page(ctx, id, r.error(), 422);
  audit_write(ctx, "update", "positioning", g->id, "preparation_call");
  tx.commit();
  ctx.flash("L'appel de préparation a été noté.");
  return http::Response::redirect(fmt::format("/positionnements/{}", id));
}


// ==== Dashboard ===================================================================================

struct Period {
  std::string from, to;
  web::Errors errors;
};

// ?du=&au= (ISO dates); by default since the first profile of the caller's CV library (seed 003:
// launched in September 2019) up to today.
Period period_of(Ctx& ctx) {
  Period p;
  const auto today = followup::format_date(paris_today());
  p.from = ctx.req.query("du");
  p.to = ctx.req.query("au");
  if (!p.from.empty() && !followup::parse_date(p.from)) p.errors.push_back({"du", "Date invalide (format attendu : AAAA-MM-JJ)."});
  if (!p.to.empty() && !followup::parse_date(p.to)) p.errors.push_back({"au", "Date invalide (format attendu : AAAA-MM-JJ)."});
  if (p.errors.empty() && !p.from.empty() && !p.to.empty() && p.to < p.from)
    p.errors.push_back({"au", "La fin de la période ne peut pas précéder son début."});
  if (!p.errors.empty() || p.to.empty()) p.to = today;
  if (!p.errors.empty() || p.from.empty()) {
    db::Params params;  // the first profile of the caller's own territory
    auto r = ctx.db().query("SELECT MIN(p.created_at) FROM cv_profiles p JOIN organisations o ON o.id = p.organisation_id "
                            "WHERE " + network::scope_condition(viewer_of(ctx).scope, params, "o.path"),
                            params);
    auto first = r.rows.at(0).text(0);
    p.from = first.size() >= 10 ? first.substr(0, 10) : today;
    if (p.from > p.to) p.from = p.to;
  }
  return p;
}

std::vector<std::vector<std::string>> figure_rows(const Figures& f) {
  std::vector<std::vector<std::string>> rows{
      {"Offres traitées", std::to_string(f.offers_processed)},
      {"Embauches réalisées", std::to_string(f.hires)},
      {"Positionnements en cours", std::to_string(f.in_progress)},
      {"Postes en alternance concernés par des positionnements en cours", std::to_string(f.work_study_posts)},
      {"Orientations par les partenaires", std::to_string(f.orientations)},
      {"Profils dans la CVthèque (fin de période)", std::to_string(f.library_size)},
      {"dont présentables aux entreprises (consentement)", std::to_string(f.library_consented)}};
  return rows;
}

std::string contract_label(const std::string& code) {
  return code.empty() ? std::string("Profil poussé sans offre") : lbl(label_of(kContractTypes, code));
}

http::Response dashboard_page(Ctx& ctx, const std::string& format) {
  auto period = period_of(ctx);
  auto f = figures(ctx.db(), viewer_of(ctx).scope, period.from, period.to);
  if (!format.empty()) {
    std::vector<std::vector<std::string>> rows{{"indicateur", "detail", "valeur"}};
    for (auto& r : figure_rows(f)) rows.push_back({r[0], "", r[1]});
    for (auto& [k, v] : f.in_progress_by_contract)
      rows.push_back({"Positionnements en cours par type de contrat", contract_label(k), std::to_string(v)});
    for (auto& [k, v] : f.orientations_by_partner)
      rows.push_back({"Orientations par partenaire", lbl(label_of(kPartnerKinds, k)), std::to_string(v)});
    return web::download(ctx, "employment_dashboard", "Emploi", fmt::format("emploi-{}-{}", period.from, period.to),
                         format, rows);
  }
  json::array figures_json, contracts, partners, contract_labels, contract_values, partner_labels, partner_values;
  for (auto& r : figure_rows(f)) figures_json.push_back(json::object{{"label", r[0]}, {"value", r[1]}});
  for (auto& [k, v] : f.in_progress_by_contract) {
    contracts.push_back(json::object{{"label", contract_label(k)}, {"count", v}});
    contract_labels.push_back(json::string(contract_label(k)));
    contract_values.push_back(v);
  }
  for (auto& [k, v] : f.orientations_by_partner) {
    partners.push_back(json::object{{"label", lbl(label_of(kPartnerKinds, k))}, {"count", v}});
    partner_labels.push_back(json::string(label_of(kPartnerKinds, k)));
    partner_values.push_back(v);
  }
  auto keep = fmt::format("du={}&au={}", period.from, period.to);
  json::object data{{"title", "Tableau de bord emploi"},
                    {"from", period.from},
                    {"to", period.to},
                    {"period", fr_date(period.from) + " au " + fr_date(period.to)},
                    {"figures", figures_json},
                    {"contracts", contracts},
                    {"has_contracts", !contracts.empty()},
                    {"contract_labels", json::serialize(contract_labels)},
                    {"contract_values", json::serialize(contract_values)},
                    {"partners", partners},
                    {"has_partners", !partners.empty()},
                    {"partner_labels", json::serialize(partner_labels)},
                    {"partner_values", json::serialize(partner_values)},
                    {"export_query", keep}};
  put_errors(data, period.errors);
  return web::page(ctx, "employment/dashboard", std::move(data));
}

}  // namespace

void register_routes(web::App& app) {
  auto everyone = web::Access::roles_in({"facilitator", "admin", "partner"});
  auto managers = web::Access::roles_in({"facilitator", "admin"});

  app.route("GET", "/offres", everyone, [](Ctx& ctx) { return offers_page(ctx); });
  app.route("GET", "/offres/export.csv", everyone, [](Ctx& ctx) { return export_offers(ctx, "csv"); });
  app.route("GET", "/offres/export.xlsx", everyone, [](Ctx& ctx) { return export_offers(ctx, "xlsx"); });
  app.route("GET", "/offres/nouvelle", managers, [](Ctx& ctx) {
    OfferInput in;
    in.status = "open";
    return offer_form(ctx, in, {}, nullptr, 200);
  });
  app.route("POST", "/offres", managers, [](Ctx& ctx) { return create_offer_route(ctx); });
  app.route("GET", "/offres/{id}", everyone, [](Ctx& ctx) { return offer_page(ctx, path_id(ctx)); });
  app.route("GET", "/offres/{id}/modifier", managers, [](Ctx& ctx) {
    auto f = offer_or_404(ctx, path_id(ctx));
    return offer_form(ctx, offer_values(f), {}, &f, 200);
  });
  app.route("POST", "/offres/{id}/modifier", managers, [](Ctx& ctx) {
    auto f = offer_or_404(ctx, path_id(ctx));
    auto in = offer_input(ctx);
    db::Transaction tx(ctx.db());
    auto r = update_offer(ctx.db(), viewer_of(ctx).scope, f.id, in, ctx.user().id, ctx.form("reason"));
    if (!r) return offer_form(ctx, in, r.error(), &f, 422);
    audit_write(ctx, "update", "job_offer", f.id, in.status);
    tx.commit();
    ctx.flash("L'offre a été mise à jour.");
    return http::Response::redirect(fmt::format("/offres/{}", f.id));
  });

  app.route("GET", "/emploi/tableau-de-bord", managers, [](Ctx& ctx) { return dashboard_page(ctx, ""); });
  app.route("GET", "/emploi/tableau-de-bord/export.csv", managers, [](Ctx& ctx) { return dashboard_page(ctx, "csv"); });
  app.route("GET", "/emploi/tableau-de-bord/export.xlsx", managers, [](Ctx& ctx) { return dashboard_page(ctx, "xlsx"); });

  app.route("GET", "/cvtheque", everyone, [](Ctx& ctx) { return library_page(ctx); });
  app.route("GET", "/cvtheque/export.csv", everyone, [](Ctx& ctx) { return export_library(ctx, "csv"); });
  app.route("GET", "/cvtheque/export.xlsx", everyone, [](Ctx& ctx) { return export_library(ctx, "xlsx"); });
  app.route("GET", "/cvtheque/nouveau", everyone, [](Ctx& ctx) {
    ProfileInput in;
    return profile_form(ctx, in, {}, nullptr, 200);
  });
  app.route("POST", "/cvtheque", everyone, [](Ctx& ctx) { return create_profile_route(ctx); });
  app.route("GET", "/cvtheque/{id}", everyone, [](Ctx& ctx) { return profile_page(ctx, path_id(ctx), {}, 200); });
  app.route("GET", "/cvtheque/{id}/cv", everyone, [](Ctx& ctx) { return cv_download(ctx, path_id(ctx)); });
  app.route("GET", "/cvtheque/{id}/modifier", everyone, [](Ctx& ctx) {
    auto p = profile_or_404(ctx, path_id(ctx));
    return profile_form(ctx, profile_values(p), {}, &p, 200);
  });
  app.route("POST", "/cvtheque/{id}/modifier", everyone, [](Ctx& ctx) {
    auto p = profile_or_404(ctx, path_id(ctx));
    return update_profile_route(ctx, p);
  });
  app.route("POST", "/cvtheque/{id}/positionnements", everyone,
            [](Ctx& ctx) { return create_positioning_route(ctx, path_id(ctx)); });

  app.route("GET", "/positionnements", everyone, [](Ctx& ctx) { return positionings_page(ctx); });
  app.route("GET", "/positionnements/export.csv", everyone, [](Ctx& ctx) { return export_positionings(ctx, "csv"); });
  app.route("GET", "/positionnements/export.xlsx", everyone, [](Ctx& ctx) { return export_positionings(ctx, "xlsx"); });
  app.route("GET", "/positionnements/{id}", everyone, [](Ctx& ctx) { return positioning_page(ctx, path_id(ctx), {}, 200); });
  app.route("POST", "/positionnements/{id}/etat", managers, [](Ctx& ctx) { return change_state_route(ctx, path_id(ctx)); });
  app.route("POST", "/positionnements/{id}/appel", managers,
            [](Ctx& ctx) { return preparation_call_route(ctx, path_id(ctx)); });
}

}  // namespace passerelle::employment
