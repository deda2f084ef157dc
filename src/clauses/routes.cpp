// Pages of the clauses module (issue 4, seed 003 "Accompagnement Clauses"):
// the contracts table (search, filters, exports, bulk status), the contract
// form with its computed hours, the contract page (status history, hours,
// progress), the holders' monthly statements and the contracts table imported
// from CSV, the review queue and the rule sets. Access: clause facilitators and
// administrators, within their organisations' subtrees (an id outside answers 404).
#include "clauses/routes.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "clauses/model.hpp"
#include "clauses/rules.hpp"
#include "clauses/store.hpp"
#include "core/auth/audit.hpp"
#include "core/web/download.hpp"
#include "core/web/input.hpp"
#include "core/web/text.hpp"

namespace passerelle::clauses {
namespace {

using web::Ctx;
using web::path_id;
using web::to_id;
namespace json = boost::json;

constexpr std::int64_t kCountCap = 100000;
constexpr int kPageSize = 50;
constexpr std::size_t kMaxImportBytes = 20 * 1024 * 1024;

Scope scope_of(Ctx& ctx) { return ctx.user().scope_roots({"facilitator", "admin"}); }

Contract load_contract(Ctx& ctx, std::int64_t id) {
  auto c = get_contract(ctx.db(), scope_of(ctx), id);
  if (!c) throw web::NotFound{};
  return *c;
}

std::string fr_date(const std::string& iso) { return iso.empty() ? "" : web::french_date(iso); }
std::string s(std::string_view v) { return std::string(v); }

template <class Table>
json::array options(const Table& table, std::string_view selected) {
  json::array out;
  for (auto& row : table) out.push_back(json::object{{"code", row.code}, {"label", row.label}, {"selected", row.code == selected}});
  return out;
}

json::array id_options(const std::vector<std::pair<std::int64_t, std::string>>& items, const std::string& selected) {
  json::array out;
  for (auto& [id, label] : items) {
    auto code = std::to_string(id);
    out.push_back(json::object{{"code", code}, {"label", label}, {"selected", code == selected}});
  }
  return out;
}

// One field of a form, for templates/partials/clauses_field.
struct Field {
  const char* name;
  const char* label;
  const char* type = "text";  // text, date, month, number, select, textarea
  bool required = false;
  const char* hint = nullptr;
  json::array options = {};
};

json::array fields_json(std::vector<Field> fields, const json::object& values, const web::Errors& errors) {
  json::array out;
  for (auto& f : fields) {
    json::object o{{"name", f.name}, {"label", f.label}, {"type", f.type}, {"required", f.required}};
    auto it = values.find(f.name);
    o["value"] = it == values.end() ? json::value("") : it->value();
    if (f.hint) o["hint"] = f.hint;
    if (auto* e = web::find_error(errors, f.name)) o["error"] = e->message;
    std::string_view type = f.type;
    if (type == "select") {
      o["select"] = true;
      o["options"] = std::move(f.options);
    } else if (type == "textarea") {
      o["textarea"] = true;
    } else {
      o["input"] = true;
    }
    out.push_back(std::move(o));
  }
  return out;
}

json::object page_errors(const web::Errors& errors) {
  auto out = web::errors_json(errors);
  out["has_errors"] = !errors.empty();
  return out;
}

// "a=1&b=2" of the listed query parameters that are set.
std::string query_keep(Ctx& ctx, std::initializer_list<const char*> names) {
  std::string out;
  for (auto n : names) {
    auto v = ctx.req.query(n);
    if (v.empty()) continue;
    out += (out.empty() ? "" : "&") + std::string(n) + "=" + http::url_encode(v);
  }
  return out;
}

void audit_write(Ctx& ctx, std::string_view action, std::string_view entity, std::int64_t id, std::string_view detail) {
  audit::record(ctx.db(), ctx.user().id, action, entity, id, detail, ctx.req.remote_addr);
}

std::vector<std::pair<std::int64_t, std::string>> buyer_items(Ctx& ctx) {
  std::vector<std::pair<std::int64_t, std::string>> out;
  for (auto& b : list_buyers(ctx.db(), scope_of(ctx))) out.emplace_back(b.id, b.name);
  return out;
}

// Holders: employers and SIAE of the directory.
std::vector<std::pair<std::int64_t, std::string>> holder_items(Ctx& ctx) {
  std::vector<std::pair<std::int64_t, std::string>> out;
  for (const char* kind : {"employer", "siae"}) {
    network::OrgFilter f;
    f.kind = kind;
    f.limit = 500;
    for (auto& o : network::list_organisations(ctx.db(), {""}, f)) out.emplace_back(o.id, o.name);
  }
  std::ranges::sort(out, [](auto& a, auto& b) { return text::fold(a.second) < text::fold(b.second); });
  return out;
}

// Possible parties of a contract: employers, SIAE, GEIQ and adapted companies
// of the directory; the insertion structures are marked with their kind.
std::vector<std::pair<std::int64_t, std::string>> party_items(Ctx& ctx) {
  std::vector<std::tuple<std::string, std::int64_t, std::string>> sorted;  // sort name, id, label
  for (const char* kind : {"employer", "siae", "geiq", "ea"}) {
    network::OrgFilter f;
    f.kind = kind;
    f.limit = 500;
    for (auto& o : network::list_organisations(ctx.db(), {""}, f)) {
      std::string label = o.name;
      if (o.kind != "employer") {
        std::string code = o.kind;
        std::ranges::transform(code, code.begin(), [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
        label += " (" + code + ")";
      }
      sorted.emplace_back(o.sort_name, o.id, std::move(label));
    }
  }
  std::ranges::sort(sorted);
  std::vector<std::pair<std::int64_t, std::string>> out;
  out.reserve(sorted.size());
  for (auto& [key, id, label] : sorted) out.emplace_back(id, std::move(label));
  return out;
}

// ---- Contracts list and bulk status ------------------------------------------------------

ContractFilter filter_from_query(Ctx& ctx) {
  ContractFilter f;
  f.q = ctx.req.query("q");
  if (!text::is_valid_utf8(f.q)) throw web::BadRequest{"La recherche contient des caractères invalides."};
  f.status = ctx.req.query("statut");
  if (!f.status.empty() && !find_code(kContractStatuses, f.status)) f.status.clear();
  f.sector = ctx.req.query("secteur");
  if (!f.sector.empty() && !find_code(kSectors, f.sector)) f.sector.clear();
  f.buyer_id = to_id(ctx.req.query("acheteur"));
  if (auto after = to_id(ctx.req.query("apres_id"))) {
    f.after_id = *after;
    f.after_key = ctx.req.query("apres");
  }
  f.limit = kPageSize;
  return f;
}

json::object contract_row_json(const Contract& c, const std::set<std::int64_t>& checked = {}) {
  Progress p = progress({c.required_minutes, c.counted_minutes, 0, followup::parse_date(c.start_date).value_or(Date{}),
                         followup::parse_date(c.end_date).value_or(Date{}), followup::parse_date(c.end_date).value_or(Date{})});
  return {{"id", c.id},
          {"reference", c.reference},
          {"title", c.title},
          {"buyer", c.buyer_name},
          {"holder", c.holder_name},
          {"sector", s(label_of(kSectors, c.sector))},
          {"status", c.status},
          {"status_label", s(label_of(kContractStatuses, c.status))},
          {"status_since", fr_date(c.status_since)},
          {"end_date", fr_date(c.end_date)},
          {"required", format_hours(c.required_minutes)},
          {"counted", format_hours(c.counted_minutes)},
          {"percent", p.percent},
          {"checked", checked.contains(c.id)}};
}

http::Response contracts_page(Ctx& ctx, const BulkResult* bulk = nullptr, int status = 200) {
  auto f = filter_from_query(ctx);
  auto page = contract_page(ctx.db(), scope_of(ctx), f, kCountCap);
  std::set<std::int64_t> checked;
  if (bulk)
    for (auto& v : ctx.form_all("ids"))
      if (auto id = to_id(v)) checked.insert(*id);
  json::array items;
  for (auto& c : page.items) items.push_back(contract_row_json(c, checked));
  auto keep = query_keep(ctx, {"q", "statut", "secteur", "acheteur"});
  std::string next;
  if (static_cast<int>(page.items.size()) == f.limit)
    next = fmt::format("/marches?{}{}apres={}&apres_id={}", keep, keep.empty() ? "" : "&",
                       http::url_encode(page.items.back().sort_reference), page.items.back().id);
  json::object data{{"title", "Marchés publics clausés"},
                    {"items", items},
                    {"empty", items.empty()},
                    {"total", page.total > kCountCap ? "plus de 100 000" : std::to_string(page.total)},
                    {"q", f.q},
                    {"statuses", options(kContractStatuses, f.status)},
                    {"sectors", options(kSectors, f.sector)},
                    {"buyers", id_options(buyer_items(ctx), ctx.req.query("acheteur"))},
                    {"next", next},
                    {"paged", f.after_id > 0},
                    {"first", "/marches" + (keep.empty() ? "" : "?" + keep)},
                    {"export_query", keep},
                    {"pending_reviews", count_pending_reviews(ctx.db(), scope_of(ctx))}};
  json::object values{{"transition", ctx.form("transition")},
                      {"effective_on", ctx.form("effective_on")},
                      {"reason", ctx.form("reason")},
                      {"legal_reference", bulk ? ctx.form("legal_reference") : s(kOrdinance2020_319)},
                      {"new_end_date", ctx.form("new_end_date")}};
  web::Errors errors = bulk ? bulk->errors : web::Errors{};
  data["bulk_fields"] = fields_json({{"transition", "Changement", "select", true, nullptr, options(kContractTransitions, ctx.form("transition"))},
                                     {"effective_on", "Date d'effet", "date", true},
                                     {"reason", "Motif", "text", true},
                                     {"legal_reference", "Référence juridique", "text", false, "Exemple : ordonnance n° 2020-319 du 25 mars 2020"},
                                     {"new_end_date", "Nouvelle fin (avenant de prorogation)", "date"}},
                                    values, errors);
  if (bulk) {
    json::array refused;
    for (auto& r : bulk->refused)
      refused.push_back(json::object{{"id", r.contract_id}, {"reference", r.reference}, {"message", r.message}});
    json::array list;
    for (auto& e : bulk->errors) list.push_back(json::object{{"field", e.field}, {"message", e.message}});
    data["bulk_refused"] = refused;
    data["bulk_errors"] = list;
    data["bulk_failed"] = true;
  }
  return web::page(ctx, "clauses/contracts", std::move(data), status);
}

std::vector<std::string> export_header() {
  return {"reference", "acheteur", "objet", "lots", "secteur", "titulaire", "montant", "notification", "debut", "fin",
          "type_clause", "heures_exigees", "part_main_oeuvre", "taux_insertion", "cout_horaire", "statut",
          "statut_depuis", "heures_validees", "cotraitants", "sous_traitants"};
}

std::string decimal(std::int64_t v, int scale) {  // 12345, 100 → "123,45"
  if (v % scale == 0) return std::to_string(v / scale);
  return fmt::format("{},{:0{}d}", v / scale, v % scale, scale == 100 ? 2 : 1);
}

std::string hours_decimal(std::int64_t minutes) {
  if (minutes % 60 == 0) return std::to_string(minutes / 60);
  return fmt::format("{},{:02d}", minutes / 60, (minutes % 60) * 100 / 60);
}

http::Response export_contracts(Ctx& ctx, const std::string& format) {
  auto f = filter_from_query(ctx);
  f.after_id = 0;
  f.after_key.clear();
  f.limit = 1000;
  std::vector<std::vector<std::string>> rows{export_header()};
  auto scope = scope_of(ctx);
  // Names of one role's parties, as lots are written: "A; B".
  auto names = [](const std::vector<Party>& parties, std::string_view role) {
    std::string out;
    for (auto& p : parties)
      if (p.role == role) out += (out.empty() ? "" : "; ") + p.organisation_name;
    return out;
  };
  while (true) {
    auto page = list_contracts(ctx.db(), scope, f);
    std::vector<std::int64_t> ids;
    for (auto& c : page) ids.push_back(c.id);
    auto parties = parties_of(ctx.db(), ids);
    for (auto& c : page) {
      auto& p = parties[c.id];
      rows.push_back({c.reference, c.buyer_name, c.title, c.lots, s(label_of(kSectors, c.sector)), c.holder_name,
                      decimal(c.amount_cents, 100), c.notified_on, c.start_date, c.end_date,
                      s(label_of(kClauseTypes, c.clause_type)),
                      c.hours_mode == "entered" ? hours_decimal(c.required_minutes) : "",
                      c.labour_share_bp ? decimal(*c.labour_share_bp, 100) : "",
                      c.insertion_rate_bp ? decimal(*c.insertion_rate_bp, 100) : "",
                      c.hourly_cost_cents ? decimal(*c.hourly_cost_cents, 100) : "", s(label_of(kContractStatuses, c.status)),
                      c.status_since, hours_decimal(c.counted_minutes), names(p, "co_contractor"),
                      names(p, "subcontractor")});
    }
    if (static_cast<int>(page.size()) < f.limit) break;
    f.after_key = page.back().sort_reference;
    f.after_id = page.back().id;
  }
  return web::download(ctx, "contract", "Marchés", "marches", format, rows);
}

StatusChange status_change_from_form(Ctx& ctx) {
  return {ctx.form("transition"), ctx.form("effective_on"), ctx.form("reason"), ctx.form("legal_reference"),
          ctx.form("new_end_date")};
}

http::Response bulk_status_route(Ctx& ctx) {
  std::vector<std::int64_t> ids;
  for (auto& v : ctx.form_all("ids")) {
    auto id = to_id(v);
    if (!id) throw web::BadRequest{"Identifiant de marché invalide."};
    ids.push_back(*id);
  }
  auto result = bulk_change_status(ctx.db(), scope_of(ctx), ids, status_change_from_form(ctx), ctx.user().id);
  if (!result.errors.empty() || !result.refused.empty()) return contracts_page(ctx, &result, 422);
  audit_write(ctx, "update", "contract", 0,
              fmt::format("Changement de statut groupé ({}) de {} marché(s)", ctx.form("transition"), result.changed));
  ctx.flash(fmt::format("Statut changé pour {} marché(s).", result.changed));
  auto back = ctx.form("back");
  return http::Response::redirect(back.starts_with("/marches") ? back : "/marches");
}

// ---- Contract form ---------------------------------------------------------------------------------

const char* const kContractFields[] = {"reference", "title",       "lots",       "buyer_id",       "holder_organisation_id",
                                       "sector",    "clause_type", "amount",     "notified_on",    "start_date",
                                       "end_date",  "hours_mode",  "required_hours", "labour_share", "insertion_rate",
                                       "hourly_cost"};

ContractInput contract_input(Ctx& ctx) {
  ContractInput in;
  in.reference = ctx.form("reference");
  in.title = ctx.form("title");
  in.lots = ctx.form("lots");
  in.sector = ctx.form("sector");
  in.clause_type = ctx.form("clause_type");
  in.buyer_id = ctx.form("buyer_id");
  in.holder_organisation_id = ctx.form("holder_organisation_id");
  in.amount = ctx.form("amount");
  in.notified_on = ctx.form("notified_on");
  in.start_date = ctx.form("start_date");
  in.end_date = ctx.form("end_date");
  in.hours_mode = ctx.form("hours_mode");
  in.required_hours = ctx.form("required_hours");
  in.labour_share = ctx.form("labour_share");
  in.insertion_rate = ctx.form("insertion_rate");
  in.hourly_cost = ctx.form("hourly_cost");
  return in;
}

json::object contract_values(const Contract& c) {
  return {{"reference", c.reference},
          {"title", c.title},
          {"lots", c.lots},
          {"buyer_id", std::to_string(c.buyer_id)},
          {"holder_organisation_id", std::to_string(c.holder_organisation_id)},
          {"sector", c.sector},
          {"clause_type", c.clause_type},
          {"amount", decimal(c.amount_cents, 100)},
          {"notified_on", c.notified_on},
          {"start_date", c.start_date},
          {"end_date", c.end_date},
          {"hours_mode", c.hours_mode},
          {"required_hours", c.hours_mode == "entered" ? hours_decimal(c.required_minutes) : ""},
          {"labour_share", c.labour_share_bp ? decimal(*c.labour_share_bp, 100) : ""},
          {"insertion_rate", c.insertion_rate_bp ? decimal(*c.insertion_rate_bp, 100) : ""},
          {"hourly_cost", c.hourly_cost_cents ? decimal(*c.hourly_cost_cents, 100) : ""}};
}

// The computation of the hours from what is typed, when it can be made.
std::string computed_text(const json::object& v) {
  auto get = [&](const char* k) { return v.contains(k) && v.at(k).is_string() ? std::string(v.at(k).as_string()) : ""; };
  if (get("hours_mode") != "computed") return "";
  auto amount = parse_euros(get("amount"));
  auto share = parse_percent(get("labour_share"));
  auto rate = parse_percent(get("insertion_rate"));
  auto cost = parse_euros(get("hourly_cost"));
  if (!amount || !share || !rate || !cost || *amount <= 0 || *share <= 0 || *rate <= 0 || *cost <= 0) return "";
  return explain_required_hours({*amount, *share, *rate, *cost});
}

http::Response contract_form(Ctx& ctx, const std::string& action, const std::string& title, json::object values,
                             const web::Errors& errors, int status) {
  auto v = [&](const char* k) { return values.contains(k) ? std::string(values[k].as_string()) : std::string(); };
  json::object data = page_errors(errors);
  data["title"] = title;
  data["action"] = action;
  data["computed"] = computed_text(values);
  data["fields_contract"] = fields_json(
      {{"reference", "Référence du marché", "text", true, "Celle de l'acheteur, exemple : 2020-DPE-0142"},
       {"title", "Objet", "text", true},
       {"lots", "Lots", "textarea"},
       {"buyer_id", "Acheteur public", "select", true, nullptr, id_options(buyer_items(ctx), v("buyer_id"))},
       {"holder_organisation_id", "Titulaire", "select", true, nullptr, id_options(holder_items(ctx), v("holder_organisation_id"))},
       {"sector", "Secteur", "select", true, nullptr, options(kSectors, v("sector"))},
       {"clause_type", "Type de clause", "select", true, nullptr, options(kClauseTypes, v("clause_type"))},
       {"amount", "Montant (€ HT)", "text", true, "Exemple : 1 250 000,00"},
       {"notified_on", "Notification", "date", true},
       {"start_date", "Début d'exécution", "date", true},
       {"end_date", "Fin d'exécution", "date", true}},
      values, errors);
  data["fields_hours"] = fields_json(
      {{"hours_mode", "Heures d'insertion exigées", "select", true, nullptr, options(kHoursModes, v("hours_mode"))},
       {"required_hours", "Heures exigées (si saisies)", "text", false, "Exemple : 1 200"},
       {"labour_share", "Part de main-d'œuvre (%)", "text", false, "Exemple : 40"},
       {"insertion_rate", "Taux d'insertion (%)", "text", false, "Exemple : 5"},
       {"hourly_cost", "Coût horaire (€)", "text", false, "Exemple : 25,00"}},
      values, errors);
  return web::page(ctx, "clauses/contract_form", std::move(data), status);
}

json::object typed_values(Ctx& ctx) {
  json::object v;
  for (auto n : kContractFields) v[n] = ctx.form(n);
  return v;
}

http::Response create_contract_route(Ctx& ctx) {
  auto values = typed_values(ctx);
  if (ctx.form("action") == "preview") return contract_form(ctx, "/marches", "Nouveau marché", values, {}, 200);
  auto r = create_contract(ctx.db(), scope_of(ctx), contract_input(ctx), ctx.user().id);
  if (!r) return contract_form(ctx, "/marches", "Nouveau marché", values, r.error(), 422);
  audit_write(ctx, "create", "contract", *r, ctx.form("reference"));
  ctx.flash("Marché enregistré.");
  return http::Response::redirect(fmt::format("/marches/{}", *r));
}

http::Response update_contract_route(Ctx& ctx, const Contract& c) {
  auto values = typed_values(ctx);
  auto action = fmt::format("/marches/{}/modifier", c.id);
  if (ctx.form("action") == "preview") return contract_form(ctx, action, "Modifier le marché", values, {}, 200);
  auto r = update_contract(ctx.db(), scope_of(ctx), c.id, contract_input(ctx));
  if (!r) return contract_form(ctx, action, "Modifier le marché", values, r.error(), 422);
  audit_write(ctx, "update", "contract", c.id, ctx.form("reference"));
  ctx.flash("Marché modifié.");
  return http::Response::redirect(fmt::format("/marches/{}", c.id));
}

// ---- Contract page ------------------------------------------------------------------------------------

struct FormState {
  std::string name;  // "status", "hours"
  web::Errors errors;
  json::object values;
};

Date today() { return followup::paris_date(*followup::parse_datetime(auth::now_utc())); }

json::object entry_json(const HoursEntry& e) {
  return {{"id", e.id},
          {"contract_id", e.contract_id},
          {"reference", e.contract_reference},
          {"person", e.person_name},
          {"month", format_month_fr(e.month)},
          {"employer", e.employer_name},
          {"modality", s(label_of(kModalities, e.modality))},
          {"situation", s(label_of(kSituations, e.situation))},
          {"eligibility", s(label_of(kEligibilities, e.eligibility))},
          {"hours", format_hours(e.minutes)},
          {"decision", e.decision},
          {"decision_label", s(label_of(kDecisions, e.decision))},
          {"rule", e.rule_set_id ? fmt::format("règle n° {} de « {} », version {}", e.rule_position, e.rule_set_name,
                                               e.rule_set_version)
                                 : std::string("aucune règle")},
          {"review_label", e.review_status.empty() ? "" : s(label_of(kReviewStatuses, e.review_status))},
          {"pending", e.review_status == "pending"},
          {"review_reason", e.review_reason},
          {"counted", e.counted}};
}

http::Response contract_page_route(Ctx& ctx, const Contract& c, const FormState* state, int status) {
  auto totals = contract_totals(ctx.db(), c.id);
  auto start = followup::parse_date(c.start_date).value_or(Date{});
  auto end = followup::parse_date(c.end_date).value_or(Date{});
  auto p = progress({c.required_minutes, totals.counted_minutes, totals.pending_minutes, start, end, today()});
  json::array history;
  for (auto& e : status_history(ctx.db(), c.id))
    history.push_back(json::object{{"effective_on", fr_date(e.effective_on)},
                                   {"from", e.from_status.empty() ? "" : s(label_of(kContractStatuses, e.from_status))},
                                   {"to", s(label_of(kContractStatuses, e.to_status))},
                                   {"reason", e.reason},
                                   {"legal_reference", e.legal_reference},
                                   {"new_end_date", fr_date(e.new_end_date)},
                                   {"user", e.user_name},
                                   {"at", web::french_datetime(e.at)}});
  auto monthly = monthly_totals(ctx.db(), c.id);
  json::array months;
  for (auto& m : monthly)
    months.push_back(json::object{{"month", format_month_fr(m.month)},
                                  {"counted", format_hours(m.counted_minutes)},
                                  {"other", format_hours(m.other_minutes)}});
  // The entries, a page at a time, of one month or situation if asked.
  web::Errors filter_errors;
  HoursFilter hf;
  hf.limit = kPageSize;
  hf.month = ctx.req.query("mois");
  if (!hf.month.empty() && !parse_month(hf.month)) {
    filter_errors.push_back({"mois", "Ce mois n'est pas valide : choisissez-le dans la liste."});
    hf.month.clear();
  }
  hf.situation = ctx.req.query("situation");
  if (!hf.situation.empty() && !find_code(kSituations, hf.situation)) {
    filter_errors.push_back({"situation", "Cette situation n'existe pas : choisissez-la dans la liste."});
    hf.situation.clear();
  }
  if (auto after = to_id(ctx.req.query("apres_id")); after && parse_month(ctx.req.query("apres"))) {
    hf.after_id = *after;
    hf.after_month = ctx.req.query("apres");
  }
  auto page_entries = hours_page(ctx.db(), c.id, hf);
  json::array entries;
  for (auto& e : page_entries) entries.push_back(entry_json(e));
  std::string keep;
  if (!hf.month.empty()) keep += "mois=" + hf.month;
  if (!hf.situation.empty()) keep += (keep.empty() ? "" : "&") + std::string("situation=") + hf.situation;
  std::string next;
  if (static_cast<int>(page_entries.size()) == hf.limit)
    next = fmt::format("/marches/{}?{}{}apres={}&apres_id={}#heures", c.id, keep, keep.empty() ? "" : "&",
                       page_entries.back().month, page_entries.back().id);
  json::array month_options;
  for (auto it = monthly.rbegin(); it != monthly.rend(); ++it)
    month_options.push_back(json::object{{"code", it->month}, {"label", format_month_fr(it->month)}, {"selected", it->month == hf.month}});
  const auto entries_total = count_hours(ctx.db(), c.id, hf);
  json::object hours_list{{"month_options", month_options},
                          {"situation_options", options(kSituations, hf.situation)},
                          {"total", entries_total},
                          {"filtered", !hf.month.empty() || !hf.situation.empty()},
                          {"paged", hf.after_id > 0},
                          {"next", next},
                          {"first", fmt::format("/marches/{}{}{}#heures", c.id, keep.empty() ? "" : "?", keep)},
                          {"all", fmt::format("/marches/{}#heures", c.id)}};
  for (auto& [k, v] : web::errors_json(filter_errors)) hours_list[k] = v;
  json::array transitions;
  for (auto t : transitions_from(c.status))
    transitions.push_back(json::object{{"code", t}, {"label", s(label_of(kContractTransitions, t))},
                                       {"selected", state && state->name == "status" && ctx.form("transition") == t}});
  const bool status_form = state && state->name == "status";
  const bool hours_form = state && state->name == "hours";
  json::object status_values{{"transition", ""}, {"effective_on", ""}, {"reason", ""}, {"legal_reference", ""}, {"new_end_date", ""}};
  if (status_form) status_values = state->values;
  json::object hours_values{{"person_name", ""}, {"month", ""}, {"employer_name", c.holder_name}, {"modality", ""},
                            {"situation", "worked"}, {"eligibility", ""}, {"hours", ""}};
  if (hours_form) hours_values = state->values;
  auto hv = [&](const char* k) { return std::string(hours_values[k].as_string()); };
  const bool party_form = state && state->name == "party";
  // The chooser lists the directory's companies and SIAE (hundreds): only when asked
  // for, so that the page read many times a day stays light.
  const bool show_party_form = party_form || ctx.req.query("ajouter") == "cotraitant";
  json::object party_values{{"organisation_id", ""}, {"role", ""}};
  if (party_form) party_values = state->values;
  auto pv = [&](const char* k) { return std::string(party_values[k].as_string()); };
  json::array parties;
  for (auto& p : contract_parties(ctx.db(), c.id))
    parties.push_back(json::object{{"organisation_id", p.organisation_id},
                                   {"name", p.organisation_name},
                                   {"role", p.role},
                                   {"role_label", s(label_of(kPartyRoles, p.role))}});
  web::Errors none;
  json::object data{
      {"title", "Marché " + c.reference},
      {"id", c.id},
      {"reference", c.reference},
      {"contract_title", c.title},
      {"lots", c.lots},
      {"buyer", c.buyer_name},
      {"holder", c.holder_name},
      {"organisation", c.organisation_name},
      {"sector", s(label_of(kSectors, c.sector))},
      {"clause_type", s(label_of(kClauseTypes, c.clause_type))},
      {"amount", format_euros(c.amount_cents)},
      {"notified_on", fr_date(c.notified_on)},
      {"start_date", fr_date(c.start_date)},
      {"end_date", fr_date(c.end_date)},
      {"status", c.status},
      {"status_label", s(label_of(kContractStatuses, c.status))},
      {"status_since", fr_date(c.status_since)},
      {"required", format_hours(c.required_minutes)},
      {"computation", c.hours_mode == "computed" && c.labour_share_bp && c.insertion_rate_bp && c.hourly_cost_cents
                          ? explain_required_hours({c.amount_cents, *c.labour_share_bp, *c.insertion_rate_bp,
                                                    *c.hourly_cost_cents})
                          : "Heures saisies"},
      {"counted", format_hours(totals.counted_minutes)},
      {"pending", format_hours(totals.pending_minutes)},
      {"has_pending", totals.pending_minutes > 0},
      {"review_link", fmt::format("/heures/a-examiner?marche={}", c.id)},
      {"refused", format_hours(totals.refused_minutes + totals.not_validated_minutes)},
      {"people", totals.people},
      {"hires", totals.hires},
      {"percent", p.percent},
      {"bar_percent", p.bar_percent},
      {"forecast", format_hours(p.forecast_minutes)},
      {"forecast_percent", p.forecast_percent},
      {"on_track", p.on_track},
      {"summary", p.summary},
      {"history", history},
      {"entries", entries},
      {"no_entries", entries.empty()},
      {"hours_list", hours_list},
      {"has_months", !months.empty()},
      {"months", months},
      {"transitions", transitions},
      {"has_transitions", !transitions.empty()},
      {"status_errors", status_form ? page_errors(state->errors) : json::object{}},
      {"hours_errors", hours_form ? page_errors(state->errors) : json::object{}},
      {"parties", parties},
      {"no_parties", parties.empty()},
      {"party_errors", party_form ? page_errors(state->errors) : json::object{}},
      {"show_party_form", show_party_form},
      {"party_fields",
       show_party_form
           ? fields_json({{"organisation_id", "Organisation", "select", true,
                           "Entreprise, SIAE, GEIQ ou entreprise adaptée de l'annuaire",
                           id_options(party_items(ctx), pv("organisation_id"))},
                          {"role", "Rôle", "select", true, nullptr, options(kPartyRoles, pv("role"))}},
                         party_values, party_form ? state->errors : none)
           : json::array{}},
      {"status_fields",
       fields_json({{"effective_on", "Date d'effet", "date", true},
                    {"reason", "Motif", "text", false, "Obligatoire sauf pour une reprise ou une clôture"},
                    {"legal_reference", "Référence juridique", "text", false, "Exemple : ordonnance n° 2020-319 du 25 mars 2020"},
                    {"new_end_date", "Nouvelle fin (avenant de prorogation)", "date"}},
                   status_values, status_form ? state->errors : none)},
      {"status_transition_error",
       status_form && web::find_error(state->errors, "transition") ? web::find_error(state->errors, "transition")->message : ""},
      {"hours_fields",
       fields_json({{"person_name", "Personne", "text", true, "NOM Prénom"},
                    {"month", "Mois", "month", true, "AAAA-MM"},
                    {"hours", "Heures", "text", true, "Exemple : 151,67 ou 151:40"},
                    {"employer_name", "Employeur", "text"},
                    {"modality", "Modalité", "select", true, nullptr, options(kModalities, hv("modality"))},
                    {"situation", "Situation", "select", true, nullptr, options(kSituations, hv("situation"))},
                    {"eligibility", "Critère d'éligibilité", "select", true, nullptr, options(kEligibilities, hv("eligibility"))}},
                   hours_values, hours_form ? state->errors : none)}};
  return web::page(ctx, "clauses/contract", std::move(data), status);
}

http::Response contract_report(Ctx& ctx, const Contract& c) {
  auto totals = contract_totals(ctx.db(), c.id);
  auto p = progress({c.required_minutes, totals.counted_minutes, totals.pending_minutes,
                     followup::parse_date(c.start_date).value_or(Date{}), followup::parse_date(c.end_date).value_or(Date{}),
                     today()});
  std::vector<std::vector<std::string>> rows{{"Mois", "Personne", "Employeur", "Modalité", "Situation", "Éligibilité",
                                              "Heures", "Minutes", "Décision", "Règle", "Comptées"}};
  auto entries = hours_of(ctx.db(), c.id, 100000);
  std::ranges::reverse(entries);  // oldest month first
  for (auto& e : entries)
    rows.push_back({e.month, e.person_name, e.employer_name, s(label_of(kModalities, e.modality)),
                    s(label_of(kSituations, e.situation)), s(label_of(kEligibilities, e.eligibility)), format_hours(e.minutes),
                    std::to_string(e.minutes),
                    s(label_of(kDecisions, e.decision)) +
                        (e.review_status.empty() ? "" : " — " + s(label_of(kReviewStatuses, e.review_status))),
                    e.rule_set_id ? fmt::format("{} v{} n° {}", e.rule_set_name, e.rule_set_version, e.rule_position) : "",
                    e.counted ? "oui" : "non"});
  rows.push_back({});
  rows.push_back({"Marché", c.reference + " — " + c.title});
  rows.push_back({"Acheteur", c.buyer_name});
  rows.push_back({"Titulaire", c.holder_name});
  for (auto& p : contract_parties(ctx.db(), c.id))
    rows.push_back({s(label_of(kPartyRoles, p.role)), p.organisation_name});
  rows.push_back({"Statut", s(label_of(kContractStatuses, c.status)) + " depuis le " + fr_date(c.status_since)});
  rows.push_back({"Heures exigées", format_hours(c.required_minutes), "", "", "", "", "", std::to_string(c.required_minutes)});
  rows.push_back({"Heures validées", format_hours(totals.counted_minutes), "", "", "", "", "", std::to_string(totals.counted_minutes)});
  rows.push_back({"Avancement", std::to_string(p.percent) + " %"});
  rows.push_back({"Prévision à la fin", format_hours(p.forecast_minutes) + " (" + std::to_string(p.forecast_percent) + " %)"});
  rows.push_back({"Personnes", std::to_string(totals.people)});
  for (auto& r : rows) r.resize(rows[0].size());
  return web::download(ctx, "contract", "Rapport " + c.reference, "rapport-" + c.reference, "xlsx", rows);
}

// ---- Imports -------------------------------------------------------------------------------------------------

struct ImportKind {
  const char* kind;      // imports.kind
  const char* path;      // page
  const char* title;
  std::string_view header;
  const char* help;
};

const ImportKind kStatementImport{"clauses_statement", "/heures/import", "Importer un relevé mensuel d'heures",
                                  kStatementHeader,
                                  "Une ligne par personne, marché et mois. Les modalités, situations et critères "
                                  "s'écrivent en code (direct_hire, telework, rsa…) ou en toutes lettres."};
const ImportKind kContractsImport{"clauses_contracts", "/marches/import", "Importer le tableau des marchés",
                                  kContractsHeader,
                                  "L'acheteur et le titulaire sont nommés comme dans l'annuaire. Laissez heures_exigees "
                                  "vide pour les calculer (part de main-d'œuvre × taux d'insertion ÷ coût horaire). "
                                  "Une référence déjà connue pour cet acheteur met le marché à jour."};

http::Response import_page(Ctx& ctx, const ImportKind& k, const std::string& error, int status) {
  return web::page(ctx, "clauses/import",
                   json::object{{"title", k.title}, {"action", k.path}, {"header", k.header}, {"help", k.help}, {"error", error}},
                   status);
}

template <class Plan>
http::Response import_report(Ctx& ctx, const ImportKind& k, std::int64_t import_id, const std::string& filename,
                             const Plan& plan) {
  json::array errors;
  for (auto& e : plan.errors) errors.push_back(json::object{{"line", e.line}, {"message", e.message}});
  std::set<std::size_t> bad;
  for (auto& e : plan.errors) bad.insert(e.line);
  return web::page(ctx, "clauses/import_report",
                   json::object{{"title", "Rapport d'import"},
                                {"back", k.path},
                                {"back_title", k.title},
                                {"import_id", import_id},
                                {"filename", filename},
                                {"lines", plan.data_lines},
                                {"valid", plan.valid.size()},
                                {"rejected", bad.size()},
                                {"errors", errors},
                                {"has_errors", !errors.empty()},
                                {"has_valid", !plan.valid.empty()}});
}

template <class PlanFn>
http::Response upload_route(Ctx& ctx, const ImportKind& k, PlanFn plan_fn) {
  auto upload = ctx.file("file");
  if (!upload || upload->data.empty()) return import_page(ctx, k, "Choisissez un fichier CSV à importer.", 422);
  if (upload->data.size() > kMaxImportBytes)
    return import_page(ctx, k, "Le fichier dépasse 20 Mo. Découpez-le en plusieurs fichiers.", 413);
  auto plan = plan_fn(upload->data);
  if (!plan.fatal.empty()) return import_page(ctx, k, plan.fatal, 422);
  auto filename = text::is_valid_utf8(upload->filename) ? upload->filename.substr(0, 200) : std::string("fichier.csv");
  auto r = ctx.db().query(
      "INSERT INTO imports (user_id, kind, filename, content, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
      {ctx.user().id, k.kind, filename, db::Blob{upload->data}, auth::now_utc()});
  return import_report(ctx, k, r.rows.at(0).integer(0), filename, plan);
}

// The user's choice on a checked file: the valid lines, or nothing. Returns
// the file (checked again: contracts may have changed meanwhile) or nullopt when cancelled.
std::optional<std::pair<std::string, std::string>> import_choice(Ctx& ctx, const ImportKind& k, std::int64_t id) {
  auto r = ctx.db().query(
      "SELECT filename, content FROM imports WHERE id = ? AND user_id = ? AND kind = ? AND finished_at IS NULL",
      {id, ctx.user().id, k.kind});
  if (r.empty()) throw web::NotFound{};
  if (ctx.form("choice") != "valid") {
    ctx.db().query("UPDATE imports SET finished_at = ?, outcome = 'cancelled' WHERE id = ?", {auth::now_utc(), id});
    return std::nullopt;
  }
  return std::pair{r.rows[0].text(0), r.rows[0].blob(1)};
}

void finish_import(Ctx& ctx, std::int64_t id, std::size_t count) {
  ctx.db().query("UPDATE imports SET finished_at = ?, outcome = ? WHERE id = ?",
                 {auth::now_utc(), fmt::format("imported:{}", count), id});
}

// ---- Review queue ------------------------------------------------------------------------------------------------

// `only_contract`: one contract's entries (the page's ?marche=, or the contract of a refused review).
http::Response review_page(Ctx& ctx, std::int64_t failed_id, const web::Errors& errors, int status,
                           std::optional<std::int64_t> only_contract = std::nullopt) {
  ReviewFilter f;
  if (auto after = to_id(ctx.req.query("apres"))) f.after_id = *after;
  std::optional<Contract> contract;
  if (auto id = only_contract ? only_contract : to_id(ctx.req.query("marche"))) {
    contract = load_contract(ctx, *id);
    f.contract_id = id;
  }
  auto queue = review_queue(ctx.db(), scope_of(ctx), f);
  json::array items;
  for (auto& e : queue) {
    auto o = entry_json(e);
    if (e.id == failed_id) {
      o["errors"] = web::errors_json(errors)["errors"];
      o["reason_value"] = ctx.form("reason");
    }
    items.push_back(std::move(o));
  }
  std::string next;
  std::string keep = contract ? fmt::format("marche={}&", contract->id) : "";
  if (static_cast<int>(queue.size()) == f.limit) next = fmt::format("/heures/a-examiner?{}apres={}", keep, queue.back().id);
  return web::page(ctx, "clauses/review",
                   json::object{{"title", "Heures à examiner"},
                                {"items", items},
                                {"empty", items.empty()},
                                {"total", count_pending_reviews(ctx.db(), scope_of(ctx))},
                                {"contract_reference", contract ? contract->reference : ""},
                                {"contract_id", contract ? contract->id : 0},
                                {"next", next}},
                   status);
}

// ---- Rule sets -------------------------------------------------------------------------------------------------------

json::object rule_set_json(const RuleSetRow& row, bool admin) {
  json::array rules;
  for (auto& r : row.set.rules)
    rules.push_back(json::object{{"position", r.position},
                                 {"situation", r.situation.empty() ? "Toute situation" : s(label_of(kSituations, r.situation))},
                                 {"eligibility", r.eligibility.empty() ? "Tout critère" : s(label_of(kEligibilities, r.eligibility))},
                                 {"decision", r.decision},
                                 {"decision_label", s(label_of(kDecisions, r.decision))},
                                 {"note", r.note}});
  auto d = [](const std::optional<Date>& x) { return x ? followup::format_date(*x) : std::string(); };
  return {{"id", row.set.id},
          {"code", row.set.code},
          {"name", row.set.name},
          {"version", row.set.version},
          {"description", row.set.description},
          {"legal_reference", row.set.legal_reference},
          {"effective_from", d(row.set.effective_from)},
          {"effective_to", d(row.set.effective_to)},
          {"from_fr", row.set.effective_from ? followup::format_date_fr(*row.set.effective_from) : "sans limite"},
          {"to_fr", row.set.effective_to ? followup::format_date_fr(*row.set.effective_to) : "sans limite"},
          {"priority", row.set.priority},
          {"current", row.retired_at.empty()},
          {"retired_at", row.retired_at.empty() ? "" : web::french_datetime(row.retired_at)},
          {"entries", row.entries},
          {"editable", admin && row.retired_at.empty()},
          {"rules", rules}};
}

http::Response rule_sets_page(Ctx& ctx, std::int64_t failed_id, const web::Errors& errors, int status) {
  const bool admin = ctx.user().has_role("admin");
  json::array current, retired;
  for (auto& row : all_rule_sets(ctx.db())) {
    auto o = rule_set_json(row, admin);
    if (row.set.id == failed_id) {
      o["form_errors"] = page_errors(errors);
      o["effective_from"] = ctx.form("effective_from");
      o["effective_to"] = ctx.form("effective_to");
    }
    (row.retired_at.empty() ? current : retired).push_back(std::move(o));
  }
  return web::page(ctx, "clauses/rule_sets",
                   json::object{{"title", "Règles de validation des heures"},
                                {"current", current},
                                {"retired", retired},
                                {"has_retired", !retired.empty()},
                                {"admin", admin}},
                   status);
}

http::Response rule_set_preview(Ctx& ctx, std::int64_t id) {
  RuleSetDatesInput in{ctx.form("effective_from"), ctx.form("effective_to")};
  auto plan = plan_rule_set_dates(ctx.db(), id, in);
  if (!plan) return rule_sets_page(ctx, id, plan.error(), 422);
  json::array changes;
  for (auto& c : plan->preview.changes)
    changes.push_back(json::object{{"month", format_month_fr(c.month)},
                                   {"situation", s(label_of(kSituations, c.situation))},
                                   {"eligibility", s(label_of(kEligibilities, c.eligibility))},
                                   {"from", s(label_of(kDecisions, c.from_decision))},
                                   {"to", s(label_of(kDecisions, c.to_decision))},
                                   {"decision_changes", c.from_decision != c.to_decision},
                                   {"entries", c.entries},
                                   {"hours", format_hours(c.minutes)}});
  auto d = [](const std::optional<Date>& x) { return x ? followup::format_date_fr(*x) : std::string("sans limite"); };
  return web::page(ctx, "clauses/rule_set_preview",
                   json::object{{"title", "Aperçu du changement"},
                                {"id", id},
                                {"name", plan->next.name},
                                {"version", plan->next.version},
                                {"from_fr", d(plan->next.effective_from)},
                                {"to_fr", d(plan->next.effective_to)},
                                {"effective_from", text::trim(in.effective_from)},
                                {"effective_to", text::trim(in.effective_to)},
                                {"changes", changes},
                                {"no_changes", changes.empty()},
                                {"entries", plan->preview.entries},
                                {"decisions_changed", plan->preview.decisions_changed}});
}

// ---- Buyers ---------------------------------------------------------------------------------------------------------

json::array group_json(const std::vector<GroupProgress>& groups) {
  json::array out;
  for (auto& g : groups) {
    int percent = g.required_minutes > 0 ? static_cast<int>(g.counted_minutes * 100 / g.required_minutes) : 0;
    out.push_back(json::object{{"id", g.id},
                               {"name", g.name},
                               {"contracts", g.contracts},
                               {"required", format_hours(g.required_minutes)},
                               {"counted", format_hours(g.counted_minutes)},
                               {"percent", percent},
                               {"bar_percent", std::clamp(percent, 0, 100)}});
  }
  return out;
}

http::Response buyers_page(Ctx& ctx, const web::Errors& errors, int status) {
  auto scope = scope_of(ctx);
  json::array buyers;
  for (auto& b : list_buyers(ctx.db(), scope))
    buyers.push_back(json::object{{"id", b.id}, {"name", b.name}, {"contact", b.contact_name}, {"email", b.contact_email}});
  std::vector<std::pair<std::int64_t, std::string>> orgs;
  network::OrgFilter f;
  f.kind = "buyer";
  f.limit = 500;
  for (auto& o : network::list_organisations(ctx.db(), {""}, f)) orgs.emplace_back(o.id, o.name);
  std::vector<std::pair<std::int64_t, std::string>> facilitating;
  for (auto& root : scope) {
    auto r = ctx.db().query("SELECT id, name FROM organisations WHERE path = ?", {root});
    if (!r.empty()) facilitating.emplace_back(r.rows[0].integer(0), r.rows[0].text(1));
  }
  json::object values{{"buyer_organisation_id", ctx.form("buyer_organisation_id")},
                      {"organisation_id", ctx.form("organisation_id")},
                      {"contact_name", ctx.form("contact_name")},
                      {"contact_email", ctx.form("contact_email")}};
  auto data = page_errors(errors);
  data["title"] = "Acheteurs publics";
  data["buyers"] = buyers;
  data["by_buyer"] = group_json(progress_by_buyer(ctx.db(), scope));
  data["by_holder"] = group_json(progress_by_holder(ctx.db(), scope, 50));
  data["buyer_fields"] = fields_json(
      {{"buyer_organisation_id", "Acheteur (annuaire)", "select", true, nullptr, id_options(orgs, ctx.form("buyer_organisation_id"))},
       {"organisation_id", "Suivi par", "select", true, nullptr, id_options(facilitating, ctx.form("organisation_id"))},
       {"contact_name", "Contact", "text"},
       {"contact_email", "E-mail du contact", "email"}},
      values, errors);
  return web::page(ctx, "clauses/buyers", std::move(data), status);
}

// ---- A buyer and its purchase programme -------------------------------------------------------------------------

Buyer load_buyer(Ctx& ctx, std::int64_t id) {
  auto b = get_buyer(ctx.db(), scope_of(ctx), id);
  if (!b) throw web::NotFound{};
  return *b;
}

const char* const kProgrammeFields[] = {"year", "kind", "title", "sector", "clause_type", "planned_on",
                                        "estimated_amount", "status", "contract_id", "notes"};

ProgrammeItemInput programme_input(Ctx& ctx) {
  ProgrammeItemInput in;
  in.year = ctx.form("year");
  in.kind = ctx.form("kind");
  in.title = ctx.form("title");
  in.sector = ctx.form("sector");
  in.clause_type = ctx.form("clause_type");
  in.planned_on = ctx.form("planned_on");
  in.estimated_amount = ctx.form("estimated_amount");
  in.status = ctx.form("status");
  in.contract_id = ctx.form("contract_id");
  in.notes = ctx.form("notes");
  return in;
}

json::object programme_typed(Ctx& ctx) {
  json::object v;
  for (auto n : kProgrammeFields) v[n] = ctx.form(n);
  return v;
}

json::object programme_values(const ProgrammeItem& i) {
  return {{"year", std::to_string(i.year)},
          {"kind", i.kind},
          {"title", i.title},
          {"sector", i.sector},
          {"clause_type", i.clause_type},
          {"planned_on", fr_date(i.planned_on)},
          {"estimated_amount", i.estimated_amount_cents ? decimal(*i.estimated_amount_cents, 100) : ""},
          {"status", i.status},
          {"contract_id", i.contract_id ? std::to_string(*i.contract_id) : ""},
          {"notes", i.notes}};
}

// The fields of an item; the contracts offered are the buyer's.
json::array programme_fields(Ctx& ctx, const Buyer& b, const json::object& values, const web::Errors& errors) {
  auto v = [&](const char* k) { return values.contains(k) ? std::string(values.at(k).as_string()) : std::string(); };
  ContractFilter f;
  f.buyer_id = b.id;
  f.limit = 1000;
  std::vector<std::pair<std::int64_t, std::string>> contracts;
  for (auto& c : list_contracts(ctx.db(), scope_of(ctx), f))
    contracts.emplace_back(c.id, fmt::format("{} — {} (notifié le {})", c.reference, c.title, fr_date(c.notified_on)));
  return fields_json({{"year", "Année", "text", true, "Exemple : 2021"},
                      {"kind", "Type", "select", true, nullptr, options(kProgrammeKinds, v("kind"))},
                      {"title", "Objet", "text", true},
                      {"planned_on", "Date prévue", "text", false, "Notification attendue ou jour de la réunion, JJ/MM/AAAA"},
                      {"sector", "Secteur", "select", false, nullptr, options(kSectors, v("sector"))},
                      {"clause_type", "Type de clause", "select", false, nullptr, options(kClauseTypes, v("clause_type"))},
                      {"estimated_amount", "Montant estimé (€ HT)", "text", false, "Exemple : 12 500,50"},
                      {"status", "Statut", "select", true, nullptr, options(kProgrammeStatuses, v("status"))},
                      {"contract_id", "Marché notifié", "select", false, "Un marché de cet acheteur, une fois notifié",
                       id_options(contracts, v("contract_id"))},
                      {"notes", "Notes", "textarea"}},
                     values, errors);
}

json::object programme_item_json(const Buyer& b, const ProgrammeItem& i) {
  return {{"id", i.id},
          {"buyer_id", b.id},
          {"kind_label", s(label_of(kProgrammeKinds, i.kind))},
          {"meeting", i.kind == "meeting"},
          {"title", i.title},
          {"sector", i.sector.empty() ? "" : s(label_of(kSectors, i.sector))},
          {"clause_type", i.clause_type.empty() ? "" : s(label_of(kClauseTypes, i.clause_type))},
          {"planned_on", fr_date(i.planned_on)},
          {"amount", i.estimated_amount_cents ? format_euros(*i.estimated_amount_cents) : ""},
          {"status", i.status},
          {"status_label", s(label_of(kProgrammeStatuses, i.status))},
          {"linked", i.contract_id.has_value()},
          {"contract_id", i.contract_id ? *i.contract_id : 0},
          {"contract_reference", i.contract_reference},
          {"notes", i.notes}};
}

// ?annee= filters the programme; the add form comes back with `errors` and what was typed.
http::Response buyer_page(Ctx& ctx, const Buyer& b, const web::Errors& errors, int status) {
  web::Errors filter_errors;
  std::optional<int> year;
  auto typed_year = ctx.req.query("annee");
  if (!typed_year.empty()) {
    year = parse_programme_year(typed_year);
    if (!year)
      filter_errors.push_back({"annee", "Cette année n'est pas valide : choisissez-la dans la liste."});
  }
  auto items = programme_of(ctx.db(), b.id, year);
  auto years = programme_years(ctx.db(), b.id);
  json::array groups;
  for (std::size_t i = 0; i < items.size();) {
    int y = items[i].year;
    json::array rows;
    std::int64_t planned = 0, done = 0, dropped = 0, meetings = 0, amount = 0;
    for (; i < items.size() && items[i].year == y; ++i) {
      auto& it = items[i];
      rows.push_back(programme_item_json(b, it));
      if (it.kind == "meeting") {
        ++meetings;
        continue;
      }
      ++planned;
      if (it.status == "done") ++done;
      if (it.status == "dropped") ++dropped;
      else if (it.estimated_amount_cents) amount += *it.estimated_amount_cents;
    }
    groups.push_back(json::object{
        {"year", y},
        {"items", rows},
        {"summary", fmt::format("{} marché(s) prévu(s), dont {} réalisé(s) et {} abandonné(s) ; {} estimés hors abandons ; "
                                "{} réunion(s).",
                                planned, done, dropped, format_euros(amount), meetings)}});
  }
  json::array year_options;
  for (int y : years)
    year_options.push_back(json::object{{"code", y}, {"label", y}, {"selected", year && *year == y}});
  const bool failed = !errors.empty();
  json::object values = failed ? programme_typed(ctx)
                               : json::object{{"year", std::to_string(year.value_or(today().year))}, {"status", "planned"},
                                              {"kind", "planned_contract"}};
  auto data = page_errors(errors);
  data["title"] = b.name;
  data["id"] = b.id;
  data["name"] = b.name;
  data["contact"] = b.contact_name;
  data["email"] = b.contact_email;
  data["groups"] = groups;
  data["empty"] = groups.empty();
  data["filtered"] = year.has_value();
  data["year"] = year ? std::to_string(*year) : "";
  data["year_options"] = year_options;
  data["fields"] = programme_fields(ctx, b, values, errors);
  for (auto& [k, v] : web::errors_json(filter_errors)) data["filter_" + std::string(k)] = v;
  data["filter_failed"] = !filter_errors.empty();
  return web::page(ctx, "clauses/buyer", std::move(data), status);
}

http::Response programme_item_form(Ctx& ctx, const Buyer& b, const ProgrammeItem& item, json::object values,
                                   const web::Errors& errors, int status) {
  auto data = page_errors(errors);
  data["title"] = "Modifier : " + item.title;
  data["buyer_id"] = b.id;
  data["buyer_name"] = b.name;
  data["action"] = fmt::format("/acheteurs/{}/programme/{}", b.id, item.id);
  data["fields"] = programme_fields(ctx, b, values, errors);
  return web::page(ctx, "clauses/programme_item_form", std::move(data), status);
}

// ==== Dashboard (contracts by status, hours by modality and situation) ===========================

struct Period {
  std::string from, to;
  web::Errors errors;
};

// ?du=&au= (ISO dates); by default from the first start of the scope's
// contracts up to today. Bad dates are reported and the default is shown.
Period period_of(Ctx& ctx) {
  Period p;
  const auto now = followup::format_date(today());
  p.from = ctx.req.query("du");
  p.to = ctx.req.query("au");
  if (!p.from.empty() && !followup::parse_date(p.from))
    p.errors.push_back({"du", "Cette date n'est pas valide : saisissez-la au format AAAA-MM-JJ (exemple : 2020-03-01)."});
  if (!p.to.empty() && !followup::parse_date(p.to))
    p.errors.push_back({"au", "Cette date n'est pas valide : saisissez-la au format AAAA-MM-JJ (exemple : 2020-06-30)."});
  if (p.errors.empty() && !p.from.empty() && !p.to.empty() && p.to < p.from)
    p.errors.push_back({"au", "La fin de la période ne peut pas précéder son début."});
  if (!p.errors.empty() || p.to.empty()) p.to = now;
  if (!p.errors.empty() || p.from.empty()) {
    p.from = first_contract_start(ctx.db(), scope_of(ctx));
    if (p.from.empty() || p.from > p.to) p.from = p.to;
  }
  return p;
}

template <class Table>
json::object breakdown_json(const Table& table, const std::vector<HoursBreakdown>& rows) {
  json::array items, labels, values;
  for (auto& h : rows) {
    items.push_back(json::object{{"label", s(label_of(table, h.code))},
                                 {"entries", h.entries},
                                 {"hours", format_hours(h.minutes)},
                                 {"counted", format_hours(h.counted_minutes)}});
    labels.push_back(json::string(label_of(table, h.code)));
    values.push_back(static_cast<double>(h.minutes * 100 / 60) / 100.0);  // hours, two decimals, for the chart
  }
  return {{"items", items}, {"any", !items.empty()}, {"labels", json::serialize(labels)}, {"values", json::serialize(values)}};
}

http::Response dashboard_page(Ctx& ctx, const std::string& format) {
  auto period = period_of(ctx);
  auto d = dashboard(ctx.db(), scope_of(ctx), period.from, period.to);
  if (!format.empty()) {
    std::vector<std::vector<std::string>> rows{{"indicateur", "detail", "valeur", "heures_declarees", "heures_validees"}};
    rows.push_back({"Période", "", period.from + " – " + period.to, "", ""});
    rows.push_back({"Marchés en exécution sur la période", "", std::to_string(d.contracts), "", ""});
    for (auto& [code, n] : d.contracts_by_status)
      rows.push_back({"Marchés par statut (fin de période)", s(label_of(kContractStatuses, code)), std::to_string(n), "", ""});
    rows.push_back({"Heures exigées des marchés en exécution", "", "", hours_decimal(d.required_minutes), ""});
    rows.push_back({"Heures déclarées (lignes)", "", std::to_string(d.entries), hours_decimal(d.minutes),
                    hours_decimal(d.counted_minutes)});
    rows.push_back({"Heures à examiner", "", "", hours_decimal(d.pending_minutes), ""});
    for (auto& h : d.by_modality)
      rows.push_back({"Heures par modalité", s(label_of(kModalities, h.code)), std::to_string(h.entries),
                      hours_decimal(h.minutes), hours_decimal(h.counted_minutes)});
    for (auto& h : d.by_situation)
      rows.push_back({"Heures par situation", s(label_of(kSituations, h.code)), std::to_string(h.entries),
                      hours_decimal(h.minutes), hours_decimal(h.counted_minutes)});
    return web::download(ctx, "clauses_dashboard", "Clauses", fmt::format("clauses-{}-{}", period.from, period.to), format,
                         rows);
  }
  json::array statuses, status_labels, status_values;
  for (auto& [code, n] : d.contracts_by_status) {
    statuses.push_back(json::object{{"label", s(label_of(kContractStatuses, code))}, {"count", n}});
    status_labels.push_back(json::string(label_of(kContractStatuses, code)));
    status_values.push_back(n);
  }
  json::array figures{
      json::object{{"label", "Marchés en exécution sur la période"}, {"value", std::to_string(d.contracts)}},
      json::object{{"label", "Heures d'insertion exigées de ces marchés"}, {"value", format_hours(d.required_minutes)}},
      json::object{{"label", "Heures déclarées pour les mois de la période"}, {"value", format_hours(d.minutes)}},
      json::object{{"label", "dont heures validées (comptées)"}, {"value", format_hours(d.counted_minutes)}},
      json::object{{"label", "dont heures à examiner"}, {"value", format_hours(d.pending_minutes)}}};
  json::object data{{"title", "Tableau de bord des clauses sociales"},
                    {"from", period.from},
                    {"to", period.to},
                    {"period", fr_date(period.from) + " au " + fr_date(period.to)},
                    {"to_fr", fr_date(period.to)},
                    {"figures", figures},
                    {"statuses", statuses},
                    {"has_statuses", !statuses.empty()},
                    {"status_labels", json::serialize(status_labels)},
                    {"status_values", json::serialize(status_values)},
                    {"modalities", breakdown_json(kModalities, d.by_modality)},
                    {"situations", breakdown_json(kSituations, d.by_situation)},
                    {"export_query", fmt::format("du={}&au={}", period.from, period.to)}};
  for (auto& [k, v] : web::errors_json(period.errors)) data[k] = v;
  return web::page(ctx, "clauses/dashboard", std::move(data));
}

}  // namespace

void register_routes(web::App& app) {
  auto writers = web::Access::roles_in({"facilitator", "admin"});
  auto admins = web::Access::roles_in({"admin"});

  app.route("GET", "/marches", writers, [](Ctx& ctx) { return contracts_page(ctx); });
  app.route("GET", "/marches/export.csv", writers, [](Ctx& ctx) { return export_contracts(ctx, "csv"); });
  app.route("GET", "/marches/export.xlsx", writers, [](Ctx& ctx) { return export_contracts(ctx, "xlsx"); });
  app.route("POST", "/marches/statut", writers, [](Ctx& ctx) { return bulk_status_route(ctx); });
  app.route("GET", "/marches/tableau-de-bord", writers, [](Ctx& ctx) { return dashboard_page(ctx, ""); });
  app.route("GET", "/marches/tableau-de-bord/export.csv", writers, [](Ctx& ctx) { return dashboard_page(ctx, "csv"); });
  app.route("GET", "/marches/tableau-de-bord/export.xlsx", writers, [](Ctx& ctx) { return dashboard_page(ctx, "xlsx"); });
  app.route("GET", "/marches/nouveau", writers, [](Ctx& ctx) {
    return contract_form(ctx, "/marches", "Nouveau marché",
                         json::object{{"hours_mode", "computed"}, {"labour_share", "40"}, {"insertion_rate", "5"},
                                      {"hourly_cost", "25,00"}, {"clause_type", "execution_condition"}},
                         {}, 200);
  });
  app.route("POST", "/marches", writers, [](Ctx& ctx) { return create_contract_route(ctx); });

  app.route("GET", "/marches/import", writers, [](Ctx& ctx) { return import_page(ctx, kContractsImport, "", 200); });
  app.route("POST", "/marches/import", writers, [](Ctx& ctx) {
    return upload_route(ctx, kContractsImport,
                        [&](const std::string& data) { return plan_contracts_import(ctx.db(), scope_of(ctx), data); });
  });
  app.route("POST", "/marches/import/{id}", writers, [](Ctx& ctx) {
    auto id = path_id(ctx);
    auto file = import_choice(ctx, kContractsImport, id);
    if (!file) {
      ctx.flash("Import annulé : aucun marché n'a été enregistré.");
      return http::Response::redirect("/marches");
    }
    auto plan = plan_contracts_import(ctx.db(), scope_of(ctx), file->second);
    if (!plan.fatal.empty()) return import_page(ctx, kContractsImport, plan.fatal, 422);
    auto count = apply_contracts_import(ctx.db(), scope_of(ctx), plan, ctx.user().id);
    finish_import(ctx, id, count);
    audit_write(ctx, "import", "contract", 0,
                fmt::format("{} : {} marchés importés, {} lignes rejetées", file->first, count, plan.errors.size()));
    ctx.flash(fmt::format("{} marché(s) importé(s) depuis « {} ».", count, file->first));
    return http::Response::redirect("/marches");
  });

  app.route("GET", "/marches/{id}", writers,
            [](Ctx& ctx) { return contract_page_route(ctx, load_contract(ctx, path_id(ctx)), nullptr, 200); });
  app.route("GET", "/marches/{id}/modifier", writers, [](Ctx& ctx) {
    auto c = load_contract(ctx, path_id(ctx));
    return contract_form(ctx, fmt::format("/marches/{}/modifier", c.id), "Modifier le marché", contract_values(c), {}, 200);
  });
  app.route("POST", "/marches/{id}/modifier", writers,
            [](Ctx& ctx) { return update_contract_route(ctx, load_contract(ctx, path_id(ctx))); });
  app.route("GET", "/marches/{id}/rapport.xlsx", writers,
            [](Ctx& ctx) { return contract_report(ctx, load_contract(ctx, path_id(ctx))); });
  app.route("POST", "/marches/{id}/statut", writers, [](Ctx& ctx) {
    auto c = load_contract(ctx, path_id(ctx));
    auto r = change_status(ctx.db(), c.id, status_change_from_form(ctx), ctx.user().id);
    if (!r) {
      FormState state{"status", r.error(),
                      json::object{{"transition", ctx.form("transition")}, {"effective_on", ctx.form("effective_on")},
                                   {"reason", ctx.form("reason")}, {"legal_reference", ctx.form("legal_reference")},
                                   {"new_end_date", ctx.form("new_end_date")}}};
      return contract_page_route(ctx, c, &state, 422);
    }
    audit_write(ctx, "update", "contract", c.id, "Statut : " + *r);
    ctx.flash(fmt::format("Statut du marché : {}.", label_of(kContractStatuses, *r)));
    return http::Response::redirect(fmt::format("/marches/{}", c.id));
  });
  app.route("POST", "/marches/{id}/heures", writers, [](Ctx& ctx) {
    auto c = load_contract(ctx, path_id(ctx));
    HoursInput in{ctx.form("person_name"), "", ctx.form("month"), ctx.form("employer_name"), ctx.form("modality"),
                  ctx.form("situation"), ctx.form("eligibility"), ctx.form("hours")};
    auto r = add_hours(ctx.db(), scope_of(ctx), c, in, ctx.user().id);
    if (!r) {
      FormState state{"hours", r.error(), json::object{}};
      for (auto n : {"person_name", "month", "employer_name", "modality", "situation", "eligibility", "hours"})
        state.values[n] = ctx.form(n);
      return contract_page_route(ctx, c, &state, 422);
    }
    auto e = get_hours(ctx.db(), scope_of(ctx), *r);
    ctx.flash(fmt::format("Heures enregistrées : {}.", e ? s(label_of(kDecisions, e->decision)) : ""));
    return http::Response::redirect(fmt::format("/marches/{}#heures", c.id));
  });

  app.route("POST", "/marches/{id}/cotraitants", writers, [](Ctx& ctx) {
    auto c = load_contract(ctx, path_id(ctx));
    auto r = add_party(ctx.db(), c, PartyInput{ctx.form("organisation_id"), ctx.form("role")});
    if (!r) {
      FormState state{"party", r.error(),
                      json::object{{"organisation_id", ctx.form("organisation_id")}, {"role", ctx.form("role")}}};
      return contract_page_route(ctx, c, &state, 422);
    }
    auto what = fmt::format("{} ajouté : {}", label_of(kPartyRoles, r->role), r->organisation_name);
    audit_write(ctx, "update", "contract", c.id, what);
    ctx.flash(what + ".");
    return http::Response::redirect(fmt::format("/marches/{}#cotraitants", c.id));
  });
  app.route("POST", "/marches/{id}/cotraitants/retirer", writers, [](Ctx& ctx) {
    auto c = load_contract(ctx, path_id(ctx));
    auto org = to_id(ctx.form("organisation_id"));
    auto role = ctx.form("role");
    if (!org || !find_code(kPartyRoles, role)) throw web::BadRequest{"Organisation ou rôle invalide."};
    std::string name;
    for (auto& p : contract_parties(ctx.db(), c.id))
      if (p.organisation_id == *org && p.role == role) name = p.organisation_name;
    if (!name.empty() && remove_party(ctx.db(), c.id, *org, role)) {
      auto what = fmt::format("{} retiré : {}", label_of(kPartyRoles, role), name);
      audit_write(ctx, "update", "contract", c.id, what);
      ctx.flash(what + ".");
    } else {
      ctx.flash("Cette organisation ne figurait plus sur le marché.");
    }
    return http::Response::redirect(fmt::format("/marches/{}#cotraitants", c.id));
  });

  app.route("GET", "/heures/import", writers, [](Ctx& ctx) { return import_page(ctx, kStatementImport, "", 200); });
  app.route("POST", "/heures/import", writers, [](Ctx& ctx) {
    return upload_route(ctx, kStatementImport,
                        [&](const std::string& data) { return plan_statement_import(ctx.db(), scope_of(ctx), data); });
  });
  app.route("POST", "/heures/import/{id}", writers, [](Ctx& ctx) {
    auto id = path_id(ctx);
    auto file = import_choice(ctx, kStatementImport, id);
    if (!file) {
      ctx.flash("Import annulé : aucune heure n'a été enregistrée.");
      return http::Response::redirect("/heures/import");
    }
    auto plan = plan_statement_import(ctx.db(), scope_of(ctx), file->second);
    if (!plan.fatal.empty()) return import_page(ctx, kStatementImport, plan.fatal, 422);
    auto count = apply_statement_import(ctx.db(), plan, ctx.user().id, id);
    finish_import(ctx, id, count);
    audit_write(ctx, "import", "insertion_hours", 0,
                fmt::format("{} : {} lignes d'heures importées, {} rejetées", file->first, count, plan.errors.size()));
    ctx.flash(fmt::format("{} ligne(s) d'heures importée(s) depuis « {} ».", count, file->first));
    return http::Response::redirect("/heures/a-examiner");
  });

  app.route("GET", "/heures/a-examiner", writers, [](Ctx& ctx) { return review_page(ctx, 0, {}, 200); });
  app.route("POST", "/heures/{id}/examen", writers, [](Ctx& ctx) {
    auto e = get_hours(ctx.db(), scope_of(ctx), path_id(ctx));
    if (!e) throw web::NotFound{};
    auto r = review_hours(ctx.db(), e->id, ctx.form("outcome"), ctx.form("reason"), ctx.user().id);
    if (!r) return review_page(ctx, e->id, r.error(), 422, e->contract_id);
    audit_write(ctx, "update", "insertion_hours", e->id, "Examen : " + ctx.form("outcome"));
    ctx.flash(ctx.form("outcome") == "accepted" ? "Heures acceptées : elles comptent pour le marché."
                                                 : "Heures refusées : elles ne comptent pas pour le marché.");
    if (ctx.form("back") == "contract") return http::Response::redirect(fmt::format("/heures/a-examiner?marche={}", e->contract_id));
    return http::Response::redirect("/heures/a-examiner");
  });

  app.route("GET", "/acheteurs", writers, [](Ctx& ctx) { return buyers_page(ctx, {}, 200); });
  app.route("POST", "/acheteurs", writers, [](Ctx& ctx) {
    web::Errors errors;
    auto buyer = to_id(ctx.form("buyer_organisation_id"));
    auto org = to_id(ctx.form("organisation_id"));
    if (!buyer) errors.push_back({"buyer_organisation_id", "Choisissez l'acheteur dans l'annuaire."});
    if (!org || !network::get_organisation(ctx.db(), scope_of(ctx), *org))
      errors.push_back({"organisation_id", "Choisissez la structure qui suit cet acheteur."});
    if (!errors.empty()) return buyers_page(ctx, errors, 422);
    auto r = create_buyer(ctx.db(), *org, *buyer, ctx.form("contact_name"), ctx.form("contact_email"), "");
    if (!r) return buyers_page(ctx, r.error(), 422);
    audit_write(ctx, "create", "public_buyer", *r, "");
    ctx.flash("Acheteur public ajouté.");
    return http::Response::redirect("/acheteurs");
  });

  app.route("GET", "/acheteurs/{id}", writers,
            [](Ctx& ctx) { return buyer_page(ctx, load_buyer(ctx, path_id(ctx)), {}, 200); });
  app.route("POST", "/acheteurs/{id}/programme", writers, [](Ctx& ctx) {
    auto b = load_buyer(ctx, path_id(ctx));
    auto r = create_programme_item(ctx.db(), scope_of(ctx), b, programme_input(ctx));
    if (!r) return buyer_page(ctx, b, r.error(), 422);
    audit_write(ctx, "create", "purchase_programme_item", *r,
                fmt::format("{} : {} ({})", b.name, ctx.form("title"), ctx.form("year")));
    ctx.flash(ctx.form("kind") == "meeting" ? "Réunion ajoutée à la programmation." : "Marché prévu ajouté à la programmation.");
    return http::Response::redirect(fmt::format("/acheteurs/{}?annee={}#programmation", b.id, text::trim(ctx.form("year"))));
  });
  app.route("GET", "/acheteurs/{id}/programme/{item}/modifier", writers, [](Ctx& ctx) {
    auto b = load_buyer(ctx, path_id(ctx));
    auto item = get_programme_item(ctx.db(), b.id, path_id(ctx, "item"));
    if (!item) throw web::NotFound{};
    return programme_item_form(ctx, b, *item, programme_values(*item), {}, 200);
  });
  app.route("POST", "/acheteurs/{id}/programme/{item}", writers, [](Ctx& ctx) {
    auto b = load_buyer(ctx, path_id(ctx));
    auto item = get_programme_item(ctx.db(), b.id, path_id(ctx, "item"));
    if (!item) throw web::NotFound{};
    auto r = update_programme_item(ctx.db(), scope_of(ctx), b, item->id, programme_input(ctx));
    if (!r) return programme_item_form(ctx, b, *item, programme_typed(ctx), r.error(), 422);
    audit_write(ctx, "update", "purchase_programme_item", item->id,
                fmt::format("{} : {} ({}), statut {}", b.name, ctx.form("title"), ctx.form("year"), ctx.form("status")));
    ctx.flash("Programmation modifiée.");
    return http::Response::redirect(fmt::format("/acheteurs/{}?annee={}#programmation", b.id, text::trim(ctx.form("year"))));
  });

  app.route("GET", "/regles", writers, [](Ctx& ctx) { return rule_sets_page(ctx, 0, {}, 200); });
  app.route("POST", "/regles/{id}/apercu", admins, [](Ctx& ctx) { return rule_set_preview(ctx, path_id(ctx)); });
  app.route("POST", "/regles/{id}", admins, [](Ctx& ctx) {
    auto id = path_id(ctx);
    RuleSetDatesInput in{ctx.form("effective_from"), ctx.form("effective_to")};
    auto r = apply_rule_set_dates(ctx.db(), id, in, ctx.user().id);
    if (!r) return rule_sets_page(ctx, id, r.error(), 422);
    audit_write(ctx, "update", "rule_set", r->new_rule_set_id,
                fmt::format("Dates d'effet {} – {} (remplace la version {}) : {} entrées recalculées, {} décisions changées",
                            in.effective_from, in.effective_to, id, r->entries_updated, r->decisions_changed));
    ctx.flash(fmt::format("Nouvelle version enregistrée : {} entrée(s) recalculée(s), dont {} décision(s) changée(s).",
                          r->entries_updated, r->decisions_changed));
    return http::Response::redirect("/regles");
  });
}

}  // namespace passerelle::clauses
