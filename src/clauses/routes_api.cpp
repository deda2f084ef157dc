// JSON API of the clauses module (issue 4): /api/v1/buyers, /contracts (with
// status changes and progress), /insertion-hours (entries, statement import,
// review) and /rule-sets (preview and apply new dates of effect). Clause
// facilitators and administrators only (403 for other roles); every read goes
// through the caller's scope (404 outside it); errors are problem+json with the
// French messages of the rules and the store. Described in web/static/openapi.json.
#include <fmt/format.h>

#include "clauses/model.hpp"
#include "clauses/routes.hpp"
#include "clauses/rules.hpp"
#include "clauses/store.hpp"
#include "core/auth/audit.hpp"
#include "core/web/app.hpp"
#include "core/web/input.hpp"
#include "core/web/text.hpp"

namespace passerelle::clauses {
namespace {

using web::Ctx;
using web::json_field;
using web::json_response;
using web::path_id;
using web::query_id;
using web::query_limit;
namespace json = boost::json;

Scope scope_of(Ctx& ctx) { return ctx.user().scope_roots({"facilitator", "admin"}); }

json::value opt_json(const std::optional<std::int64_t>& v) { return v ? json::value(*v) : json::value(nullptr); }
json::value opt_date(const std::optional<Date>& d) {
  return d ? json::value(followup::format_date(*d)) : json::value(nullptr);
}

Date today() { return followup::paris_date(*followup::parse_datetime(auth::now_utc())); }

json::object contract_json(const Contract& c) {
  return {{"id", c.id},
          {"organisation_id", c.organisation_id},
          {"buyer_id", c.buyer_id},
          {"buyer_name", c.buyer_name},
          {"reference", c.reference},
          {"title", c.title},
          {"lots", c.lots},
          {"sector", c.sector},
          {"clause_type", c.clause_type},
          {"holder_organisation_id", c.holder_organisation_id},
          {"holder_name", c.holder_name},
          {"amount_cents", c.amount_cents},
          {"notified_on", c.notified_on},
          {"start_date", c.start_date},
          {"end_date", c.end_date},
          {"hours_mode", c.hours_mode},
          {"required_minutes", c.required_minutes},
          {"labour_share_bp", opt_json(c.labour_share_bp)},
          {"insertion_rate_bp", opt_json(c.insertion_rate_bp)},
          {"hourly_cost_cents", opt_json(c.hourly_cost_cents)},
          {"required_hours_explanation",
           c.hours_mode == "computed" && c.labour_share_bp && c.insertion_rate_bp && c.hourly_cost_cents
               ? json::value(explain_required_hours({c.amount_cents, *c.labour_share_bp, *c.insertion_rate_bp,
                                                     *c.hourly_cost_cents}))
               : json::value(nullptr)},
          {"status", c.status},
          {"status_since", c.status_since},
          {"counted_minutes", c.counted_minutes},
          {"created_at", c.created_at},
          {"updated_at", c.updated_at}};
}

json::object progress_json(db::Connection& db, const Contract& c) {
  auto t = contract_totals(db, c.id);
  auto p = progress({c.required_minutes, t.counted_minutes, t.pending_minutes,
                     followup::parse_date(c.start_date).value_or(Date{}), followup::parse_date(c.end_date).value_or(Date{}),
                     today()});
  return {{"required_minutes", c.required_minutes},
          {"validated_minutes", t.counted_minutes},
          {"pending_minutes", t.pending_minutes},
          {"refused_minutes", t.refused_minutes},
          {"not_validated_minutes", t.not_validated_minutes},
          {"percent", p.percent},
          {"months_elapsed", p.months_elapsed},
          {"months_total", p.months_total},
          {"monthly_pace_minutes", p.monthly_pace_minutes},
          {"forecast_minutes", p.forecast_minutes},
          {"forecast_percent", p.forecast_percent},
          {"on_track", p.on_track},
          {"people", t.people},
          {"hires", t.hires},
          {"summary", p.summary}};
}

json::object entry_json(const HoursEntry& e) {
  return {{"id", e.id},
          {"contract_id", e.contract_id},
          {"contract_reference", e.contract_reference},
          {"participant_id", opt_json(e.participant_id)},
          {"person_name", e.person_name},
          {"month", e.month},
          {"employer_name", e.employer_name},
          {"modality", e.modality},
          {"minutes", e.minutes},
          {"situation", e.situation},
          {"eligibility", e.eligibility},
          {"decision", e.decision},
          {"rule_set_id", opt_json(e.rule_set_id)},
          {"rule_set_name", e.rule_set_name},
          {"rule_set_version", e.rule_set_id ? json::value(e.rule_set_version) : json::value(nullptr)},
          {"rule_id", opt_json(e.rule_id)},
          {"rule_position", e.rule_id ? json::value(e.rule_position) : json::value(nullptr)},
          {"review_status", e.review_status},
          {"review_reason", e.review_reason},
          {"counted", e.counted},
          {"source", e.source},
          {"created_at", e.created_at}};
}

json::object rule_set_json(const RuleSet& s) {
  json::array rules;
  for (auto& r : s.rules)
    rules.push_back(json::object{{"id", r.id},
                                 {"position", r.position},
                                 {"situation", r.situation.empty() ? json::value(nullptr) : json::value(r.situation)},
                                 {"eligibility", r.eligibility.empty() ? json::value(nullptr) : json::value(r.eligibility)},
                                 {"decision", r.decision},
                                 {"note", r.note}});
  return {{"id", s.id},
          {"code", s.code},
          {"version", s.version},
          {"name", s.name},
          {"description", s.description},
          {"legal_reference", s.legal_reference},
          {"effective_from", opt_date(s.effective_from)},
          {"effective_to", opt_date(s.effective_to)},
          {"priority", s.priority},
          {"rules", std::move(rules)}};
}

json::object plan_json(const RecomputePlan& plan) {
  json::array changes;
  for (auto& c : plan.changes)
    changes.push_back(json::object{{"month", c.month},
                                   {"situation", c.situation},
                                   {"eligibility", c.eligibility},
                                   {"from_decision", c.from_decision},
                                   {"to_decision", c.to_decision},
                                   {"entries", c.entries},
                                   {"minutes", c.minutes}});
  return {{"entries", plan.entries}, {"decisions_changed", plan.decisions_changed}, {"changes", std::move(changes)}};
}

Contract contract_or_404(Ctx& ctx, std::int64_t id) {
  auto c = get_contract(ctx.db(), scope_of(ctx), id);
  if (!c) throw web::NotFound{};
  return *c;
}

// An integer typed as text ("-12", "4500"), at most 15 digits; nullopt otherwise.
std::optional<std::int64_t> integer_of(const std::string& v) {
  std::size_t i = !v.empty() && v[0] == '-' ? 1 : 0;
  if (v.size() == i || v.size() - i > 15 || v.find_first_not_of("0123456789", i) != std::string::npos) return std::nullopt;
  return std::stoll(v);
}

// A JSON number or string read as text, the way forms arrive (amounts in euros as text, or *_cents as integers).
ContractInput contract_input(const json::object& body, web::Errors& errors) {
  ContractInput in;
  in.reference = json_field(body, "reference", errors);
  in.title = json_field(body, "title", errors);
  in.lots = json_field(body, "lots", errors);
  in.sector = json_field(body, "sector", errors);
  in.clause_type = json_field(body, "clause_type", errors);
  in.buyer_id = json_field(body, "buyer_id", errors);
  in.holder_organisation_id = json_field(body, "holder_organisation_id", errors);
  auto cents_or = [&](const char* cents, const char* euros) {
    auto c = json_field(body, cents, errors);
    if (c.empty()) return json_field(body, euros, errors);
    auto parsed = integer_of(c);
    if (!parsed) {
      errors.push_back({cents, "Ce champ doit être un nombre entier de centimes."});
      return std::string();
    }
    auto v = *parsed;
    return fmt::format("{}{}.{:02d}", v < 0 ? "-" : "", (v < 0 ? -v : v) / 100, (v < 0 ? -v : v) % 100);
  };
  in.amount = cents_or("amount_cents", "amount");
  in.notified_on = json_field(body, "notified_on", errors);
  in.start_date = json_field(body, "start_date", errors);
  in.end_date = json_field(body, "end_date", errors);
  in.hours_mode = json_field(body, "hours_mode", errors);
  in.required_hours = json_field(body, "required_hours", errors);
  in.labour_share = json_field(body, "labour_share", errors);
  in.insertion_rate = json_field(body, "insertion_rate", errors);
  in.hourly_cost = cents_or("hourly_cost_cents", "hourly_cost");
  return in;
}

StatusChange status_input(const json::object& body, web::Errors& errors) {
  return {json_field(body, "transition", errors), json_field(body, "effective_on", errors),
          json_field(body, "reason", errors), json_field(body, "legal_reference", errors),
          json_field(body, "new_end_date", errors)};
}

void audit(Ctx& ctx, std::string_view action, std::string_view entity, std::int64_t id, std::string_view detail) {
  audit::record(ctx.db(), ctx.user().id, action, entity, id, detail, ctx.req.remote_addr);
}

http::Response problem(int status, const std::string& title, const std::string& detail, const json::object& extra = {}) {
  std::string members = extra.empty() ? std::string() : json::serialize(extra);
  if (!members.empty()) members = members.substr(1, members.size() - 2);  // without the braces
  return http::Response::problem(status, title, detail, members);
}

template <class Plan>
json::object import_report_json(const Plan& plan) {
  json::array errors;
  for (auto& e : plan.errors) errors.push_back(json::object{{"line", e.line}, {"message", e.message}});
  return {{"lines", plan.data_lines}, {"valid", plan.valid.size()}, {"rejected", plan.errors.size()}, {"errors", errors}};
}

Buyer buyer_or_404(Ctx& ctx, std::int64_t id) {
  auto b = get_buyer(ctx.db(), scope_of(ctx), id);
  if (!b) throw web::NotFound{};
  return *b;
}

json::object party_json(const Party& p) {
  return {{"contract_id", p.contract_id},
          {"organisation_id", p.organisation_id},
          {"organisation_name", p.organisation_name},
          {"role", p.role},
          {"role_label", label_of(kPartyRoles, p.role)}};
}

json::object programme_item_json(const ProgrammeItem& i) {
  return {{"id", i.id},
          {"buyer_id", i.buyer_id},
          {"year", i.year},
          {"kind", i.kind},
          {"title", i.title},
          {"sector", i.sector.empty() ? json::value(nullptr) : json::value(i.sector)},
          {"clause_type", i.clause_type.empty() ? json::value(nullptr) : json::value(i.clause_type)},
          {"planned_on", i.planned_on.empty() ? json::value(nullptr) : json::value(i.planned_on)},
          {"estimated_amount_cents", opt_json(i.estimated_amount_cents)},
          {"status", i.status},
          {"contract_id", opt_json(i.contract_id)},
          {"contract_reference", i.contract_id ? json::value(i.contract_reference) : json::value(nullptr)},
          {"notes", i.notes},
          {"created_at", i.created_at}};
}

// The item's fields from a JSON body; absent fields keep `base` (PATCH) or are
// empty (POST). The amount is estimated_amount_cents (integer) or
// estimated_amount (euros as text, "12 500,50").
ProgrammeItemInput programme_input(const json::object& body, web::Errors& errors, const ProgrammeItemInput& base = {}) {
  ProgrammeItemInput in;
  in.year = json_field(body, "year", errors, base.year);
  in.kind = json_field(body, "kind", errors, base.kind);
  in.title = json_field(body, "title", errors, base.title);
  in.sector = json_field(body, "sector", errors, base.sector);
  in.clause_type = json_field(body, "clause_type", errors, base.clause_type);
  in.planned_on = json_field(body, "planned_on", errors, base.planned_on);
  in.status = json_field(body, "status", errors, base.status);
  in.contract_id = json_field(body, "contract_id", errors, base.contract_id);
  in.notes = json_field(body, "notes", errors, base.notes);
  in.estimated_amount = base.estimated_amount;
  if (body.contains("estimated_amount_cents")) {
    auto c = json_field(body, "estimated_amount_cents", errors);
    if (c.empty()) {
      in.estimated_amount.clear();
    } else if (auto v = integer_of(c)) {
      auto a = *v < 0 ? -*v : *v;
      in.estimated_amount = fmt::format("{}{}.{:02d}", *v < 0 ? "-" : "", a / 100, a % 100);
    } else {
      errors.push_back({"estimated_amount_cents", "Ce champ doit être un nombre entier de centimes."});
    }
  } else if (body.contains("estimated_amount")) {
    in.estimated_amount = json_field(body, "estimated_amount", errors);
  }
  return in;
}

ProgrammeItemInput input_of(const ProgrammeItem& i) {
  return {std::to_string(i.year),
          i.kind,
          i.title,
          i.sector,
          i.clause_type,
          i.planned_on,
          i.estimated_amount_cents ? fmt::format("{}.{:02d}", *i.estimated_amount_cents / 100, *i.estimated_amount_cents % 100)
                                   : "",
          i.status,
          i.contract_id ? std::to_string(*i.contract_id) : "",
          i.notes};
}

// ?commit=none (default: report only), valid (the valid lines), all (everything or nothing).
std::string commit_mode(Ctx& ctx) {
  auto m = ctx.req.query("commit");
  if (m.empty()) return "none";
  if (m != "none" && m != "valid" && m != "all") throw web::BadRequest{"Le paramètre commit vaut none, valid ou all."};
  return m;
}

}  // namespace

void register_api_routes(web::App& app) {
  auto access = web::Access::roles_in({"facilitator", "admin"});
  auto admins = web::Access::roles_in({"admin"});

  // --- Buyers ---
  app.route("GET", "/api/v1/buyers", access, [](Ctx& ctx) {
    json::array items;
    for (auto& b : list_buyers(ctx.db(), scope_of(ctx)))
      items.push_back(json::object{{"id", b.id},
                                   {"organisation_id", b.organisation_id},
                                   {"buyer_organisation_id", b.buyer_organisation_id},
                                   {"name", b.name},
                                   {"contact_name", b.contact_name},
                                   {"contact_email", b.contact_email}});
    json::array progress;
    for (auto& g : progress_by_buyer(ctx.db(), scope_of(ctx)))
      progress.push_back(json::object{{"buyer_id", g.id}, {"name", g.name}, {"contracts", g.contracts},
                                      {"required_minutes", g.required_minutes}, {"validated_minutes", g.counted_minutes}});
    return json_response(json::object{{"items", std::move(items)}, {"progress", std::move(progress)}});
  });
  app.route("POST", "/api/v1/buyers", access, [](Ctx& ctx) {
    auto body = ctx.json_body();
    web::Errors errors;
    auto buyer = web::to_id(json_field(body, "buyer_organisation_id", errors));
    auto org = web::to_id(json_field(body, "organisation_id", errors));
    if (!buyer) errors.push_back({"buyer_organisation_id", "Indiquez l'organisation de l'acheteur (identifiant)."});
    if (!org || !network::get_organisation(ctx.db(), scope_of(ctx), *org))
      errors.push_back({"organisation_id", "Cette structure est introuvable dans votre périmètre."});
    if (!errors.empty()) return web::validation_problem(errors);
    auto r = create_buyer(ctx.db(), *org, *buyer, json_field(body, "contact_name", errors),
                          json_field(body, "contact_email", errors), json_field(body, "notes", errors));
    if (!r) return web::validation_problem(r.error());
    audit(ctx, "create", "public_buyer", *r, "");
    return json_response(json::object{{"id", *r}}, 201);
  });

  // --- Purchase programme of a buyer ---
  app.route("GET", "/api/v1/buyers/{id}/programme", access, [](Ctx& ctx) {
    auto b = buyer_or_404(ctx, path_id(ctx));
    std::optional<int> year;
    if (auto y = ctx.req.query("year"); !y.empty()) {
      year = parse_programme_year(y);
      if (!year)
        return web::validation_problem({{"year", fmt::format("Cette année n'est pas valide : une année de {} à {} (exemple : 2021).",
                                                             kFirstProgrammeYear, kLastProgrammeYear)}});
    }
    json::array items, years;
    for (auto& i : programme_of(ctx.db(), b.id, year)) items.push_back(programme_item_json(i));
    for (int y : programme_years(ctx.db(), b.id)) years.push_back(y);
    return json_response(json::object{{"buyer_id", b.id}, {"name", b.name}, {"years", std::move(years)}, {"items", std::move(items)}});
  });
  app.route("POST", "/api/v1/buyers/{id}/programme", access, [](Ctx& ctx) {
    auto b = buyer_or_404(ctx, path_id(ctx));
    auto body = ctx.json_body();
    web::Errors errors;
    auto in = programme_input(body, errors);
    if (!errors.empty()) return web::validation_problem(errors);
    auto r = create_programme_item(ctx.db(), scope_of(ctx), b, in);
    if (!r) return web::validation_problem(r.error());
    audit(ctx, "create", "purchase_programme_item", *r, fmt::format("{} : {} ({})", b.name, in.title, in.year));
    return json_response(programme_item_json(*get_programme_item(ctx.db(), b.id, *r)), 201);
  });
  app.route("GET", "/api/v1/buyers/{id}/programme/{item_id}", access, [](Ctx& ctx) {
    auto b = buyer_or_404(ctx, path_id(ctx));
    auto item = get_programme_item(ctx.db(), b.id, path_id(ctx, "item_id"));
    if (!item) throw web::NotFound{};
    return json_response(programme_item_json(*item));
  });
  app.route("PATCH", "/api/v1/buyers/{id}/programme/{item_id}", access, [](Ctx& ctx) {
    auto b = buyer_or_404(ctx, path_id(ctx));
    auto item = get_programme_item(ctx.db(), b.id, path_id(ctx, "item_id"));
    if (!item) throw web::NotFound{};
    auto body = ctx.json_body();
    web::Errors errors;
    auto in = programme_input(body, errors, input_of(*item));
    if (!errors.empty()) return web::validation_problem(errors);
    auto r = update_programme_item(ctx.db(), scope_of(ctx), b, item->id, in);
    if (!r) return web::validation_problem(r.error());
    audit(ctx, "update", "purchase_programme_item", item->id,
          fmt::format("{} : {} ({}), statut {}", b.name, in.title, in.year, in.status));
    return json_response(programme_item_json(*get_programme_item(ctx.db(), b.id, item->id)));
  });

  // --- Contracts ---
  app.route("GET", "/api/v1/contracts", access, [](Ctx& ctx) {
    ContractFilter f;
    f.q = ctx.req.query("q");
    if (!text::is_valid_utf8(f.q)) throw web::BadRequest{"La recherche contient des caractères invalides."};
    web::Errors errors;
    f.status = ctx.req.query("status");
    if (!f.status.empty() && !find_code(kContractStatuses, f.status)) errors.push_back({"status", "Ce statut n'existe pas."});
    f.sector = ctx.req.query("sector");
    if (!f.sector.empty() && !find_code(kSectors, f.sector)) errors.push_back({"sector", "Ce secteur n'existe pas."});
    if (!errors.empty()) return web::validation_problem(errors);
    f.buyer_id = query_id(ctx, "buyer_id");
    f.holder_organisation_id = query_id(ctx, "holder_organisation_id");
    f.limit = query_limit(ctx, 50, 500);
    auto after = ctx.req.query("after");  // "ID.HEXKEY"
    if (!after.empty()) {
      auto dot = after.find('.');
      auto id = web::to_id(after.substr(0, dot));
      std::string key;
      if (dot != std::string::npos) {
        auto hexkey = after.substr(dot + 1);
        if (hexkey.size() % 2 || hexkey.find_first_not_of("0123456789abcdef") != std::string::npos)
          throw web::BadRequest{"Le curseur « after » n'est pas valide."};
        for (std::size_t i = 0; i < hexkey.size(); i += 2) key += static_cast<char>(std::stoi(hexkey.substr(i, 2), nullptr, 16));
      }
      if (!id || dot == std::string::npos) throw web::BadRequest{"Le curseur « after » n'est pas valide."};
      f.after_id = *id;
      f.after_key = key;
    }
    auto page = contract_page(ctx.db(), scope_of(ctx), f, 100000);
    json::array items;
    for (auto& c : page.items) items.push_back(contract_json(c));
    json::object out{{"items", std::move(items)}, {"total", page.total}};
    out["next"] = static_cast<int>(page.items.size()) == f.limit
                      ? json::value(fmt::format("{}.{}", page.items.back().id, web::hex(page.items.back().sort_reference)))
                      : json::value(nullptr);
    return json_response(out);
  });
  app.route("POST", "/api/v1/contracts", access, [](Ctx& ctx) {
    auto body = ctx.json_body();
    web::Errors errors;
    auto in = contract_input(body, errors);
    if (!errors.empty()) return web::validation_problem(errors);
    auto r = create_contract(ctx.db(), scope_of(ctx), in, ctx.user().id);
    if (!r) return web::validation_problem(r.error());
    audit(ctx, "create", "contract", *r, in.reference);
    return json_response(contract_json(contract_or_404(ctx, *r)), 201);
  });
  app.route("GET", "/api/v1/contracts/{id}", access, [](Ctx& ctx) {
    auto c = contract_or_404(ctx, path_id(ctx));
    auto out = contract_json(c);
    out["progress"] = progress_json(ctx.db(), c);
    return json_response(out);
  });
  app.route("PUT", "/api/v1/contracts/{id}", access, [](Ctx& ctx) {
    auto c = contract_or_404(ctx, path_id(ctx));
    auto body = ctx.json_body();
    web::Errors errors;
    auto in = contract_input(body, errors);
    if (!errors.empty()) return web::validation_problem(errors);
    auto r = update_contract(ctx.db(), scope_of(ctx), c.id, in);
    if (!r) return web::validation_problem(r.error());
    audit(ctx, "update", "contract", c.id, in.reference);
    return json_response(contract_json(contract_or_404(ctx, c.id)));
  });
  app.route("GET", "/api/v1/contracts/{id}/progress", access, [](Ctx& ctx) {
    auto c = contract_or_404(ctx, path_id(ctx));
    auto out = progress_json(ctx.db(), c);
    json::array months;
    for (auto& m : monthly_totals(ctx.db(), c.id))
      months.push_back(json::object{{"month", m.month}, {"validated_minutes", m.counted_minutes}, {"other_minutes", m.other_minutes}});
    out["months"] = std::move(months);
    return json_response(out);
  });
  app.route("GET", "/api/v1/contracts/{id}/status-changes", access, [](Ctx& ctx) {
    auto c = contract_or_404(ctx, path_id(ctx));
    json::array items;
    for (auto& e : status_history(ctx.db(), c.id))
      items.push_back(json::object{{"id", e.id},
                                   {"effective_on", e.effective_on},
                                   {"from_status", e.from_status},
                                   {"to_status", e.to_status},
                                   {"reason", e.reason},
                                   {"legal_reference", e.legal_reference},
                                   {"new_end_date", e.new_end_date.empty() ? json::value(nullptr) : json::value(e.new_end_date)},
                                   {"user_name", e.user_name},
                                   {"at", e.at}});
    return json_response(json::object{{"items", std::move(items)}});
  });
  app.route("POST", "/api/v1/contracts/{id}/status-changes", access, [](Ctx& ctx) {
    auto c = contract_or_404(ctx, path_id(ctx));
    auto body = ctx.json_body();
    web::Errors errors;
    auto change = status_input(body, errors);
    if (!errors.empty()) return web::validation_problem(errors);
    auto r = change_status(ctx.db(), c.id, change, ctx.user().id);
    if (!r) return web::validation_problem(r.error());
    audit(ctx, "update", "contract", c.id, "Statut : " + *r);
    return json_response(contract_json(contract_or_404(ctx, c.id)), 201);
  });
  // --- Parties: co-contractors and subcontractors ---
  app.route("GET", "/api/v1/contracts/{id}/parties", access, [](Ctx& ctx) {
    auto c = contract_or_404(ctx, path_id(ctx));
    json::array items;
    for (auto& p : contract_parties(ctx.db(), c.id)) items.push_back(party_json(p));
    return json_response(json::object{{"items", std::move(items)}});
  });
  app.route("POST", "/api/v1/contracts/{id}/parties", access, [](Ctx& ctx) {
    auto c = contract_or_404(ctx, path_id(ctx));
    auto body = ctx.json_body();
    web::Errors errors;
    PartyInput in{json_field(body, "organisation_id", errors), json_field(body, "role", errors)};
    if (!errors.empty()) return web::validation_problem(errors);
    auto r = add_party(ctx.db(), c, in);
    if (!r) return web::validation_problem(r.error());
    audit(ctx, "update", "contract", c.id, fmt::format("{} ajouté : {}", label_of(kPartyRoles, r->role), r->organisation_name));
    return json_response(party_json(*r), 201);
  });
  // ?role= says which of the organisation's roles on the contract is removed.
  app.route("DELETE", "/api/v1/contracts/{id}/parties/{organisation_id}", access, [](Ctx& ctx) {
    auto c = contract_or_404(ctx, path_id(ctx));
    auto org = path_id(ctx, "organisation_id");
    auto role = ctx.req.query("role");
    if (!find_code(kPartyRoles, role))
      return web::validation_problem({{"role", "Indiquez le rôle retiré : role=co_contractor (cotraitant) ou "
                                               "role=subcontractor (sous-traitant)."}});
    std::string name;
    for (auto& p : contract_parties(ctx.db(), c.id))
      if (p.organisation_id == org && p.role == role) name = p.organisation_name;
    if (name.empty() || !remove_party(ctx.db(), c.id, org, role)) throw web::NotFound{};
    audit(ctx, "update", "contract", c.id, fmt::format("{} retiré : {}", label_of(kPartyRoles, role), name));
    http::Response res;
    res.status = 204;
    return res;
  });
  // Bulk: {"contract_ids": [..], "transition": …}; all or nothing.
  app.route("POST", "/api/v1/contracts/status-changes", access, [](Ctx& ctx) {
    auto body = ctx.json_body();
    web::Errors errors;
    auto change = status_input(body, errors);
    std::vector<std::int64_t> ids;
    auto it = body.find("contract_ids");
    if (it == body.end() || !it->value().is_array()) {
      errors.push_back({"contract_ids", "Donnez la liste des identifiants de marchés (contract_ids)."});
    } else {
      for (auto& v : it->value().as_array()) {
        if (!v.is_int64() || v.as_int64() <= 0) {
          errors.push_back({"contract_ids", "Chaque identifiant de marché est un entier positif."});
          break;
        }
        ids.push_back(v.as_int64());
      }
    }
    if (!errors.empty()) return web::validation_problem(errors);
    auto r = bulk_change_status(ctx.db(), scope_of(ctx), ids, change, ctx.user().id);
    if (!r.errors.empty()) return web::validation_problem(r.errors);
    if (!r.refused.empty()) {
      json::array refused;
      for (auto& x : r.refused)
        refused.push_back(json::object{{"contract_id", x.contract_id}, {"reference", x.reference}, {"message", x.message}});
      return problem(422, "Changement refusé", "Aucun statut n'a été changé : ce changement ne convient pas à tous les marchés.",
                     json::object{{"refused", std::move(refused)}});
    }
    audit(ctx, "update", "contract", 0, fmt::format("Changement de statut groupé ({}) de {} marché(s)", change.transition, r.changed));
    return json_response(json::object{{"changed", r.changed}});
  });

  // --- Insertion hours ---
  app.route("GET", "/api/v1/insertion-hours", access, [](Ctx& ctx) {
    auto review = ctx.req.query("review_status");
    json::array items;
    if (review == "pending") {
      ReviewFilter f;
      f.after_id = query_id(ctx, "after").value_or(0);
      f.limit = query_limit(ctx, 50, 500);
      for (auto& e : review_queue(ctx.db(), scope_of(ctx), f)) items.push_back(entry_json(e));
      return json_response(json::object{{"items", std::move(items)}});
    }
    auto contract_id = query_id(ctx, "contract_id");
    if (!contract_id)
      return web::validation_problem({{"contract_id", "Indiquez le marché (contract_id) ou review_status=pending."}});
    auto c = contract_or_404(ctx, *contract_id);
    // One page of a contract's hours, newest month first, filtered by month
    // and situation; `next` is the cursor of the following page ("YYYY-MM.id").
    HoursFilter f;
    f.month = ctx.req.query("month");
    f.situation = ctx.req.query("situation");
    web::Errors errors;
    if (!f.month.empty() && !(f.month.size() == 7 && f.month[4] == '-' &&
                              f.month.find_first_not_of("0123456789-") == std::string::npos))
      errors.push_back({"month", "Le mois s'écrit AAAA-MM (par exemple 2024-03)."});
    if (!f.situation.empty() && !find_code(kSituations, f.situation))
      errors.push_back({"situation", "Situation inconnue."});
    if (auto after = ctx.req.query("after"); !after.empty()) {
      auto dot = after.find('.');
      auto id = dot == std::string::npos ? std::nullopt : web::to_id(after.substr(dot + 1));
      if (!id || dot != 7) errors.push_back({"after", "Le curseur « after » n'est pas valide."});
      else {
        f.after_month = after.substr(0, dot);
        f.after_id = *id;
      }
    }
    if (!errors.empty()) return web::validation_problem(errors);
    f.limit = query_limit(ctx, 500, 1000);
    auto page = hours_page(ctx.db(), c.id, f);
    for (auto& e : page) items.push_back(entry_json(e));
    json::object out{{"items", std::move(items)}, {"total", count_hours(ctx.db(), c.id, f)}};
    out["next"] = static_cast<int>(page.size()) == f.limit
                      ? json::value(fmt::format("{}.{}", page.back().month, page.back().id))
                      : json::value(nullptr);
    return json_response(out);
  });
  app.route("POST", "/api/v1/insertion-hours", access, [](Ctx& ctx) {
    auto body = ctx.json_body();
    web::Errors errors;
    auto contract_id = web::to_id(json_field(body, "contract_id", errors));
    if (!contract_id) return web::validation_problem({{"contract_id", "Indiquez le marché (contract_id)."}});
    auto c = contract_or_404(ctx, *contract_id);
    HoursInput in{json_field(body, "person_name", errors), json_field(body, "participant_id", errors),
                  json_field(body, "month", errors),       json_field(body, "employer_name", errors),
                  json_field(body, "modality", errors),    json_field(body, "situation", errors),
                  json_field(body, "eligibility", errors), json_field(body, "hours", errors)};
    auto minutes = json_field(body, "minutes", errors);
    if (in.hours.empty() && !minutes.empty()) {
      auto m = integer_of(minutes);
      if (!m)
        errors.push_back({"minutes", "Ce champ doit être un nombre entier de minutes."});
      else if (*m <= 0)
        errors.push_back({"minutes", "Le nombre d'heures doit être positif."});
      else
        in.hours = fmt::format("{}:{:02d}", *m / 60, *m % 60);
    }
    if (!errors.empty()) return web::validation_problem(errors);
    auto r = add_hours(ctx.db(), scope_of(ctx), c, in, ctx.user().id, "form");
    if (!r) return web::validation_problem(r.error());
    return json_response(entry_json(*get_hours(ctx.db(), scope_of(ctx), *r)), 201);
  });
  app.route("GET", "/api/v1/insertion-hours/{id}", access, [](Ctx& ctx) {
    auto e = get_hours(ctx.db(), scope_of(ctx), path_id(ctx));
    if (!e) throw web::NotFound{};
    auto out = entry_json(*e);
    json::array reviews;
    for (auto& r : review_history(ctx.db(), e->id))
      reviews.push_back(json::object{{"outcome", r.outcome}, {"reason", r.reason}, {"user_name", r.user_name}, {"at", r.at}});
    out["reviews"] = std::move(reviews);
    return json_response(out);
  });
  app.route("POST", "/api/v1/insertion-hours/{id}/review", access, [](Ctx& ctx) {
    auto e = get_hours(ctx.db(), scope_of(ctx), path_id(ctx));
    if (!e) throw web::NotFound{};
    auto body = ctx.json_body();
    web::Errors errors;
    auto outcome = json_field(body, "outcome", errors);
    auto reason = json_field(body, "reason", errors);
    if (!errors.empty()) return web::validation_problem(errors);
    auto r = review_hours(ctx.db(), e->id, outcome, reason, ctx.user().id);
    if (!r) return web::validation_problem(r.error());
    audit(ctx, "update", "insertion_hours", e->id, "Examen : " + outcome);
    return json_response(entry_json(*get_hours(ctx.db(), scope_of(ctx), e->id)));
  });
  // A holder's monthly statement as the CSV body (text/csv): the line report,
  // and the lines written as ?commit= says.
  app.route("POST", "/api/v1/insertion-hours/import", access, [](Ctx& ctx) {
    auto mode = commit_mode(ctx);
    if (ctx.req.body.size() > 20 * 1024 * 1024)
      return problem(413, "Fichier trop volumineux", "Le relevé dépasse 20 Mo. Découpez-le en plusieurs fichiers.");
    auto plan = plan_statement_import(ctx.db(), scope_of(ctx), ctx.req.body);
    if (!plan.fatal.empty()) return web::validation_problem({{"file", plan.fatal}});
    auto out = import_report_json(plan);
    std::size_t imported = 0;
    if (mode == "valid" || (mode == "all" && plan.errors.empty())) imported = apply_statement_import(ctx.db(), plan, ctx.user().id, std::nullopt);
    out["imported"] = imported;
    if (imported) audit(ctx, "import", "insertion_hours", 0, fmt::format("API : {} lignes d'heures importées, {} rejetées", imported, plan.errors.size()));
    if (mode == "all" && !plan.errors.empty())
      return problem(422, "Relevé refusé", "Aucune ligne n'a été importée : le relevé contient des lignes rejetées.", out);
    return json_response(out);
  });
  app.route("POST", "/api/v1/contracts/import", access, [](Ctx& ctx) {
    auto mode = commit_mode(ctx);
    if (ctx.req.body.size() > 20 * 1024 * 1024)
      return problem(413, "Fichier trop volumineux", "Le fichier dépasse 20 Mo. Découpez-le en plusieurs fichiers.");
    auto plan = plan_contracts_import(ctx.db(), scope_of(ctx), ctx.req.body);
    if (!plan.fatal.empty()) return web::validation_problem({{"file", plan.fatal}});
    auto out = import_report_json(plan);
    std::size_t imported = 0;
    if (mode == "valid" || (mode == "all" && plan.errors.empty())) imported = apply_contracts_import(ctx.db(), scope_of(ctx), plan, ctx.user().id);
    out["imported"] = imported;
    if (imported) audit(ctx, "import", "contract", 0, fmt::format("API : {} marchés importés, {} lignes rejetées", imported, plan.errors.size()));
    if (mode == "all" && !plan.errors.empty())
      return problem(422, "Fichier refusé", "Aucun marché n'a été importé : le fichier contient des lignes rejetées.", out);
    return json_response(out);
  });

  // --- Dashboard: ?from=&to= (ISO dates, both included) ---
  app.route("GET", "/api/v1/clauses/dashboard", access, [](Ctx& ctx) {
    web::Errors errors;
    auto date = [&](const char* name, const char* missing) {
      auto v = ctx.req.query(name);
      if (v.empty())
        errors.push_back({name, missing});
      else if (!followup::parse_date(v))
        errors.push_back({name, "Cette date n'est pas valide : saisissez-la au format AAAA-MM-JJ (exemple : 2020-04-15)."});
      return v;
    };
    auto from = date("from", "Indiquez le début de la période (from=AAAA-MM-JJ).");
    auto to = date("to", "Indiquez la fin de la période (to=AAAA-MM-JJ).");
    if (errors.empty() && to < from) errors.push_back({"to", "La fin de la période ne peut pas précéder son début."});
    if (!errors.empty()) return web::validation_problem(errors);
    auto d = dashboard(ctx.db(), scope_of(ctx), from, to);
    json::array statuses, modalities, situations;
    for (auto& [code, n] : d.contracts_by_status)
      statuses.push_back(json::object{{"status", code}, {"label", label_of(kContractStatuses, code)}, {"contracts", n}});
    auto breakdown = [](json::array& out, const char* key, const auto& table, const std::vector<HoursBreakdown>& rows) {
      for (auto& h : rows)
        out.push_back(json::object{{key, h.code},
                                   {"label", label_of(table, h.code)},
                                   {"entries", h.entries},
                                   {"minutes", h.minutes},
                                   {"counted_minutes", h.counted_minutes}});
    };
    breakdown(modalities, "modality", kModalities, d.by_modality);
    breakdown(situations, "situation", kSituations, d.by_situation);
    return json_response(json::object{{"from", from},
                                      {"to", to},
                                      {"contracts", d.contracts},
                                      {"required_minutes", d.required_minutes},
                                      {"contracts_by_status", std::move(statuses)},
                                      {"entries", d.entries},
                                      {"minutes", d.minutes},
                                      {"counted_minutes", d.counted_minutes},
                                      {"pending_minutes", d.pending_minutes},
                                      {"hours_by_modality", std::move(modalities)},
                                      {"hours_by_situation", std::move(situations)}});
  });

  // --- Rule sets ---
  app.route("GET", "/api/v1/rule-sets", access, [](Ctx& ctx) {
    json::array items;
    for (auto& row : all_rule_sets(ctx.db())) {
      auto o = rule_set_json(row.set);
      o["current"] = row.retired_at.empty();
      o["retired_at"] = row.retired_at.empty() ? json::value(nullptr) : json::value(row.retired_at);
      o["entries"] = row.entries;
      items.push_back(std::move(o));
    }
    return json_response(json::object{{"items", std::move(items)}});
  });
  // {"effective_from": "2020-03-12", "effective_to": "2020-05-31"}: what would change.
  app.route("POST", "/api/v1/rule-sets/{id}/preview", admins, [](Ctx& ctx) {
    auto id = path_id(ctx);
    if (!get_rule_set(ctx.db(), id)) throw web::NotFound{};
    auto body = ctx.json_body();
    web::Errors errors;
    RuleSetDatesInput in{json_field(body, "effective_from", errors), json_field(body, "effective_to", errors)};
    if (!errors.empty()) return web::validation_problem(errors);
    auto plan = plan_rule_set_dates(ctx.db(), id, in);
    if (!plan) return web::validation_problem(plan.error());
    return json_response(json::object{{"next", rule_set_json(plan->next)}, {"preview", plan_json(plan->preview)}});
  });
  // The same body: a new version, then every entry recomputed; audited.
  app.route("POST", "/api/v1/rule-sets/{id}/dates", admins, [](Ctx& ctx) {
    auto id = path_id(ctx);
    if (!get_rule_set(ctx.db(), id)) throw web::NotFound{};
    auto body = ctx.json_body();
    web::Errors errors;
    RuleSetDatesInput in{json_field(body, "effective_from", errors), json_field(body, "effective_to", errors)};
    if (!errors.empty()) return web::validation_problem(errors);
    auto r = apply_rule_set_dates(ctx.db(), id, in, ctx.user().id);
    if (!r) return web::validation_problem(r.error());
    audit(ctx, "update", "rule_set", r->new_rule_set_id,
          fmt::format("Dates d'effet {} – {} (remplace la version {}) : {} entrées recalculées, {} décisions changées",
                      in.effective_from, in.effective_to, id, r->entries_updated, r->decisions_changed));
    auto next = get_rule_set(ctx.db(), r->new_rule_set_id);
    return json_response(json::object{{"rule_set", rule_set_json(*next)},
                                      {"entries_updated", r->entries_updated},
                                      {"decisions_changed", r->decisions_changed}},
                         201);
  });
}

}  // namespace passerelle::clauses
