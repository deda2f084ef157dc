// Memberships (adhésions): pages for delegation staff and administrators
// (list by delegation, renewals due, lapsed members, counts by region and
// kind, exports, record / renew / payment / override forms), the member's own
// view, and the JSON API. Staff manage the memberships of their subtree; a
// member reads its own; other roles get 403; a record outside the scope 404.
#include "network/membership_routes.hpp"

#include "core/web/paris.hpp"

#include <map>

#include <fmt/format.h>

#include "core/auth/audit.hpp"
#include "core/auth/auth.hpp"
#include "core/web/download.hpp"
#include "core/web/input.hpp"
#include "core/web/text.hpp"
#include "network/membership_store.hpp"
#include "network/model.hpp"
#include "network/views.hpp"

namespace passerelle::network {

// The Paris day: a membership ends at midnight in Paris, not in UTC.
CivilDate membership_today() { return *parse_iso_date(web::paris_today()); }

namespace {

using web::Ctx;
namespace json = boost::json;

constexpr int kPageSize = 50;

web::Access readers() { return web::Access::roles_in({"admin", "network", "member"}); }
web::Access writers() { return web::Access::roles_in({"admin", "network"}); }
Scope read_scope(Ctx& ctx) { return ctx.user().scope_roots({"admin", "network", "member"}); }
Scope write_scope(Ctx& ctx) { return ctx.user().scope_roots({"admin", "network"}); }
bool can_manage(Ctx& ctx, const Membership& m) { return ctx.user().can_reach(m.organisation_path, {"admin", "network"}); }

std::string status_label(const std::vector<StatusRule>& rules, const std::string& code) {
  auto r = find_rule(rules, code);
  return r ? r->label : code;
}

std::string region_name(const std::string& code) {
  auto r = find_region(code);
  return r ? std::string(r->name) : code;
}

json::object membership_json(const Membership& m, const std::vector<StatusRule>& rules) {
  json::object o{{"id", m.id},
                 {"organisation_id", m.organisation_id},
                 {"organisation_name", m.organisation_name},
                 {"organisation_kind", m.organisation_kind},
                 {"delegation_name", m.delegation_name},
                 {"region", m.region},
                 {"department", m.department},
                 {"year", m.year},
                 {"join_date", m.join_date},
                 {"start_date", m.start_date},
                 {"end_date", m.end_date},
                 {"fee_cents", m.fee_cents},
                 {"paid_date", m.paid_date.empty() ? json::value(nullptr) : json::value(m.paid_date)},
                 {"status", m.status},
                 {"status_label", status_label(rules, m.status)},
                 {"is_member", counts_as_member(rules, m.status)},
                 {"status_override", m.status_override.empty() ? json::value(nullptr) : json::value(m.status_override)},
                 {"override_until", m.override_until.empty() ? json::value(nullptr) : json::value(m.override_until)},
                 {"renewed_from_id", m.renewed_from_id ? json::value(*m.renewed_from_id) : json::value(nullptr)},
                 {"renewed", m.renewed},
                 {"created_at", m.created_at},
                 {"updated_at", m.updated_at}};
  return o;
}

// Template data of one row: the JSON plus French presentation.
json::object membership_view(const Membership& m, const std::vector<StatusRule>& rules) {
  auto o = membership_json(m, rules);
  o["kind_label"] = kind_label(m.organisation_kind);
  o["region_name"] = region_name(m.region);
  o["fee_fr"] = format_euros(m.fee_cents);
  o["paid_fr"] = m.paid_date.empty() ? std::string("non payée") : web::french_date(m.paid_date);
  o["start_fr"] = web::french_date(m.start_date);
  o["end_fr"] = web::french_date(m.end_date);
  o["join_fr"] = web::french_date(m.join_date);
  o["override_until_fr"] = m.override_until.empty() ? "" : web::french_date(m.override_until);
  o["has_override"] = !m.status_override.empty();
  o["status_class"] = counts_as_member(rules, m.status) ? "ok" : "warn";
  return o;
}

// ---- Filters --------------------------------------------------------------------

MembershipFilter filter_from_query(Ctx& ctx, bool api) {
  MembershipFilter f;
  auto& req = ctx.req;
  auto view = req.query(api ? "view" : "vue");
  if (view == "due" || view == "a-renouveler") f.view = MembershipView::due;
  else if (view == "lapsed" || view == "echues") f.view = MembershipView::lapsed;
  else if (!view.empty() && view != "all" && view != "toutes")
    throw web::BadRequest{"Vue inconnue : choisissez toutes, a-renouveler ou echues."};
  f.today = iso(membership_today());
  auto year = req.query(api ? "year" : "annee");
  if (!year.empty()) {
    if (year.size() != 4 || year.find_first_not_of("0123456789") != std::string::npos)
      throw web::BadRequest{"L'année doit compter quatre chiffres."};
    f.year = std::stoi(year);
  } else if (!api && f.view == MembershipView::all) {
    f.year = static_cast<int>(membership_today().year());
  }
  f.status = req.query(api ? "status" : "statut");
  f.region = req.query("region");
  f.kind = req.query(api ? "kind" : "type");
  f.q = req.query("q");
  if (f.q.size() > 200) f.q.resize(200);
  f.delegation_id = web::query_id(ctx, api ? "delegation_id" : "delegation");
  f.organisation_id = web::query_id(ctx, api ? "organisation_id" : "organisation");
  if (api) {
    f.limit = web::query_limit(ctx, 50, 200);
    auto after = req.query("after");
    if (!after.empty()) {
      auto dot = after.find('.');
      auto id = web::to_id(after.substr(0, dot));
      if (!id) throw web::BadRequest{"Curseur de pagination invalide."};
      f.after_id = *id;
      if (dot != std::string::npos) {
        auto hex = after.substr(dot + 1);
        if (hex.size() % 2 || hex.find_first_not_of("0123456789abcdef") != std::string::npos)
          throw web::BadRequest{"Curseur de pagination invalide."};
        for (std::size_t i = 0; i < hex.size(); i += 2)
          f.after_key += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
      }
    }
  } else {
    f.limit = kPageSize;
    if (auto id = web::query_id(ctx, "apres_id")) f.after_id = *id;
    f.after_key = req.query("apres");
  }
  return f;
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

json::array delegation_options(Ctx& ctx, const std::string& selected) {
  json::array out;
  OrgFilter f;
  f.kind = "delegation";
  f.limit = 200;
  for (auto& o : list_organisations(ctx.db(), read_scope(ctx), f))
    out.push_back(json::object{{"code", std::to_string(o.id)}, {"label", o.name}, {"selected", std::to_string(o.id) == selected}});
  return out;
}

json::array status_options(const std::vector<StatusRule>& rules, const std::string& selected) {
  json::array out;
  for (auto& r : rules) out.push_back(json::object{{"code", r.code}, {"label", r.label}, {"selected", r.code == selected}});
  return out;
}

// ---- List page and exports ----------------------------------------------------------

http::Response list_page(Ctx& ctx) {
  auto f = filter_from_query(ctx, false);
  auto rules = load_status_rules(ctx.db());
  auto rows = list_memberships(ctx.db(), read_scope(ctx), f);
  json::array items;
  for (auto& m : rows) items.push_back(membership_view(m, rules));
  auto keep = query_keep(ctx, {"vue", "annee", "statut", "region", "type", "delegation", "q"});
  std::string next;
  if (static_cast<int>(rows.size()) == f.limit)
    next = fmt::format("/adhesions?{}{}apres={}&apres_id={}", keep, keep.empty() ? "" : "&",
                       http::url_encode(rows.back().sort_name), rows.back().id);
  auto vue = ctx.req.query("vue");
  const char* title = f.view == MembershipView::due      ? "Adhésions à renouveler"
                      : f.view == MembershipView::lapsed ? "Adhérents dont l'adhésion est échue"
                                                         : "Adhésions";
  bool staff = ctx.user().has_any_role({"admin", "network"});
  json::object data{{"title", title},
                    {"items", items},
                    {"empty", rows.empty()},
                    {"count", rows.size()},
                    {"view_all", f.view == MembershipView::all},
                    {"view_due", f.view == MembershipView::due},
                    {"view_lapsed", f.view == MembershipView::lapsed},
                    {"vue", vue},
                    {"annee", f.year ? std::to_string(*f.year) : std::string()},
                    {"q", f.q},
                    {"notice_days", kRenewalNoticeDays},
                    {"statuses", status_options(rules, f.status)},
                    {"kinds", kind_options(f.kind)},
                    {"regions", region_options(f.region)},
                    {"delegations", delegation_options(ctx, ctx.req.query("delegation"))},
                    {"next", next},
                    {"paged", f.after_id > 0},
                    {"first", "/adhesions" + (keep.empty() ? "" : "?" + keep)},
                    {"export_query", keep},
                    {"staff", staff}};
  return web::page(ctx, "network/memberships", std::move(data));
}

http::Response export_memberships(Ctx& ctx, const std::string& format) {
  auto f = filter_from_query(ctx, false);
  f.after_id = 0;
  f.after_key.clear();
  f.limit = 1000;
  auto rules = load_status_rules(ctx.db());
  std::vector<std::vector<std::string>> rows{{"id", "organisation", "type", "delegation", "region", "departement", "annee",
                                              "adherent_depuis", "debut", "fin", "cotisation_euros", "payee_le", "statut",
                                              "compte_comme_adherent", "statut_force_jusqu_au"}};
  auto scope = read_scope(ctx);
  while (true) {
    auto page = list_memberships(ctx.db(), scope, f);
    for (auto& m : page)
      rows.push_back({std::to_string(m.id), m.organisation_name, kind_label(m.organisation_kind), m.delegation_name,
                      region_name(m.region), m.department, std::to_string(m.year), web::french_date(m.join_date),
                      web::french_date(m.start_date), web::french_date(m.end_date),
                      fmt::format("{},{:02d}", m.fee_cents / 100, m.fee_cents % 100),
                      m.paid_date.empty() ? "" : web::french_date(m.paid_date), status_label(rules, m.status),
                      counts_as_member(rules, m.status) ? "oui" : "non",
                      m.status_override.empty() ? "" : (m.override_until.empty() ? "sans fin" : web::french_date(m.override_until))});
    if (static_cast<int>(page.size()) < f.limit) break;
    f.after_key = page.back().sort_name;
    f.after_id = page.back().id;
  }
  return web::download(ctx, "membership", "Adhésions", "adhesions", format, rows);
}

// Counts of members by region (rows) and kind (columns), with totals.
json::object counts_data(Ctx& ctx, int year) {
  auto counts = member_counts(ctx.db(), read_scope(ctx), year);
  std::vector<std::string> kinds;
  std::map<std::string, std::map<std::string, std::int64_t>> by_region;
  std::map<std::string, std::int64_t> kind_totals;
  std::int64_t total = 0;
  for (auto& c : counts) {
    if (std::find(kinds.begin(), kinds.end(), c.kind) == kinds.end()) kinds.push_back(c.kind);
    by_region[c.region][c.kind] += c.count;
    kind_totals[c.kind] += c.count;
    total += c.count;
  }
  std::sort(kinds.begin(), kinds.end(), [](auto& a, auto& b) { return kind_label(a) < kind_label(b); });
  json::array header, rows, chart_labels, chart_values, kind_total_cells;
  for (auto& k : kinds) {
    header.push_back(json::object{{"code", k}, {"label", kind_label(k)}});
    kind_total_cells.push_back(json::value(kind_totals[k]));
  }
  for (auto& [region, per_kind] : by_region) {
    json::array cells;
    std::int64_t sum = 0;
    for (auto& k : kinds) {
      auto it = per_kind.find(k);
      auto n = it == per_kind.end() ? 0 : it->second;
      cells.push_back(json::value(n));
      sum += n;
    }
    rows.push_back(json::object{{"region", region_name(region)}, {"cells", cells}, {"total", sum}});
    chart_labels.push_back(json::string(region_name(region)));
    chart_values.push_back(json::value(sum));
  }
  return json::object{{"year", year},        {"kinds", header},           {"rows", rows},
                      {"kind_totals", kind_total_cells}, {"total", total}, {"empty", counts.empty()},
                      {"chart_labels", json::serialize(chart_labels)},  {"chart_values", json::serialize(chart_values)}};
}

// ---- Forms -------------------------------------------------------------------

json::array organisation_choices(Ctx& ctx, const std::string& selected) {
  json::array out;
  OrgFilter f;
  f.limit = 1000;
  for (auto& o : list_organisations(ctx.db(), write_scope(ctx), f)) {
    if (o.kind == "federation") continue;
    auto id = std::to_string(o.id);
    out.push_back(json::object{{"id", id}, {"label", o.name + " (" + kind_label(o.kind) + ")"}, {"selected", id == selected}});
  }
  return out;
}

MembershipInput input_from_form(Ctx& ctx) {
  return {ctx.form("organisation_id"), ctx.form("year"),       ctx.form("fee"),     ctx.form("paid_date"),
          ctx.form("start_date"),      ctx.form("end_date"),   ctx.form("join_date")};
}

http::Response membership_form(Ctx& ctx, const MembershipInput& in, const web::Errors& errors, int status) {
  json::object values{{"year", in.year},           {"fee", in.fee},           {"paid_date", in.paid_date},
                      {"start_date", in.start_date}, {"end_date", in.end_date}, {"join_date", in.join_date}};
  json::object data{{"title", "Enregistrer une adhésion"},
                    {"values", values},
                    {"organisations", organisation_choices(ctx, in.organisation_id)}};
  for (auto& [k, v] : web::errors_json(errors)) data[k] = v;
  return web::page(ctx, "network/membership_form", std::move(data), status);
}

// The organisation named by the input, in the caller's write scope; an error otherwise.
std::optional<Organisation> check_organisation(Ctx& ctx, const MembershipValues& v, web::Errors& errors) {
  if (web::find_error(errors, "organisation_id")) return std::nullopt;
  auto o = get_organisation(ctx.db(), write_scope(ctx), v.organisation_id);
  if (!o) errors.push_back({"organisation_id", "L'organisation choisie est introuvable dans votre périmètre."});
  return o;
}

const char* kDuplicate = "Cette organisation a déjà une adhésion pour cette année : ouvrez-la pour la modifier ou la renouveler.";

http::Response detail_page(Ctx& ctx, const Membership& m, const std::string& form, const MembershipInput* typed,
                           const OverrideInput* typed_override, const web::Errors& errors, int status) {
  auto rules = load_status_rules(ctx.db());
  auto data = membership_view(m, rules);
  json::array history;
  for (auto& h : membership_history(ctx.db(), m.id))
    history.push_back(json::object{{"from", h.from_status.empty() ? "—" : status_label(rules, h.from_status)},
                                   {"to", status_label(rules, h.to_status)},
                                   {"who", h.user_name.empty() ? std::string("Mise à jour automatique") : h.user_name},
                                   {"why", h.reason},
                                   {"when", web::french_datetime(h.changed_at)}});
  auto period = renewal_period(m.end_date);
  data["title"] = fmt::format("Adhésion {} — {}", m.year, m.organisation_name);
  data["history"] = history;
  data["can_manage"] = can_manage(ctx, m);
  data["next_year"] = m.year + 1;
  data["next_period"] = web::french_date(period.start_date) + " au " + web::french_date(period.end_date);
  data["statuses"] = status_options(rules, typed_override ? typed_override->status : "");
  auto fee = fmt::format("{},{:02d}", m.fee_cents / 100, m.fee_cents % 100);
  json::object renew_values{{"fee", fee}, {"paid_date", ""}}, payment_values{{"fee", fee}, {"paid_date", m.paid_date}},
      override_values;
  if (typed && form == "renew") renew_values = {{"fee", typed->fee}, {"paid_date", typed->paid_date}};
  if (typed && form == "payment") payment_values = {{"fee", typed->fee}, {"paid_date", typed->paid_date}};
  if (typed_override) override_values = {{"until", typed_override->until}, {"reason", typed_override->reason}};
  data["renew_values"] = renew_values;
  data["payment_values"] = payment_values;
  data["override_values"] = override_values;
  auto errs = web::errors_json(errors);
  data["form_renew"] = form == "renew";
  data["form_payment"] = form == "payment";
  data["form_override"] = form == "override";
  for (auto& [k, v] : errs) data[k] = v;
  return web::page(ctx, "network/membership", std::move(data), status);
}

Membership managed(Ctx& ctx) {
  auto m = get_membership(ctx.db(), write_scope(ctx), web::path_id(ctx));
  if (!m) throw web::NotFound{};
  return *m;
}

// Fee and paid date of the renewal and payment forms, validated by the membership rules.
web::Errors validate_fee_and_payment(const MembershipInput& in, std::int64_t& fee_cents, std::string& paid_date) {
  MembershipValues v;
  MembershipInput full{"1", "2000", in.fee, in.paid_date, "", "", ""};
  auto errors = validate_membership(full, v);
  fee_cents = v.fee_cents;
  paid_date = v.paid_date;
  return errors;
}

// ---- API --------------------------------------------------------------------

json::object page_json(const std::vector<Membership>& rows, const MembershipFilter& f, const std::vector<StatusRule>& rules) {
  json::array items;
  for (auto& m : rows) items.push_back(membership_json(m, rules));
  json::value next = nullptr;
  if (static_cast<int>(rows.size()) == f.limit)
    next = json::string(fmt::format("{}.{}", rows.back().id, web::hex(rows.back().sort_name)));
  return json::object{{"items", items}, {"next", next}};
}

// The fee of an API body: an integer number of cents ≥ 0.
std::string api_fee(const json::object& body, web::Errors& errors, const std::string& fallback) {
  auto it = body.find("fee_cents");
  if (it == body.end()) return fallback;
  if (!it->value().is_int64() || it->value().get_int64() < 0 || it->value().get_int64() > 100000000000LL) {
    errors.push_back({"fee_cents", "La cotisation est un nombre entier de centimes, positif ou nul."});
    return "0";
  }
  auto c = it->value().get_int64();
  return fmt::format("{}.{:02d}", c / 100, c % 100);
}

// Form field names → API field names.
web::Errors to_api(web::Errors errors) {
  for (auto& e : errors)
    if (e.field == "fee") e.field = "fee_cents";
  return errors;
}

json::object membership_detail_json(Ctx& ctx, const Membership& m) {
  auto rules = load_status_rules(ctx.db());
  auto o = membership_json(m, rules);
  json::array history;
  for (auto& h : membership_history(ctx.db(), m.id))
    history.push_back(json::object{{"from_status", h.from_status.empty() ? json::value(nullptr) : json::value(h.from_status)},
                                   {"to_status", h.to_status},
                                   {"by", h.user_name.empty() ? json::value(nullptr) : json::value(h.user_name)},
                                   {"reason", h.reason},
                                   {"changed_at", h.changed_at}});
  o["history"] = history;
  return o;
}

}  // namespace

void register_membership_routes(web::App& app) {
  // ---- Pages
  app.route("GET", "/adhesions", readers(), [](Ctx& ctx) { return list_page(ctx); });
  app.route("GET", "/adhesions/export.csv", writers(), [](Ctx& ctx) { return export_memberships(ctx, "csv"); });
  app.route("GET", "/adhesions/export.xlsx", writers(), [](Ctx& ctx) { return export_memberships(ctx, "xlsx"); });
  app.route("GET", "/adhesions/chiffres", writers(), [](Ctx& ctx) {
    int year = static_cast<int>(membership_today().year());
    auto y = ctx.req.query("annee");
    if (!y.empty()) {
      if (y.size() != 4 || y.find_first_not_of("0123456789") != std::string::npos)
        throw web::BadRequest{"L'année doit compter quatre chiffres."};
      year = std::stoi(y);
    }
    auto data = counts_data(ctx, year);
    data["title"] = fmt::format("Adhérents {} par région et par type", year);
    return web::page(ctx, "network/membership_counts", std::move(data));
  });
  app.route("GET", "/adhesions/nouvelle", writers(), [](Ctx& ctx) {
    MembershipInput in;
    in.organisation_id = ctx.req.query("organisation");
    in.year = std::to_string(static_cast<int>(membership_today().year()));
    return membership_form(ctx, in, {}, 200);
  });
  app.route("POST", "/adhesions", writers(), [](Ctx& ctx) {
    auto in = input_from_form(ctx);
    MembershipValues v;
    auto errors = validate_membership(in, v);
    check_organisation(ctx, v, errors);
    if (errors.empty()) {
      try {
        db::Transaction tx(ctx.db());
        auto id = create_membership(ctx.db(), v, load_status_rules(ctx.db()), membership_today(), ctx.user().id,
                                    "Adhésion enregistrée");
        audit::record(ctx.db(), ctx.user().id, "create", "membership", id, fmt::format("adhésion {}", v.year),
                      ctx.req.remote_addr);
        tx.commit();
        ctx.flash("L'adhésion a été enregistrée.");
        return http::Response::redirect(fmt::format("/adhesions/{}", id));
      } catch (const db::Error& e) {
        if (!e.constraint()) throw;
        errors.push_back({"year", kDuplicate});
      }
    }
    return membership_form(ctx, in, errors, 422);
  });
  app.route("GET", "/adhesions/{id}", readers(), [](Ctx& ctx) {
    auto m = get_membership(ctx.db(), read_scope(ctx), web::path_id(ctx));
    if (!m) throw web::NotFound{};
    return detail_page(ctx, *m, "", nullptr, nullptr, {}, 200);
  });
  app.route("POST", "/adhesions/{id}/renouveler", writers(), [](Ctx& ctx) {
    auto m = managed(ctx);
    MembershipInput in;
    in.fee = ctx.form("fee");
    in.paid_date = ctx.form("paid_date");
    std::int64_t fee = 0;
    std::string paid;
    auto errors = validate_fee_and_payment(in, fee, paid);
    if (errors.empty()) {
      try {
        db::Transaction tx(ctx.db());
        auto id = renew_membership(ctx.db(), m, fee, paid, load_status_rules(ctx.db()), membership_today(), ctx.user().id);
        audit::record(ctx.db(), ctx.user().id, "renew", "membership", id, fmt::format("renouvellement de {}", m.id),
                      ctx.req.remote_addr);
        tx.commit();
        ctx.flash("L'adhésion a été renouvelée.");
        return http::Response::redirect(fmt::format("/adhesions/{}", id));
      } catch (const db::Error& e) {
        if (!e.constraint()) throw;
        errors.push_back({"fee", "L'adhésion de l'année suivante existe déjà pour cette organisation."});
      }
    }
    return detail_page(ctx, m, "renew", &in, nullptr, errors, 422);
  });
  app.route("POST", "/adhesions/{id}/paiement", writers(), [](Ctx& ctx) {
    auto m = managed(ctx);
    MembershipInput in;
    in.fee = ctx.form("fee");
    in.paid_date = ctx.form("paid_date");
    std::int64_t fee = 0;
    std::string paid;
    auto errors = validate_fee_and_payment(in, fee, paid);
    if (!errors.empty()) return detail_page(ctx, m, "payment", &in, nullptr, errors, 422);
    db::Transaction tx(ctx.db());
    record_payment(ctx.db(), m, fee, paid, load_status_rules(ctx.db()), membership_today(), ctx.user().id);
    audit::record(ctx.db(), ctx.user().id, "update", "membership", m.id, "cotisation", ctx.req.remote_addr);
    tx.commit();
    ctx.flash("La cotisation a été enregistrée.");
    return http::Response::redirect(fmt::format("/adhesions/{}", m.id));
  });
  app.route("POST", "/adhesions/{id}/statut", writers(), [](Ctx& ctx) {
    auto m = managed(ctx);
    OverrideInput in{ctx.form("status"), ctx.form("until"), ctx.form("reason")};
    auto rules = load_status_rules(ctx.db());
    auto errors = validate_override(in, rules, membership_today());
    if (!errors.empty()) return detail_page(ctx, m, "override", nullptr, &in, errors, 422);
    db::Transaction tx(ctx.db());
    override_status(ctx.db(), m, in, rules, membership_today(), ctx.user().id);
    audit::record(ctx.db(), ctx.user().id, "override", "membership", m.id, text::trim(in.status), ctx.req.remote_addr);
    tx.commit();
    ctx.flash(in.status == "auto" ? "Le statut est de nouveau calculé automatiquement." : "Le statut a été forcé.");
    return http::Response::redirect(fmt::format("/adhesions/{}", m.id));
  });

  // ---- API
  app.route("GET", "/api/v1/membership-statuses", readers(), [](Ctx& ctx) {
    json::array items;
    for (auto& r : load_status_rules(ctx.db()))
      items.push_back(json::object{{"code", r.code},
                                   {"label", r.label},
                                   {"weight", r.weight},
                                   {"is_member", r.is_member},
                                   {"manual_only", r.manual_only},
                                   {"unpaid_only", r.unpaid_only},
                                   {"start_event", r.start_event.empty() ? json::value(nullptr) : json::value(r.start_event)},
                                   {"start_offset", r.start_offset},
                                   {"start_unit", r.start_unit},
                                   {"end_event", r.end_event.empty() ? json::value(nullptr) : json::value(r.end_event)},
                                   {"end_offset", r.end_offset},
                                   {"end_unit", r.end_unit}});
    return web::json_response(json::object{{"items", items}});
  });
  app.route("GET", "/api/v1/memberships", readers(), [](Ctx& ctx) {
    auto f = filter_from_query(ctx, true);
    auto rules = load_status_rules(ctx.db());
    return web::json_response(page_json(list_memberships(ctx.db(), read_scope(ctx), f), f, rules));
  });
  app.route("GET", "/api/v1/memberships/counts", writers(), [](Ctx& ctx) {
    int year = static_cast<int>(membership_today().year());
    if (auto y = web::query_id(ctx, "year")) year = static_cast<int>(*y);
    json::array items;
    for (auto& c : member_counts(ctx.db(), read_scope(ctx), year))
      items.push_back(json::object{{"region", c.region}, {"kind", c.kind}, {"members", c.count}});
    return web::json_response(json::object{{"year", year}, {"items", items}});
  });
  app.route("GET", "/api/v1/memberships/{id}", readers(), [](Ctx& ctx) {
    auto m = get_membership(ctx.db(), read_scope(ctx), web::path_id(ctx));
    if (!m) throw web::NotFound{};
    return web::json_response(membership_detail_json(ctx, *m));
  });
  app.route("POST", "/api/v1/memberships", writers(), [](Ctx& ctx) {
    auto body = ctx.json_body();
    web::Errors errors;
    MembershipInput in{web::json_field(body, "organisation_id", errors), web::json_field(body, "year", errors),
                       api_fee(body, errors, ""),                      web::json_field(body, "paid_date", errors),
                       web::json_field(body, "start_date", errors),    web::json_field(body, "end_date", errors),
                       web::json_field(body, "join_date", errors)};
    MembershipValues v;
    for (auto& e : to_api(validate_membership(in, v)))
      if (!web::find_error(errors, e.field)) errors.push_back(e);
    check_organisation(ctx, v, errors);
    if (!errors.empty()) return web::validation_problem(errors);
    std::int64_t id;
    try {
      db::Transaction tx(ctx.db());
      id = create_membership(ctx.db(), v, load_status_rules(ctx.db()), membership_today(), ctx.user().id,
                             "Adhésion enregistrée");
      audit::record(ctx.db(), ctx.user().id, "create", "membership", id, fmt::format("adhésion {}", v.year),
                    ctx.req.remote_addr);
      tx.commit();
    } catch (const db::Error& e) {
      if (!e.constraint()) throw;
      return web::validation_problem({{"year", kDuplicate}});
    }
    auto res = web::json_response(membership_detail_json(ctx, *get_membership(ctx.db(), read_scope(ctx), id)), 201);
    res.set_header("Location", fmt::format("/api/v1/memberships/{}", id));
    return res;
  });
  app.route("POST", "/api/v1/memberships/{id}/renew", writers(), [](Ctx& ctx) {
    auto m = managed(ctx);
    auto body = ctx.json_body();
    web::Errors errors;
    MembershipInput in;
    in.fee = api_fee(body, errors, fmt::format("{}.{:02d}", m.fee_cents / 100, m.fee_cents % 100));
    in.paid_date = web::json_field(body, "paid_date", errors);
    std::int64_t fee = 0;
    std::string paid;
    for (auto& e : to_api(validate_fee_and_payment(in, fee, paid)))
      if (!web::find_error(errors, e.field)) errors.push_back(e);
    if (!errors.empty()) return web::validation_problem(errors);
    std::int64_t id;
    try {
      db::Transaction tx(ctx.db());
      id = renew_membership(ctx.db(), m, fee, paid, load_status_rules(ctx.db()), membership_today(), ctx.user().id);
      audit::record(ctx.db(), ctx.user().id, "renew", "membership", id, fmt::format("renouvellement de {}", m.id),
                    ctx.req.remote_addr);
      tx.commit();
    } catch (const db::Error& e) {
      if (!e.constraint()) throw;
      return web::validation_problem({{"year", "L'adhésion de l'année suivante existe déjà pour cette organisation."}});
    }
    auto res = web::json_response(membership_detail_json(ctx, *get_membership(ctx.db(), read_scope(ctx), id)), 201);
    res.set_header("Location", fmt::format("/api/v1/memberships/{}", id));
    return res;
  });
  app.route("POST", "/api/v1/memberships/{id}/payment", writers(), [](Ctx& ctx) {
    auto m = managed(ctx);
    auto body = ctx.json_body();
    web::Errors errors;
    MembershipInput in;
    in.fee = api_fee(body, errors, fmt::format("{}.{:02d}", m.fee_cents / 100, m.fee_cents % 100));
    in.paid_date = web::json_field(body, "paid_date", errors);
    std::int64_t fee = 0;
    std::string paid;
    for (auto& e : to_api(validate_fee_and_payment(in, fee, paid)))
      if (!web::find_error(errors, e.field)) errors.push_back(e);
    if (!errors.empty()) return web::validation_problem(errors);
    db::Transaction tx(ctx.db());
    record_payment(ctx.db(), m, fee, paid, load_status_rules(ctx.db()), membership_today(), ctx.user().id);
    audit::record(ctx.db(), ctx.user().id, "update", "membership", m.id, "cotisation", ctx.req.remote_addr);
    tx.commit();
    return web::json_response(membership_detail_json(ctx, *get_membership(ctx.db(), read_scope(ctx), m.id)));
  });
  app.route("POST", "/api/v1/memberships/{id}/override", writers(), [](Ctx& ctx) {
    auto m = managed(ctx);
    auto body = ctx.json_body();
    web::Errors errors;
    OverrideInput in{web::json_field(body, "status", errors), web::json_field(body, "until", errors),
                     web::json_field(body, "reason", errors)};
    auto rules = load_status_rules(ctx.db());
    for (auto& e : validate_override(in, rules, membership_today()))
      if (!web::find_error(errors, e.field)) errors.push_back(e);
    if (!errors.empty()) return web::validation_problem(errors);
    db::Transaction tx(ctx.db());
    override_status(ctx.db(), m, in, rules, membership_today(), ctx.user().id);
    audit::record(ctx.db(), ctx.user().id, "override", "membership", m.id, text::trim(in.status), ctx.req.remote_addr);
    tx.commit();
    return web::json_response(membership_detail_json(ctx, *get_membership(ctx.db(), read_scope(ctx), m.id)));
  });
}

}  // namespace passerelle::network
